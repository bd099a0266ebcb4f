using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Scoring;

/// <summary>The serialized run (<see cref="JourneyInstance"/>, format 2): golden bytes of the onboarding fixture, read
/// back and continued like the live run; the same run in format 1 (as an older writer stored it) still reads.</summary>
public sealed class JourneyInstanceFormatTests
{
    private const string Fixture = "Scoring/Fixtures/journey-instance-v2.hex";

    private const string FixtureV1 = "Scoring/Fixtures/journey-instance-v1.hex";

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

    [Fact]
    public void Deserialize_Format1_ReadsTheSameRun_WithFormat2sDefaults_AndContinuesLikeTheLiveRun()
    {
        byte[] v1 = GoldenBytes.Read(FixtureV1), v2 = GoldenBytes.Read(Fixture);
        Assert.Equal((1, 2), (v1[0], v2[0]));
        Assert.True(v2.AsSpan(1).StartsWith(v1.AsSpan(1)), "format 2 appends its fields to format 1's");

        // Run 1, no persona (so none set by the caller), no attributes, no persona at either stage entry: exactly the
        // format-2 bytes of the same run, written today.
        JourneyInstance read = JourneyInstance.Deserialize(v1);
        Assert.Equal((1, false, 0), (read.RunNumber, read.PersonaSetByCaller, read.Attributes.Count));
        Assert.Equal(v2, read.Serialize());

        var login = new JourneyEvent("ada", "first.login", T0.AddHours(3), Channel.Mobile) { EventId = "e5" };
        Assert.Equal(Evaluator.Advance(Saved(), login).Serialize(), Evaluator.Advance(read, login).Serialize());
    }

    [Theory]
    [InlineData(new byte[] { 3 })]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[0])]
    public void Deserialize_NotAKnownFormat_ThrowsFormatException(byte[] data) =>
        Assert.Throws<FormatException>(() => JourneyInstance.Deserialize(data));
}
