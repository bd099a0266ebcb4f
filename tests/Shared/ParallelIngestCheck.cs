using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace JourneyKit.Tests.Shared;

/// <summary>
/// The concurrency check shared by the in-memory, SQLite and PostgreSQL stores (linked into JourneyKit.Hosting.Tests and
/// JourneyKit.Storage.PostgreSql.Tests): six customers' onboarding events (a prefix of <see cref="Path"/> each) ingested
/// one by one in time order by one engine, and the same events shuffled (every fifth sent twice) by 16 tasks over two
/// engines — two "processes", each with its own store object over one database — give every customer the same instance
/// and store every distinct event once.
/// </summary>
internal static class ParallelIngestCheck
{
    private static readonly string[] Path = ["form.start", "form.submit", "id.upload", "help.call", "id.upload", "id.check", "form.submit", "id.check", "first.login"];

    private static readonly JourneyRule[] Rules =
    [
        JourneyRule.Create("entered").WhenEntered(null).Then("hello", Channel.Email).SuppressWhenProgressed(false).Build(),
        JourneyRule.Create("negative").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("help", Channel.Chat).Build(),
    ];

    /// <param name="first">The first engine's store.</param>
    /// <param name="second">The second engine's store: another object over the same database, or <paramref name="first"/>.</param>
    /// <param name="seed">The theory's case: it picks each customer's prefix length and the shuffle (a fixed scenario
    /// of an integration test, not a generated input to shrink).</param>
    public static async Task RunAsync(JourneyStore first, JourneyStore second, int seed)
    {
        var random = new Random(seed);
        var events = new List<JourneyEvent>();
        for (int c = 0; c < 6; c++)
        {
            int length = 3 + random.Next(Path.Length - 2);
            for (int i = 0; i < length; i++)
            {
                events.Add(OnboardingJourney.Event($"c{c}", Path[i], OnboardingJourney.T0.AddMinutes((i * 10) + c)));
            }
        }

        var clock = new FakeTimeProvider(OnboardingJourney.T0.AddDays(30));
        var sequentialStore = new InMemoryJourneyStore();
        var sequential = new JourneyEngine(OnboardingJourney.Compiled, sequentialStore, new RecordingInterventionDispatcher(), Rules, timeProvider: clock);
        foreach (JourneyEvent e in events.OrderBy(e => e.TimestampTicks))
        {
            await sequential.IngestAsync(e);
        }

        var sent = new RecordingInterventionDispatcher();
        var options = new OrchestrationOptions { MaxConflictRetries = 100 };
        JourneyEngine[] engines =
        [
            new(OnboardingJourney.Compiled, first, sent, Rules, options, timeProvider: clock),
            new(OnboardingJourney.Compiled, second, sent, Rules, options, timeProvider: clock),
        ];
        JourneyEvent[] shuffled = [.. events, .. events.Where((_, i) => i % 5 == 0)];
        random.Shuffle(shuffled);
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < shuffled.Length)
            {
                await engines[(i + worker) % 2].IngestAsync(shuffled[i]);
            }
        })));

        foreach (string customer in events.Select(e => e.CustomerId).Distinct())
        {
            byte[] expected = (await sequential.GetInstanceAsync(customer))!.Serialize();
            byte[] viaFirst = (await engines[0].GetInstanceAsync(customer))!.Serialize();
            byte[] viaSecond = (await engines[1].GetInstanceAsync(customer))!.Serialize();
            Assert.True(expected.AsSpan().SequenceEqual(viaFirst) && expected.AsSpan().SequenceEqual(viaSecond), $"customer {customer}");
        }

        Assert.Equal(await sequentialStore.Events.CountAsync(), await first.Events.CountAsync());
    }
}
