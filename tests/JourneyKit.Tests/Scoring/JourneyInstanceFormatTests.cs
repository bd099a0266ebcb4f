using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Scoring;

/// <summary>The serialized run (<see cref="JourneyInstance"/>, format 2): golden bytes of the onboarding fixture, read
/// back and continued like the live run. (Format-1 runs are read inside the format-2 CustomerState fixture.)</summary>
public sealed class JourneyInstanceFormatTests
{
    private const string Fixture = "Scoring/Fixtures/journey-instance-v2.hex";

    private static readonly JourneyEvaluator Evaluator = new(Onboarding);

    /// <summary>The fixture run: StepFixtures.FixtureEvents (form.start, two id.upload — the negative moment of truth — and
    /// a help call) for "ada".</summary>
    private static JourneyInstance Saved()
    {
        JourneyInstance run = Evaluator.CreateInstance("ada");
        foreach (JourneyEvent e in FixtureEvents)
        {
            run = Evaluator.Advance(run, e);
        }

        return run;
    }

    [Fact]
    public void Serialize_FixtureRun_IsTheGoldenBytesOfFormat2()
    {
        GoldenBytes.AssertEqual(Fixture, Saved().Serialize());
        Assert.Equal(2, GoldenBytes.Read(Fixture)[0]);
    }

    [Fact]
    public void Deserialize_Golden_RoundTripsAndContinuesLikeTheLiveRun()
    {
        byte[] golden = GoldenBytes.Read(Fixture);
        JourneyInstance read = JourneyInstance.Deserialize(golden), live = Saved();
        Assert.Equal(golden, read.Serialize());
        Assert.Equal(("ada", "onboarding", 4), (read.CustomerId, read.JourneyId, read.EventCount));
        var login = new JourneyEvent("ada", "first.login", T0.AddHours(3), Channel.Mobile) { EventId = "e5" };
        read = Evaluator.Advance(read, login);
        live = Evaluator.Advance(live, login);
        Assert.Equal(live.Serialize(), read.Serialize());
        Assert.True(read.GoalReached); // first.login puts the run in the goal stage "active"
    }

    [Theory]
    [InlineData(new byte[] { 3 })]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[0])]
    public void Deserialize_NotAKnownFormat_ThrowsFormatException(byte[] data) =>
        Assert.Throws<FormatException>(() => JourneyInstance.Deserialize(data));
}
