using JourneyKit.Orchestration;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Orchestration;

public sealed class OutboxDispatcherTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    private static CustomerState WithThreePending()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules);
        return step.Run(step.CreateState("ada"), StepInput.WholeLog(FixtureEvents), Now).State;
    }

    [Fact]
    public async Task DispatchDueAsync_FailureSchedulesTheNextAttemptAfterTheBackoff()
    {
        CustomerState state = WithThreePending();
        var receiver = new FailFirst("moment:upload-retry:1");
        var outbox = new OutboxDispatcher(receiver, new RetryBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)));
        using OutboxDispatch dispatch = await outbox.DispatchDueAsync(state, Now);

        // oldest first; the failed one is retried 10 s later (attempt 1, no jitter)
        Assert.Equal(
            [("entered:verify:1", true, Now), ("moment:upload-retry:1", false, Now.AddSeconds(10)), ("pattern:1", true, Now)],
            dispatch.Outcomes.Select(o => (state.Outbox.Single(p => p.Intervention.IdempotencyKey == o.IdempotencyKey).Intervention.Occurrence, o.Acknowledged, o.NextAttemptAt)));
        Assert.Equal(2, dispatch.Acknowledged);
        Assert.Equal(1, dispatch.Outcomes.Single(o => !o.Acknowledged).Attempts);
    }

    [Fact]
    public async Task DispatchDueAsync_ClaimedByAnotherCall_IsNotSentTwiceUntilReleased()
    {
        CustomerState state = WithThreePending();
        var receiver = new RecordingInterventionDispatcher();
        var outbox = new OutboxDispatcher(receiver, new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        OutboxDispatch first = await outbox.DispatchDueAsync(state, Now);
        using (OutboxDispatch second = await outbox.DispatchDueAsync(state, Now))
        {
            Assert.Empty(second.Outcomes); // all three claimed by the first, not yet recorded
        }

        first.Dispose();
        using OutboxDispatch third = await outbox.DispatchDueAsync(state, Now); // the state was not updated: at least once
        Assert.Equal(3, third.Acknowledged);
        Assert.Equal(6, receiver.Attempts.Count);
        Assert.Equal(3, receiver.Delivered.Count);
    }

    [Fact]
    public async Task DispatchDueAsync_NotDueYet_IsSkipped()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules);
        CustomerState pending = WithThreePending();
        CustomerState state = step.RecordDispatch(pending, [.. pending.Outbox.Select(p => new DispatchOutcome(p.Intervention.IdempotencyKey, false, 1, Now.AddMinutes(1)))], Now).State;
        var outbox = new OutboxDispatcher(new RecordingInterventionDispatcher(), new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        using OutboxDispatch early = await outbox.DispatchDueAsync(state, Now.AddSeconds(59));
        Assert.Empty(early.Outcomes);
        using OutboxDispatch due = await outbox.DispatchDueAsync(state, Now.AddMinutes(1));
        Assert.Equal(3, due.Acknowledged);
    }

    private sealed class FailFirst(string occurrence) : InterventionDispatcher
    {
        public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default) =>
            intervention.Occurrence == occurrence ? throw new InvalidOperationException("receiver down") : Task.CompletedTask;
    }
}
