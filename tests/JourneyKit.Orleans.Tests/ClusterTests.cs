using System.Diagnostics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using JourneyKit.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace JourneyKit.Orleans.Tests;

/// <summary>
/// The journey grains on an in-process Orleans cluster of two silos sharing one store (as a database would be shared):
/// the same answers as the single-process engine, a silo killed mid-run, a timer due while its silo is down.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = OnboardingJourney.T0;

    /// <summary>The shared onboarding journey (tests/Shared/OnboardingJourney.cs): the cluster and the engine it is compared with use it.</summary>
    private static readonly CompiledJourney Onboarding = OnboardingJourney.Compiled;

    private static readonly JourneyRule[] Rules =
    [
        JourneyRule.Create("entered").WhenEntered(null).Then("hello", Channel.Email).SuppressWhenProgressed(false).Build(),
        JourneyRule.Create("verify-stuck").WhenStuck("verify").Then("nudge", Channel.Sms).Build(),
        JourneyRule.Create("retry").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("help", Channel.Chat).Build(),
        JourneyRule.Create("called").WhenPattern("help.call").Then("follow-up", Channel.Email).Build(),
    ];

    private static readonly string[] Touchpoints = ["form.start", "form.submit", "id.upload", "first.login", "help.call", "other"];

    [Fact]
    public async Task Cluster_ShuffledDuplicatedInput_SameInstancesAndKeysAsTheEngine()
    {
        (List<JourneyEvent> events, List<List<JourneyEvent>> batches) = Input(seed: 7, customers: 40);
        var clock = new FakeTimeProvider(T0.AddDays(10)); // after every event: stuck timers are due when first seen
        (Dictionary<string, byte[]> expected, string[] expectedKeys) = await RunEngine(batches, clock);

        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        var watch = Stopwatch.StartNew();
        await using TestCluster cluster = await Deploy(JourneyStep.Create(Onboarding, Rules), store, sent, clock);
        var client = new JourneyIngestionClient(cluster.Client, store, "onboarding");
        foreach (List<JourneyEvent> batch in batches)
        {
            await client.IngestBatchAsync(batch);
        }

        await AssertSame(store, client, expected, expectedKeys, sent, events);
        Assert.Equal(0, sent.Redeliveries);
        output.WriteLine($"{events.Count} events, {batches.Count} batches, 2 silos: {watch.Elapsed.TotalSeconds:0.0} s including deploy");
    }

    /// <summary>
    /// Grains keep the state they last saved; a state changed behind their back must not be overwritten from that copy.
    /// Half-way, every other customer is erased in the store directly (not through a grain): the next batches of those
    /// customers find their grain's copy stale (the save's ETag check fails), read again and start a new history — the
    /// same instances and interventions as the engine erasing the same customers at the same point.
    /// </summary>
    [Fact]
    public async Task Cluster_StateErasedBehindTheGrains_CopiesDroppedSameAsTheEngine()
    {
        // in time order, so most grain calls read only the log's tail and run the step on their kept copy
        (List<JourneyEvent> events, _) = Input(seed: 5, customers: 30);
        List<List<JourneyEvent>> batches = [.. events.OrderBy(e => e.Timestamp).Chunk(7).Select(chunk => chunk.ToList())];
        var clock = new FakeTimeProvider(T0.AddDays(10));
        int half = batches.Count / 2;
        string[] erased = [.. Enumerable.Range(0, 15).Select(i => $"c{2 * i}")];

        var engineStore = new InMemoryJourneyStore();
        var engineSent = new RecordingInterventionDispatcher();
        var engine = new JourneyEngine(Onboarding, engineStore, engineSent, Rules, timeProvider: clock);
        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        await using TestCluster cluster = await Deploy(JourneyStep.Create(Onboarding, Rules), store, sent, clock);
        var client = new JourneyIngestionClient(cluster.Client, store, "onboarding");
        for (int b = 0; b < batches.Count; b++)
        {
            if (b == half)
            {
                foreach (string customer in erased)
                {
                    await engine.EraseCustomerAsync(customer);
                    await store.EraseCustomerAsync(customer);
                }
            }

            await engine.IngestBatchAsync(batches[b]);
            await client.IngestBatchAsync(batches[b]);
        }

        int compared = 0;
        foreach (string customer in events.Select(e => e.CustomerId).Distinct())
        {
            JourneyInstance? expected = await engine.GetInstanceAsync(customer);
            CustomerState? actual = await client.GetStateAsync(customer);
            Assert.Equal(expected is null, actual is null);
            if (expected is not null)
            {
                Assert.True(expected.Serialize().AsSpan().SequenceEqual(actual!.Instance.Serialize()), $"customer {customer}: instance differs from the engine's");
                compared++;
            }
        }

        Assert.True(compared >= 20, $"{compared} customers compared");
        Assert.Equal(engineSent.Delivered.Select(i => i.IdempotencyKey).Order(StringComparer.Ordinal), sent.Delivered.Select(i => i.IdempotencyKey).Order(StringComparer.Ordinal));
        Assert.Equal(await engineStore.Events.CountAsync(), await store.Events.CountAsync());
    }

    [Fact]
    public async Task Cluster_SiloKilledMidRun_NoEventLostNoInterventionTwice()
    {
        (List<JourneyEvent> events, List<List<JourneyEvent>> batches) = Input(seed: 11, customers: 40);
        var clock = new FakeTimeProvider(T0.AddDays(10));
        (Dictionary<string, byte[]> expected, string[] expectedKeys) = await RunEngine(batches, clock);

        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        await using TestCluster cluster = await Deploy(JourneyStep.Create(Onboarding, Rules), store, sent, clock);
        var client = new JourneyIngestionClient(cluster.Client, store, "onboarding");
        int retries = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            if (b == batches.Count / 2)
            {
                await cluster.KillSiloAsync(cluster.SecondarySilos[0]); // no graceful shutdown: its activations vanish
            }

            while (true)
            {
                try
                {
                    await client.IngestBatchAsync(batches[b]); // the producer retries until acknowledged
                    break;
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    retries++;
                    Assert.True(retries < 100, e.ToString());
                    await Task.Delay(200);
                }
            }
        }

        await AssertSame(store, client, expected, expectedKeys, sent, events);
        output.WriteLine($"silo killed at batch {batches.Count / 2} of {batches.Count}; {retries} retried calls; {sent.Redeliveries} redeliveries with the same key");
    }

    [Fact]
    public async Task Cluster_TimerDueWhileItsSiloIsDown_FiresAfterTheGrainMoves()
    {
        // real time: a stage whose standard time is 3 s, a stuck rule at its end; no event after the first
        CompiledJourney quick = new JourneyBuilder("quick")
            .Touchpoint("start", Channel.Web)
            .Stage("wait", s => s.Touchpoints("start").StandardTime(TimeSpan.FromSeconds(3)))
            .Stage("done", s => s.Touchpoints("finish").Goal())
            .Touchpoint("finish", Channel.Web)
            .Build()
            .Compile();
        JourneyRule stuck = JourneyRule.Create("late").WhenStuck("wait").Then("ping", Channel.Sms).Build();
        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        await using TestCluster cluster = await Deploy(JourneyStep.Create(quick, [stuck]), store, sent, TimeProvider.System);
        var client = new JourneyIngestionClient(cluster.Client, store, "quick");
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        string[] customers = [.. Enumerable.Range(0, 12).Select(i => $"c{i}")];
        await client.IngestBatchAsync([.. customers.Select(c => new JourneyEvent(c, "start", now) { EventId = c })]);
        Assert.Empty(sent.Delivered);

        // kill the second silo right away: the grains it held (about half) and their timers must move to the first
        await cluster.KillSiloAsync(cluster.SecondarySilos[0]);
        var watch = Stopwatch.StartNew();
        while (sent.Delivered.Count < customers.Length && watch.Elapsed < TimeSpan.FromSeconds(45))
        {
            await Task.Delay(250);
        }

        Assert.Equal(customers.Order(StringComparer.Ordinal), sent.Delivered.Select(i => i.CustomerId).Order(StringComparer.Ordinal));
        Assert.All(sent.Delivered, i => Assert.Equal(("stuck:wait:1", now.AddSeconds(3)), (i.Occurrence, i.OccurredAt)));
        output.WriteLine($"all {customers.Length} timers fired {watch.Elapsed.TotalSeconds:0.0} s after the kill (due 3 s after the events)");
    }

    /// <summary>Events of many customers (distinct times per customer), shuffled, about a quarter sent twice, in batches of 1–20.</summary>
    private static (List<JourneyEvent> Events, List<List<JourneyEvent>> Batches) Input(int seed, int customers)
    {
        // The seed names a fixed cluster scenario (each test passes its own), not an input to shrink: a cluster run
        // takes seconds, so these tests replay one recorded scenario each instead of generating many.
        var random = new Random(seed);
        var events = new List<JourneyEvent>();
        for (int c = 0; c < customers; c++)
        {
            int n = random.Next(1, 10);
            for (int i = 0; i < n; i++)
            {
                events.Add(new JourneyEvent($"c{c}", Touchpoints[random.Next(Touchpoints.Length)], T0.AddMinutes((i * 17) + c)) { EventId = $"c{c}-{i}" });
            }
        }

        List<JourneyEvent> arrival = [.. events, .. events.Where(_ => random.Next(4) == 0)];
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arrival));
        var batches = new List<List<JourneyEvent>>();
        for (int i = 0; i < arrival.Count;)
        {
            int size = Math.Min(random.Next(1, 21), arrival.Count - i);
            batches.Add(arrival.GetRange(i, size));
            i += size;
        }

        return (events, batches);
    }

    private static async Task<(Dictionary<string, byte[]> States, string[] Keys)> RunEngine(List<List<JourneyEvent>> batches, TimeProvider clock)
    {
        var store = new InMemoryJourneyStore();
        var sent = new RecordingInterventionDispatcher();
        var engine = new JourneyEngine(Onboarding, store, sent, Rules, timeProvider: clock);
        foreach (List<JourneyEvent> batch in batches)
        {
            await engine.IngestBatchAsync(batch);
        }

        var states = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string c in batches.SelectMany(b => b).Select(e => e.CustomerId).Distinct())
        {
            states[c] = (await engine.GetInstanceAsync(c))!.Serialize();
        }

        return (states, [.. sent.Delivered.Select(i => i.IdempotencyKey).Order(StringComparer.Ordinal)]);
    }

    private static async Task AssertSame(JourneyStore store, JourneyIngestionClient client, Dictionary<string, byte[]> expected, string[] expectedKeys, RecordingInterventionDispatcher sent, List<JourneyEvent> events)
    {
        foreach ((string customer, byte[] instance) in expected)
        {
            CustomerState state = (await client.GetStateAsync(customer))!;
            Assert.True(instance.AsSpan().SequenceEqual(state.Instance.Serialize()), $"customer {customer}: instance differs from the engine's");
            Assert.Empty(state.Outbox);
        }

        Assert.Equal(expectedKeys, sent.Delivered.Select(i => i.IdempotencyKey).Order(StringComparer.Ordinal));
        Assert.Equal(events.Count, await store.Events.CountAsync()); // every distinct event stored once: none lost, no duplicate
    }

    /// <summary>
    /// A store failure inside a grain reaches the caller (an Orleans client, so always across a connection) as the
    /// store's own exception with its message; without JourneyKit's exceptions registered with Orleans' serializer it
    /// arrived as a CodecNotFoundException.
    /// </summary>
    [Fact]
    public async Task Cluster_StoreFailureInAGrain_ReachesTheCallerAsTheStoreException()
    {
        var store = new StateReadFails();
        await using TestCluster cluster = await Deploy(JourneyStep.Create(Onboarding, Rules), store, new RecordingInterventionDispatcher(), new FakeTimeProvider(T0));
        var client = new JourneyIngestionClient(cluster.Client, store, "onboarding");
        var e = await Assert.ThrowsAsync<JourneyStoreUnavailableException>(() => client.IngestBatchAsync([new JourneyEvent("c1", "form.start", T0) { EventId = "e1" }]));
        Assert.Equal("state store down", e.Message);
        Assert.Equal(1, await store.Events.CountAsync()); // the append happened before the grain failed
    }

    private static async Task<TestCluster> Deploy(JourneyStep step, JourneyStore store, InterventionDispatcher dispatcher, TimeProvider clock)
    {
        SiloConfigurator.Runtime = new JourneyGrainRuntime([step], store, dispatcher, new JourneyGrainOptions { ReminderPeriod = TimeSpan.FromSeconds(2) }, clock);
        SharedReminderTable.Clear();
        TestCluster cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<SiloConfigurator>().AddClientBuilderConfigurator<ClientConfigurator>().Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public static JourneyGrainRuntime? Runtime { get; set; }

        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddReminders();
            siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            siloBuilder.Services.AddSingleton<IReminderTable, SharedReminderTable>();
            siloBuilder.Services.AddJourneyGrains(Runtime!);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.Services.AddJourneyKitExceptions();
    }

    /// <summary>An in-memory store whose state reads fail as a server that cannot be reached would.</summary>
    private sealed class StateReadFails : JourneyStore
    {
        private readonly InMemoryJourneyStore _inner = new();

        public StateReadFails() => Instances = new FailingStates(_inner.Instances);

        public override EventStore Events => _inner.Events;

        public override JourneyDefinitionStore Definitions => _inner.Definitions;

        public override InstanceStateStore Instances { get; }

        public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) => _inner.EraseCustomerAsync(customerId, cancellationToken);

        private sealed class FailingStates(InstanceStateStore inner) : InstanceStateStore
        {
            public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default) =>
                throw new JourneyStoreUnavailableException("state store down");

            public override Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default) =>
                inner.SaveAsync(customerId, journeyId, journeyVersion, state, dueAt, expectedETag, cancellationToken);

            public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default) =>
                inner.GetDueAsync(journeyId, asOf, limit, cancellationToken);
        }
    }
}
