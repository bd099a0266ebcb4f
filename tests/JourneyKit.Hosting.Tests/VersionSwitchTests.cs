using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.Time.Testing;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

/// <summary>Issue 14 item 5: publishing version 2 of a live journey, with customers in every stage, across restarts.</summary>
public sealed class VersionSwitchTests
{
    /// <summary>Version 2: verify is replaced by "kyc" (the same touchpoints, standard time 2 days instead of 1).</summary>
    private static readonly CompiledJourney V2 = new JourneyBuilder("onboarding")
        .Version(2)
        .Touchpoint("form.start", Channel.Web)
        .Touchpoint("form.submit", Channel.Web)
        .Touchpoint("id.upload", Channel.Mobile)
        .Touchpoint("id.check", Channel.Web)
        .Touchpoint("first.login", Channel.Mobile)
        .Touchpoint("rejected", Channel.Email)
        .Touchpoint("help.call", Channel.Voice)
        .Stage("apply", s => s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)))
        .Stage("kyc", s => s.Touchpoints("id.upload", "id.check").StandardTime(TimeSpan.FromDays(2)))
        .Stage("active", s => s.Touchpoints("first.login").Goal())
        .Stage("declined", s => s.Touchpoints("rejected").Failure())
        .Build()
        .Compile();

    private static readonly JourneyRule[] V1Rules =
    [
        JourneyRule.Create("entered").WhenEntered(null).Then("hello", Channel.Email).SuppressWhenProgressed(false).Build(),
        JourneyRule.Create("stuck").WhenStuck("verify").Then("nudge", Channel.Sms).Build(),
    ];

    private static readonly JourneyRule[] V2Rules =
    [
        JourneyRule.Create("entered").WhenEntered(null).Then("hello", Channel.Email).SuppressWhenProgressed(false).Build(),
        JourneyRule.Create("stuck").WhenStuck("kyc").Then("nudge", Channel.Sms).Build(),
    ];

    private static readonly OrchestrationOptions Move = new() { Migrations = [JourneyVersionMigration.Create(1, new Dictionary<string, string?> { ["verify"] = "kyc" })] };

    /// <summary>Under version 1, until 30 h: al in apply, ve in verify since 20 h, vn in verify since 1 h and nudged at 25 h, ac active, de declined.</summary>
    private static async Task<(FakeTimeProvider Clock, InMemoryJourneyStore Store, RecordingInterventionDispatcher Sent)> RunVersion1()
    {
        var clock = Clock();
        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        var v1 = new JourneyEngine(Onboarding, store, sent, V1Rules, timeProvider: clock);
        (string Customer, string Touchpoint, double Hour)[] script =
        [
            ("al", "form.start", 0), ("ve", "form.start", 0), ("vn", "form.start", 0), ("ac", "form.start", 0), ("de", "form.start", 0),
            ("vn", "id.upload", 1), ("ac", "id.upload", 1), ("ac", "first.login", 2), ("de", "rejected", 2), ("ve", "id.upload", 20),
        ];
        foreach ((string customer, string touchpoint, double hour) in script)
        {
            clock.SetUtcNow(T0.AddHours(hour));
            await v1.IngestAsync(Event(customer, touchpoint, T0.AddHours(hour)));
        }

        clock.SetUtcNow(T0.AddHours(26));
        await v1.TickAsync(); // vn stuck in verify at 1 h + 1 day = 25 h
        clock.SetUtcNow(T0.AddHours(30));
        return (clock, store, sent);
    }

    [Fact]
    public async Task Publish_MoveWithMapping_EveryStageReadsBackFiresOnlyWhatHappensUnderV2AcrossRestarts()
    {
        (FakeTimeProvider clock, InMemoryJourneyStore store, RecordingInterventionDispatcher sent) = await RunVersion1();
        string[] v1Keys =
        [
            "ac|entered|entered:active:1", "ac|entered|entered:apply:1", "ac|entered|entered:verify:1", "al|entered|entered:apply:1",
            "de|entered|entered:apply:1", "de|entered|entered:declined:1", "ve|entered|entered:apply:1", "ve|entered|entered:verify:1",
            "vn|entered|entered:apply:1", "vn|entered|entered:verify:1", "vn|stuck|stuck:verify:1",
        ];
        Assert.Equal(v1Keys, Keys(sent));

        // restart with version 2
        JourneyEngine v2 = new(V2, store, sent, V2Rules, Move, timeProvider: clock);

        // every stored run reads back under v2, with its events, in the v2 stage (no empty instance until the next event)
        var stages = new Dictionary<string, (int Version, int Events, string? Stage)>();
        foreach (string c in new[] { "al", "ve", "vn", "ac", "de" })
        {
            JourneyInstance i = (await v2.GetInstanceAsync(c))!;
            stages[c] = (i.JourneyVersion, i.EventCount, i.CurrentStage >= 0 ? V2.Stages[i.CurrentStage].Id : null);
        }

        Assert.Equal((2, 1, "apply"), stages["al"]);
        Assert.Equal((2, 2, "kyc"), stages["ve"]);
        Assert.Equal((2, 2, "kyc"), stages["vn"]);
        Assert.Equal((2, 3, "active"), stages["ac"]);
        Assert.Equal((2, 2, "declined"), stages["de"]);

        // nothing is due at 30 h; the history's entries do not fire again under v2
        await v2.TickAsync();
        Assert.Equal(v1Keys, Keys(sent));

        // al enters kyc under v2: the v2 entry fires (its own id, so its own idempotency key)
        clock.SetUtcNow(T0.AddHours(31));
        await v2.IngestAsync(Event("al", "id.upload", T0.AddHours(31)));

        // ve: its v1 due time (44 h) wakes it; v2's stuck is at 20 h + 2 days = 68 h
        clock.SetUtcNow(T0.AddHours(44));
        await v2.TickAsync();
        Assert.Equal(T0.AddHours(68), (await store.Instances.GetAsync("ve", "onboarding"))!.DueAt);

        // vn was nudged in this stay under v1 and verify maps to kyc: no second nudge although v2's is due (49 h)
        clock.SetUtcNow(T0.AddHours(50));
        await v2.IngestAsync(Event("vn", "help.call", T0.AddHours(50)));

        // a second restart, then ve's v2 nudge at 68 h
        v2 = new JourneyEngine(V2, store, sent, V2Rules, Move, timeProvider: clock);
        clock.SetUtcNow(T0.AddHours(68));
        await v2.TickAsync();
        clock.Advance(TimeSpan.FromDays(5));
        await v2.TickAsync();

        // ... and al, in kyc since 31 h, is nudged at 31 h + 2 days = 79 h by the last tick
        string[] expected = [.. v1Keys, "al|entered|entered:kyc:1@v2", "al|stuck|stuck:kyc:1@v2", "ve|stuck|stuck:kyc:1@v2"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Keys(sent));
        Assert.Equal(T0.AddHours(79), sent.Delivered.Single(i => i.CustomerId == "al" && i.Rule == "stuck").OccurredAt);
        Assert.Equal(0, sent.Redeliveries);
        Assert.Equal(T0.AddHours(68), sent.Delivered.Single(i => i.CustomerId == "ve" && i.Occurrence == "stuck:kyc:1@v2").OccurredAt);
        foreach (string c in new[] { "al", "ve", "vn", "ac", "de" })
        {
            StoredState stored = (await store.Instances.GetAsync(c, "onboarding"))!;
            Assert.True(stored.JourneyVersion == 2 || c is "ac" or "de", c); // terminal runs move on their next read or event only
        }
    }

    [Fact]
    public async Task MigrateStoredRunsAsync_MovesEveryRunNowWithTheNewDueTimes()
    {
        (FakeTimeProvider clock, InMemoryJourneyStore store, RecordingInterventionDispatcher sent) = await RunVersion1();
        int before = sent.Delivered.Count;
        JourneyEngine v2 = new(V2, store, sent, V2Rules, Move, timeProvider: clock);
        TickResult r = await v2.MigrateStoredRunsAsync();

        // all five customers saved under v2 at once; ve's due time is v2's stuck (20 h + 2 days = 68 h), not v1's 44 h;
        // nothing fires: at 30 h no v2 timer is due and the history is not fired again
        Assert.Equal((5, 0), (r.Customers, r.InterventionsFired));
        foreach (string c in new[] { "al", "ve", "vn", "ac", "de" })
        {
            Assert.Equal(2, (await store.Instances.GetAsync(c, "onboarding"))!.JourneyVersion);
        }

        Assert.Equal(T0.AddHours(68), (await store.Instances.GetAsync("ve", "onboarding"))!.DueAt);
        Assert.Null((await store.Instances.GetAsync("al", "onboarding"))!.DueAt); // no v2 timer on apply
        Assert.Null((await store.Instances.GetAsync("vn", "onboarding"))!.DueAt); // its kyc stuck (49 h) carried over as handled
        Assert.Equal(before, sent.Delivered.Count);
    }

    [Fact]
    public async Task Publish_MappingToNothing_TheV2TimerFiresForTheStay()
    {
        (FakeTimeProvider clock, InMemoryJourneyStore store, RecordingInterventionDispatcher sent) = await RunVersion1();
        var noCounterpart = new OrchestrationOptions { Migrations = [JourneyVersionMigration.Create(1, new Dictionary<string, string?> { ["verify"] = null })] };
        JourneyEngine v2 = new(V2, store, sent, V2Rules, noCounterpart, timeProvider: clock);
        clock.SetUtcNow(T0.AddHours(50));
        await v2.IngestAsync(Event("vn", "help.call", T0.AddHours(50)));

        // vn's kyc stay is not the verify stay it was nudged in: v2's stuck (1 h + 2 days = 49 h) fires
        Assert.Equal(T0.AddHours(49), sent.Delivered.Single(i => i.Occurrence == "stuck:kyc:1@v2").OccurredAt);
    }

    [Fact]
    public async Task Publish_Pin_EarlierRunsStayOnV1NewCustomersStartOnV2()
    {
        (FakeTimeProvider clock, InMemoryJourneyStore store, RecordingInterventionDispatcher sent) = await RunVersion1();
        JourneyEngine v2 = new(V2, store, sent, V2Rules, new OrchestrationOptions { VersionPolicy = JourneyVersionPolicy.Pin }, timeProvider: clock);
        v2.AddPreviousVersion(JourneyStep.Create(Onboarding, V1Rules));

        clock.SetUtcNow(T0.AddHours(44));
        await v2.TickAsync(); // ve, pinned to v1: v1's stuck in verify at 20 h + 1 day = 44 h
        await v2.IngestAsync(Event("new", "form.start", T0.AddHours(44)));
        Assert.Equal(T0.AddHours(44), sent.Delivered.Single(i => i.CustomerId == "ve" && i.Occurrence == "stuck:verify:1").OccurredAt);
        Assert.Equal(1, (await v2.GetInstanceAsync("ve"))!.JourneyVersion);
        Assert.Equal(1, (await store.Instances.GetAsync("ve", "onboarding"))!.JourneyVersion);
        Assert.Equal(2, (await v2.GetInstanceAsync("new"))!.JourneyVersion);
        Assert.Equal("entered:apply:1", sent.Delivered.Single(i => i.CustomerId == "new").Occurrence);
        Assert.Throws<ArgumentException>(() => v2.AddPreviousVersion(JourneyStep.Create(V2, V2Rules)));
    }

    [Fact]
    public async Task Publish_Pin_APinnedRunIsJudgedWithItsOwnVersion()
    {
        (FakeTimeProvider clock, InMemoryJourneyStore store, RecordingInterventionDispatcher sent) = await RunVersion1();
        JourneyEngine v2 = new(V2, store, sent, V2Rules, new OrchestrationOptions { VersionPolicy = JourneyVersionPolicy.Pin }, timeProvider: clock);
        v2.AddPreviousVersion(JourneyStep.Create(Onboarding, V1Rules));
        await v2.IngestAsync(Event("new", "form.start", T0.AddHours(30)));

        // ve, pinned to v1, entered verify at 20 h. v1: verify's standard time is 1 day, stuck after 44 h, so as of 45 h it
        // is stuck and overdue by 1 h. v2's stage at the same index is kyc (2 days: stuck only after 68 h), so judging the
        // run with the engine's own evaluator would say "in progress".
        JourneyInstance ve = (await v2.GetInstanceAsync("ve"))!;
        JourneyEvaluator evaluator = v2.EvaluatorFor(ve);
        Assert.Equal(1, evaluator.Journey.Journey.Version);
        Assert.Equal("verify", evaluator.Journey.Stages[ve.CurrentStage].Id);
        JourneyStatus status = evaluator.GetStatus(ve, T0.AddHours(45));
        Assert.Equal((LifecycleState.Stuck, TimeSpan.FromHours(1)), (status.State, status.OverdueBy));
        Assert.Equal(LifecycleState.InProgress, v2.Evaluator.GetStatus(ve, T0.AddHours(45)).State);

        // a run of the engine's version gets the engine's evaluator; a version the engine has no step for is refused
        JourneyInstance fresh = (await v2.GetInstanceAsync("new"))!;
        Assert.Same(v2.Evaluator, v2.EvaluatorFor(fresh));
        JourneyEngine v1Only = new(Onboarding, store, sent, V1Rules, timeProvider: clock);
        Assert.Throws<ArgumentException>(() => v1Only.EvaluatorFor(fresh));
    }

    [Fact]
    public void Create_MigrationToAnUnknownStageOrNotEarlier_ThrowsWithEveryProblem()
    {
        var options = new OrchestrationOptions
        {
            Migrations = [JourneyVersionMigration.Create(1, new Dictionary<string, string?> { ["verify"] = "kyx" }), JourneyVersionMigration.Create(2)],
        };
        var e = Assert.Throws<JourneyValidationException>(() => JourneyStep.Create(V2, V2Rules, options));
        Assert.Equal(["migrations[0].stages.verify", "migrations[1].fromVersion"], e.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    private static string[] Keys(RecordingInterventionDispatcher sent) => [.. sent.Delivered.Select(i => $"{i.CustomerId}|{i.Rule}|{i.Occurrence}").Order(StringComparer.Ordinal)];
}
