using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.Time.Testing;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class JourneyEngineTests
{
    private static readonly JourneyRule StuckApply80 = JourneyRule.Create("apply-nudge").WhenStuck("apply", 0.8).Then("apply-reminder", Channel.Sms, "tpl-apply").Build();

    [Fact]
    public async Task TickAsync_StuckRule_FiresExactlyWhenDue()
    {
        FakeTimeProvider clock = Clock();
        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        JourneyEngine engine = Engine(store, sent, clock, null, StuckApply80);
        await engine.IngestAsync(Event("ada", "form.start", T0));

        // due = entered + 0.8 × 2 days = T0 + 38.4 h = T0 + 1 d 14 h 24 min
        DateTimeOffset due = T0 + TimeSpan.FromHours(38.4);
        Assert.Equal(due, (await store.Instances.GetAsync("ada", "onboarding"))!.DueAt);
        clock.SetUtcNow(due - TimeSpan.FromTicks(1));
        await engine.TickAsync();
        Assert.Empty(sent.Attempts);

        clock.SetUtcNow(due);
        TickResult tick = await engine.TickAsync();
        Intervention i = Assert.Single(sent.Attempts);
        Assert.Equal(1, tick.InterventionsFired);
        Assert.Equal(("apply-reminder", "ada", "apply-nudge", "tpl-apply", due, "apply"), (i.Name, i.CustomerId, i.Rule, i.TemplateId, i.OccurredAt, i.Stage));
        Assert.Equal(Channel.Sms, i.Channel);
        Assert.Equal(Intervention.DeriveIdempotencyKey("onboarding", "ada", "apply-nudge", "stuck:apply:1"), i.IdempotencyKey);

        clock.Advance(TimeSpan.FromDays(3));
        await engine.TickAsync();
        Assert.Single(sent.Attempts); // once per stay
        Assert.Null((await store.Instances.GetAsync("ada", "onboarding"))!.DueAt);
        Assert.Empty(await engine.GetPendingInterventionsAsync("ada"));
    }

    [Fact]
    public async Task TickAsync_CustomerProgressedBeforeDue_DoesNotFire()
    {
        FakeTimeProvider clock = Clock();
        var sent = new RecordingInterventionDispatcher();
        var store = new InMemoryJourneyStore();
        JourneyEngine engine = Engine(store, sent, clock, null, StuckApply80);
        await engine.IngestAsync(Event("ada", "form.start", T0));
        clock.Advance(TimeSpan.FromHours(5));
        await engine.IngestAsync(Event("ada", "id.upload", clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromDays(5));
        await engine.TickAsync();
        Assert.Empty(sent.Attempts);
    }

    [Fact]
    public async Task IngestAsync_LateEventAfterDue_StuckFiresAtNextEvaluationOnce()
    {
        // A customer whose stay is already overdue when the event arrives fires on that ingest.
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(3));
        var sent = new RecordingInterventionDispatcher();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, StuckApply80);
        IngestResult r = await engine.IngestAsync(Event("ada", "form.start", T0));
        Assert.Equal((1, 1, 1), (r.Appended, r.InterventionsFired, r.InterventionsDispatched));
        await engine.IngestAsync(Event("ada", "form.submit", T0.AddHours(1)));
        Assert.Single(sent.Attempts);
    }

    [Fact]
    public async Task IngestAsync_RuleCooldown_DropsEntriesWithinCooldown()
    {
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
        var sent = new RecordingInterventionDispatcher();
        JourneyRule rule = JourneyRule.Create("welcome-back").WhenEntered("apply").Then("hello", Channel.Email).WithCooldown(TimeSpan.FromDays(1)).SuppressWhenProgressed(false).Build();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, rule);

        // entries into apply at T0, T0+2h, T0+25h, T0+26h; cooldown 1 day measured from the last fired (T0, then T0+25h)
        string[] tps = ["form.start", "id.upload", "form.submit", "id.upload", "form.start", "id.upload", "form.start"];
        double[] hours = [0, 1, 2, 3, 25, 25.5, 26];
        for (int i = 0; i < tps.Length; i++)
        {
            await engine.IngestAsync(Event("ada", tps[i], T0.AddHours(hours[i])));
        }

        Assert.Equal([T0, T0.AddHours(25)], sent.Attempts.Select(a => a.OccurredAt));
        Assert.Equal(["entered:apply:1", "entered:apply:3"], sent.Attempts.Select(a => a.Occurrence));
    }

    [Fact]
    public async Task IngestAsync_RuleFrequencyCap_HoldsPerPeriod()
    {
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
        var sent = new RecordingInterventionDispatcher();
        JourneyRule rule = JourneyRule.Create("any-entry").WhenEntered(null).Then("ping", Channel.Email).WithFrequencyCap(2, TimeSpan.FromDays(1)).SuppressWhenProgressed(false).Build();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, rule);

        // stage entries at 0h, 1h, 2h, 3h (cap 2/day: first two), then 24h (0h is exactly one day earlier: a period
        // apart counts as outside, 1h is inside → 1 in window → fires), then 24.5h (1h, 24h inside → capped).
        string[] tps = ["form.start", "id.upload", "form.start", "id.upload", "form.start", "id.upload"];
        double[] hours = [0, 1, 2, 3, 24, 24.5];
        for (int i = 0; i < tps.Length; i++)
        {
            await engine.IngestAsync(Event("ada", tps[i], T0.AddHours(hours[i])));
        }

        Assert.Equal([0.0, 1, 24], sent.Attempts.Select(a => (a.OccurredAt - T0).TotalHours));
    }

    [Fact]
    public async Task IngestAsync_CustomerFrequencyCapAndPriorities_HighestPriorityWins()
    {
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
        var sent = new RecordingInterventionDispatcher();
        JourneyRule low = JourneyRule.Create("low").WhenEntered("verify").Then("low", Channel.Email).WithPriority(1).Build();
        JourneyRule high = JourneyRule.Create("high").WhenEntered("verify").Then("high", Channel.Sms).WithPriority(5).Build();
        JourneyRule mid = JourneyRule.Create("mid").WhenLeft("apply").Then("mid", Channel.Web).WithPriority(3).Build();
        var options = new OrchestrationOptions { MaxInterventionsPerCustomer = 2, FrequencyCapPeriod = TimeSpan.FromDays(7) };
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, options, low, high, mid);

        // one batch: enter apply, leave apply + enter verify at the same instant → candidates high(5), mid(3), low(1); cap 2
        IngestResult r = await engine.IngestBatchAsync([Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1))]);
        Assert.Equal(2, r.InterventionsFired);
        Assert.Equal(["high", "mid"], sent.Attempts.Select(a => a.Rule));
    }

    [Fact]
    public async Task IngestAsync_EnteredThenMovedOnInOneBatch_IsSuppressed()
    {
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
        var sent = new RecordingInterventionDispatcher();
        JourneyRule rule = JourneyRule.Create("verify-welcome").WhenEntered("verify").Then("hi", Channel.Email).Build();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, rule);
        await engine.IngestBatchAsync([Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1)), Event("ada", "first.login", T0.AddHours(2))]);
        Assert.Empty(sent.Attempts);
        await engine.IngestBatchAsync([Event("bob", "form.start", T0), Event("bob", "id.upload", T0.AddHours(1))]);
        Assert.Equal("bob", Assert.Single(sent.Attempts).CustomerId);
    }

    [Fact]
    public async Task IngestAsync_MomentOfTruthPatternAndRisk_Fire()
    {
        FakeTimeProvider clock = Clock();
        var sent = new RecordingInterventionDispatcher();
        JourneyRule negative = JourneyRule.Create("recover").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("call-back", Channel.Voice).Build();
        JourneyRule pattern = JourneyRule.Create("called").WhenPattern("help.call").Then("follow-up", Channel.Email).Build();
        JourneyRule risk = JourneyRule.Create("risky").WhenRiskAtLeast(0.5, "verify").Then("assist", Channel.Chat).Build();
        var store = new InMemoryJourneyStore();
        JourneyEngine engine = Engine(store, sent, clock, null, negative, pattern, risk);
        await engine.IngestAsync(Event("ada", "form.start", T0));
        await engine.IngestAsync(Event("ada", "id.upload", T0.AddHours(1)));
        await engine.IngestAsync(Event("ada", "id.upload", T0.AddHours(2))); // second upload in a row: moment "upload-retry"
        await engine.IngestAsync(Event("ada", "help.call", T0.AddHours(3)));
        await engine.IngestAsync(Event("ada", "help.call", T0.AddHours(4)));
        Assert.Equal(["moment:upload-retry:1", "pattern:1", "pattern:2"], sent.Attempts.Select(a => a.Occurrence));

        // baseline risk = time in stage / standard time (1 day): reaches 0.5 at entered (T0+1h) + 12h
        Assert.Equal(T0.AddHours(13), (await store.Instances.GetAsync("ada", "onboarding"))!.DueAt);
        clock.SetUtcNow(T0.AddHours(13));
        await engine.TickAsync();
        Assert.Equal("risk:verify:1", sent.Attempts.Last().Occurrence);
        Assert.Equal(T0.AddHours(13), sent.Attempts.Last().OccurredAt);
        Assert.Equal(0.5, sent.Attempts.Last().Risk); // 12 h into verify's 1-day standard time
        Assert.Null(sent.Attempts.Last().RiskModel); // the baseline estimator has no model version
        Assert.All(sent.Attempts.SkipLast(1), a => Assert.Null(a.Risk));
    }

    [Fact]
    public async Task IngestAsync_SameEventTwice_AppliedOnceNoSecondIntervention()
    {
        FakeTimeProvider clock = Clock();
        var sent = new RecordingInterventionDispatcher();
        JourneyRule rule = JourneyRule.Create("w").WhenEntered("apply").Then("hi", Channel.Email).Build();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, rule);
        JourneyEvent e = Event("ada", "form.start", T0, "evt-1");
        IngestResult first = await engine.IngestAsync(e);
        IngestResult second = await engine.IngestAsync(e);
        Assert.Equal((1, 0, 1), (first.Appended, first.Duplicates, first.InterventionsFired));
        Assert.Equal((0, 1, 0), (second.Appended, second.Duplicates, second.InterventionsFired));
        Assert.Equal(1, (await engine.GetInstanceAsync("ada"))!.EventCount);
        Assert.Single(sent.Attempts);
    }

    [Fact]
    public async Task IngestAsync_OutOfOrderEvents_StateEqualsBatchEvaluationOfSortedEvents()
    {
        FakeTimeProvider clock = Clock();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), clock);
        JourneyEvent[] events =
        [
            Event("ada", "form.start", T0), Event("ada", "form.submit", T0.AddHours(1)), Event("ada", "id.upload", T0.AddHours(2)),
            Event("ada", "id.upload", T0.AddHours(3)), Event("ada", "first.login", T0.AddHours(4)),
        ];
        foreach (int i in new[] { 2, 0, 4, 1, 3 })
        {
            await engine.IngestAsync(events[i]);
        }

        var batch = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            batch.Add(e);
        }

        JourneyInstance expected = new JourneyEvaluator(Onboarding).Evaluate(batch.Build())[0];
        Assert.Equal(expected.Serialize(), (await engine.GetInstanceAsync("ada"))!.Serialize());
    }

    [Fact]
    public async Task IngestAsync_EqualTimestampsAcrossCalls_AllAppliedOnceReadingOnlyFromLastTime()
    {
        FakeTimeProvider clock = Clock();
        var reads = new List<DateTimeOffset?>();
        var store = new ReadSpyStore(new InMemoryJourneyStore(), reads);
        JourneyEngine engine = Engine(store, new RecordingInterventionDispatcher(), clock);
        JourneyEvent[] events =
        [
            Event("ada", "form.start", T0, "e1"), Event("ada", "form.submit", T0.AddHours(1), "e2"),
            Event("ada", "id.upload", T0.AddHours(1), "e3"), Event("ada", "help.call", T0.AddHours(1), "e4"),
        ];
        foreach (JourneyEvent e in events)
        {
            await engine.IngestAsync(e);
        }

        await engine.IngestAsync(events[2]); // duplicate at the last time
        var batch = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            batch.Add(e);
        }

        JourneyInstance expected = new JourneyEvaluator(Onboarding).Evaluate(batch.Build())[0];
        Assert.Equal(expected.Serialize(), (await engine.GetInstanceAsync("ada"))!.Serialize());

        // first call: whole log; then from the last applied time (T0, T0+1h, T0+1h, T0+1h)
        Assert.Equal([null, T0, T0.AddHours(1), T0.AddHours(1), T0.AddHours(1)], reads);
    }

    [Fact]
    public async Task IngestAsync_SlowDispatcher_DoesNotBlockTheCustomerNorDispatchTwice()
    {
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
        var gate = new GatedDispatcher();
        JourneyRule rule = JourneyRule.Create("w").WhenEntered("apply").Then("hi", Channel.Email).Build();
        var store = new InMemoryJourneyStore();
        JourneyEngine engine = Engine(store, gate, clock, null, rule);

        Task<IngestResult> first = engine.IngestAsync(Event("ada", "form.start", T0));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the dispatch is in progress
        IngestResult second = await engine.IngestAsync(Event("ada", "form.submit", T0.AddHours(1))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((1, 0), (second.Appended, second.InterventionsDispatched)); // in flight elsewhere: not dispatched again
        Assert.Single(await engine.GetPendingInterventionsAsync("ada"));

        gate.Release.SetResult();
        IngestResult r = await first;
        Assert.Equal((1, 1), (r.InterventionsFired, r.InterventionsDispatched));
        Assert.Equal(1, gate.Calls);
        Assert.Empty(await engine.GetPendingInterventionsAsync("ada")); // acknowledged on the state the second call saved
        Assert.Equal(2, (await engine.GetInstanceAsync("ada"))!.EventCount);
    }

    [Fact]
    public async Task TickAsync_OneUnreadableState_OthersStillFire()
    {
        FakeTimeProvider clock = Clock();
        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        JourneyEngine engine = Engine(store, sent, clock, null, StuckApply80);
        await engine.IngestAsync(Event("ada", "form.start", T0));
        await store.Instances.SaveAsync("zed", "onboarding", 1, new byte[] { 1, 2, 3 }, T0, null); // corrupt, due
        clock.SetUtcNow(T0.AddDays(2));
        TickResult tick = await engine.TickAsync();
        Assert.Equal((2, 1, 1), (tick.Customers, tick.InterventionsFired, tick.Failed));
        Assert.Equal("ada", Assert.Single(sent.Attempts).CustomerId);
    }

    [Fact]
    public async Task TickAsync_DispatchFails_RetriedWithBackoffUntilAcknowledged()
    {
        FakeTimeProvider clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
        var flaky = new FlakyDispatcher(failures: 2);
        var store = new InMemoryJourneyStore();
        JourneyRule rule = JourneyRule.Create("w").WhenEntered("apply").Then("hi", Channel.Email).Build();
        JourneyEngine engine = Engine(store, flaky, clock, new OrchestrationOptions { DispatchRetryDelay = TimeSpan.FromSeconds(10) }, rule);
        IngestResult r = await engine.IngestAsync(Event("ada", "form.start", T0));
        Assert.Equal((1, 0), (r.InterventionsFired, r.InterventionsDispatched));
        DateTimeOffset now = clock.GetUtcNow();
        Assert.Equal(now.AddSeconds(10), (await store.Instances.GetAsync("ada", "onboarding"))!.DueAt); // 1st retry after 10 s
        clock.Advance(TimeSpan.FromSeconds(10));
        await engine.TickAsync(); // fails again: next after 20 s
        Assert.Equal(now.AddSeconds(30), (await store.Instances.GetAsync("ada", "onboarding"))!.DueAt);
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, (await engine.TickAsync()).Customers);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await engine.TickAsync()).InterventionsDispatched);
        Assert.Equal(3, flaky.Calls);
        Assert.Empty(await engine.GetPendingInterventionsAsync("ada"));
        Assert.Null((await store.Instances.GetAsync("ada", "onboarding"))!.DueAt);
    }

    [Fact]
    public async Task TickAsync_NewEngineOverSameStore_ResumesTimers()
    {
        FakeTimeProvider clock = Clock();
        string path = Path.Combine(TestTemp.Root, $"jk-restart-{Guid.NewGuid():N}.db");
        try
        {
            var sent = new RecordingInterventionDispatcher();
            await Engine(new JourneyKit.Storage.Sqlite.SqliteJourneyStore(path), sent, clock, null, StuckApply80).IngestAsync(Event("ada", "form.start", T0));

            // "restart": a new store object and a new engine over the same file
            JourneyEngine restarted = Engine(new JourneyKit.Storage.Sqlite.SqliteJourneyStore(path), sent, clock, null, StuckApply80);
            clock.SetUtcNow(T0 + TimeSpan.FromHours(38.4));
            await restarted.TickAsync();
            Assert.Equal("stuck:apply:1", Assert.Single(sent.Attempts).Occurrence);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void Ctor_RuleWithUnknownStageAndDuplicateName_ThrowsWithEveryProblem()
    {
        JourneyRule a = JourneyRule.Create("a").WhenStuck("nope").Then("x", Channel.Email).Build();
        JourneyRule b = JourneyRule.Create("a").WhenMomentOfTruth(null, "missing").Then("x", Channel.Email).Build();
        var e = Assert.Throws<JourneyValidationException>(() => Engine(new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), Clock(), null, a, b));
        Assert.Equal(["rules[0].stage", "rules[1].momentOfTruth", "rules[1].name"], e.Problems.Select(p => p.Path).Order(StringComparer.Ordinal)); // the JSON rules' paths (JourneyProblemCodes)
    }

    [Fact]
    public void OrchestrationOptions_Ctor_Ok()
    {
        var o = new OrchestrationOptions();
        Assert.Equal(16, o.MaxConflictRetries);
        Assert.Equal(256, o.DueBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), o.DispatchRetryDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), o.MaxDispatchRetryDelay);
        Assert.Equal(0, o.MaxInterventionsPerCustomer);
        Assert.Equal(TimeSpan.FromDays(1), o.FrequencyCapPeriod);
        Assert.Equal(int.MaxValue, o.MaxInterventionsPerEvaluation);
        Assert.Equal(TimeSpan.FromHours(1), o.RiskRecheckInterval);
        Assert.Same(StandardTimeRiskEstimator.Instance, o.RiskEstimator);
        Assert.Equal(256, o.HandledOccurrenceCapacity);
        Assert.Equal(4, o.MaxDegreeOfParallelism);
        Assert.Throws<ArgumentException>(() => Engine(new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), Clock(), new OrchestrationOptions { DueBatchSize = 0 }));
    }

    private sealed class GatedDispatcher : InterventionDispatcher
    {
        private int _calls;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => _calls;

        public override async Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            Entered.TrySetResult();
            await Release.Task;
        }
    }

    private sealed class FlakyDispatcher(int failures) : InterventionDispatcher
    {
        private int _calls;

        public int Calls => _calls;

        public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures ? throw new InvalidOperationException("receiver down") : Task.CompletedTask;
    }

    private sealed class ReadSpyStore(JourneyStore inner, List<DateTimeOffset?> reads) : JourneyStore
    {
        public override EventStore Events { get; } = new SpyEvents(inner.Events, reads);

        public override JourneyDefinitionStore Definitions => inner.Definitions;

        public override InstanceStateStore Instances => inner.Instances;

        public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) => inner.EraseCustomerAsync(customerId, cancellationToken);

        private sealed class SpyEvents(EventStore inner, List<DateTimeOffset?> reads) : EventStore
        {
            public override Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default) => inner.AppendAsync(events, cancellationToken);

            public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
            {
                reads.Add(from);
                return inner.ReadAsync(customerId, from, to, cancellationToken);
            }

            public override IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, CancellationToken cancellationToken = default) => inner.ScanAsync(touchpoints, cancellationToken);

            public override Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);
        }
    }
}
