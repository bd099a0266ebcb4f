using JourneyKit.Orchestration;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Orchestration;

/// <summary>The stored state format: golden bytes of format 4, and states written in formats 2 and 3 stay readable.</summary>
public sealed class CustomerStateFormatTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    /// <summary>The fixture scenario through the step: 4 events at T0 + 1 day, then each dispatch fails once (retry 1 s later).</summary>
    private static CustomerState FixtureState()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules, new OrchestrationOptions { MaxInterventionsPerCustomer = 5 });
        StepResult r = step.Run(step.CreateState("ada"), StepInput.WholeLog(FixtureEvents), Now);
        return step.RecordDispatch(r.State, [.. r.Interventions.Select(i => new DispatchOutcome(i.IdempotencyKey, false, 1, Now.AddSeconds(1)))], Now).State;
    }

    [Fact]
    public void Serialize_FixtureScenario_IsTheGoldenBytesOfFormat4()
    {
        byte[] golden = ReadHex("customer-state-v4.hex");
        Assert.Equal([0x04, 0x4A, 0x4B, 0x4F], golden[..4]); // format 4, "JKO"
        Assert.Equal(4, CustomerState.FormatVersion);
        byte[] actual = FixtureState().Serialize();
        Assert.True(golden.AsSpan().SequenceEqual(actual), "The serialized CustomerState changed: see the header of Fixtures/customer-state-v4.hex.");
    }

    [Fact]
    public void Deserialize_Format3_ReadsTheSameStateAndWritesFormat4()
    {
        // Format 4 differs from 3 only by the version byte and one 'no risk' byte after each of the 3 outbox entries (the
        // fixture has no risk rule): reading the format-3 fixture and writing it again gives the format-4 golden bytes.
        byte[] v3 = ReadHex("customer-state-v3.hex"), v4 = ReadHex("customer-state-v4.hex");
        Assert.Equal(v3.Length + 3, v4.Length);
        Assert.Equal(v4, CustomerState.Deserialize(v3).Serialize());
    }

    [Fact]
    public void Deserialize_Format4Golden_RoundTripsByteForByte()
    {
        byte[] golden = ReadHex("customer-state-v4.hex");
        CustomerState state = CustomerState.Deserialize(golden);
        Assert.Equal(golden, state.Serialize());
        Assert.Equal(("ada", 1, 4, T0.AddHours(2)), (state.CustomerId, state.JourneyVersion, state.Instance.EventCount, state.ResumeFrom));
        Assert.Equal(
            ["entered:verify:1 1", "moment:upload-retry:1 1", "pattern:1 1"],
            state.Outbox.Select(p => $"{p.Intervention.Occurrence} {p.Attempts}").Order(StringComparer.Ordinal));
        Assert.All(state.Outbox, p => Assert.Equal(Now.AddSeconds(1), p.NextAttemptAt));
    }

    [Fact]
    public void Deserialize_Format2_ReadsTheSameRunAndContinuesIdentically()
    {
        CustomerState v2 = CustomerState.Deserialize(ReadHex("customer-state-v2.hex"));
        CustomerState v3 = CustomerState.Deserialize(ReadHex("customer-state-v3.hex"));
        Assert.Equal(v3.Instance.Serialize(), v2.Instance.Serialize());
        Assert.Equal(v3.Outbox.Select(p => (p.Intervention.IdempotencyKey, p.Intervention.Name, p.Attempts, p.NextAttemptAt)), v2.Outbox.Select(p => (p.Intervention.IdempotencyKey, p.Intervention.Name, p.Attempts, p.NextAttemptAt)));
        Assert.Equal((v3.HandledOccurrenceCount, v3.ResumeFrom), (v2.HandledOccurrenceCount, v2.ResumeFrom));

        // continuing both: the same activation event, then every pending dispatch acknowledged
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules, new OrchestrationOptions { MaxInterventionsPerCustomer = 5 });
        DateTimeOffset later = Now.AddHours(1);
        JourneyKit.Events.JourneyEvent login = new("ada", "first.login", T0.AddHours(3), JourneyKit.Model.Channel.Mobile) { EventId = "e5" };
        byte[] Continue(CustomerState s)
        {
            StepResult r = step.Run(s, StepInput.LogFrom([FixtureEvents[2], FixtureEvents[3], login]), later);
            Assert.Equal(StepStatus.Completed, r.Status);
            return step.RecordDispatch(r.State, [.. r.State.Outbox.Select(p => new DispatchOutcome(p.Intervention.IdempotencyKey, true, 0, later))], later).State.Serialize();
        }

        Assert.Equal(Continue(v3), Continue(v2));
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x4A, 0x4B, 0x4F, 0, 0, 0, 0 })] // a future format
    [InlineData(new byte[] { 0x01, 0x4A, 0x4B, 0x4F, 0, 0, 0, 0 })] // no such format
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[0])]
    public void Deserialize_NotAKnownFormat_ThrowsFormatException(byte[] data) =>
        Assert.Throws<FormatException>(() => CustomerState.Deserialize(data));

    [Fact]
    public void Deserialize_Truncated_ThrowsFormatException()
    {
        byte[] golden = ReadHex("customer-state-v4.hex");
        foreach (int length in new[] { 4, 8, golden.Length / 2, golden.Length - 1 })
        {
            Assert.Throws<FormatException>(() => CustomerState.Deserialize(golden.AsSpan(0, length)));
        }
    }
}
