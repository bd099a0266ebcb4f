using System.Text;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

/// <summary>Erasure through the engine, the host's queue and the SQLite file itself (issue 21 item 5).</summary>
public sealed class ErasureTests
{
    private static readonly JourneyRule Retry = JourneyRule.Create("upload-retry-call").WhenMomentOfTruth(null, "upload-retry").Then("call", Channel.Voice).Build();

    [Fact]
    public async Task EraseCustomerAsync_Engine_RemovesEventsStateAndOutbox_OthersKept_Issue21()
    {
        FakeTimeProvider clock = Clock();
        var store = new InMemoryJourneyStore();
        var sent = new FailFirstDispatcher();
        JourneyEngine engine = Engine(store, sent, clock, null, Retry);
        await engine.IngestBatchAsync([Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1)), Event("ada", "id.upload", T0.AddHours(2)), Event("bob", "form.start", T0)]);
        Assert.Single(await engine.GetPendingInterventionsAsync("ada")); // the first dispatch failed: it waits in the outbox

        // ada: 3 events and 1 state; bob untouched
        Assert.Equal(new ErasureResult(3, 1), await engine.EraseCustomerAsync("ada"));
        Assert.Null(await engine.GetInstanceAsync("ada"));
        Assert.Empty(await store.Events.ReadAsync("ada"));
        Assert.Empty(await engine.GetPendingInterventionsAsync("ada"));
        clock.Advance(TimeSpan.FromHours(1));
        await engine.TickAsync();
        Assert.Equal(1, sent.Attempts); // the failed attempt only: the erased outbox entry is never retried
        Assert.Equal(1, (await engine.GetInstanceAsync("bob"))!.EventCount);

        // unknown now: nothing to remove; a later event starts a new history with its old event ids accepted again
        Assert.Equal(new ErasureResult(0, 0), await engine.EraseCustomerAsync("ada"));
        IngestResult again = await engine.IngestAsync(Event("ada", "form.start", T0));
        Assert.Equal((1, 0), (again.Appended, again.Duplicates));
        Assert.Equal(1, (await engine.GetInstanceAsync("ada"))!.EventCount);
    }

    [Fact]
    public async Task EraseAsync_HostQueue_EventsQueuedBeforeAreErasedEventsAfterKept_Issue21()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(Clock());
        builder.Services.AddJourneyKit().AddJourney(Onboarding.Journey).AddOrchestration(o => o.UseDispatcher(new RecordingInterventionDispatcher())).AddOrchestrationHost();
        using IHost host = builder.Build();
        await host.StartAsync();
        JourneyIngestionQueue queue = host.Services.GetRequiredService<JourneyIngestionQueue>();
        JourneyEngine engine = host.Services.GetRequiredService<JourneyEngine>();

        // queued, not awaited: the erasure is ordered behind them
        await queue.EnqueueAsync(Event("ada", "form.start", T0));
        await queue.EnqueueAsync(Event("ada", "form.submit", T0.AddMinutes(5)));
        Task<ErasureResult> erase = queue.EraseAsync("ada");
        await queue.IngestAsync(Event("ada", "id.upload", T0.AddHours(1)));

        Assert.Equal(new ErasureResult(2, 1), await erase); // both earlier events (and the state they made) erased
        JourneyKit.Scoring.JourneyInstance after = (await engine.GetInstanceAsync("ada"))!;
        Assert.Equal(1, after.EventCount); // the later event starts a new history
        await host.StopAsync();
    }

    /// <summary>
    /// Before: erasing deleted the rows but the SQLite file still held the erased id in free pages (9 occurrences). Now
    /// secure_delete zeroes deleted and overwritten cells and the erase checkpoints and truncates the WAL: the id's bytes
    /// occur nowhere in the file or its WAL, while the other customer's still do.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EraseCustomerAsync_Sqlite_IdNoLongerInFileBytes_OnlyWithSecureDelete_Issue21(bool secureDelete)
    {
        string database = Path.Combine(TestTemp.Root, $"jk-erase-{Guid.NewGuid():N}.db");
        const string Erased = "erase-me-7f3a9c", Kept = "keep-me-2b8d41";
        try
        {
            var store = new SqliteJourneyStore(new SqliteStoreOptions { DataSource = database, SecureDelete = secureDelete });
            FakeTimeProvider clock = Clock();
            JourneyEngine engine = Engine(store, new RecordingInterventionDispatcher(), clock, null, Retry);

            // many events and many state rewrites (one ingest per event), with an intervention in the outbox
            string[] touchpoints = ["form.start", "form.submit", "id.upload", "id.upload", "id.check"];
            for (int i = 0; i < 40; i++)
            {
                foreach (string customer in new[] { Erased, Kept })
                {
                    await engine.IngestAsync(Event(customer, touchpoints[i % touchpoints.Length], T0.AddMinutes(i), $"{customer}-e{i}"));
                }
            }

            ErasureResult erased = await engine.EraseCustomerAsync(Erased);
            Assert.Equal(new ErasureResult(40, 1), erased);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            int Occurrences(string id)
            {
                byte[] needle = Encoding.UTF8.GetBytes(id);
                int count = 0;
                foreach (string file in new[] { database, database + "-wal" })
                {
                    if (File.Exists(file))
                    {
                        ReadOnlySpan<byte> bytes = File.ReadAllBytes(file);
                        int at;
                        while ((at = bytes.IndexOf(needle)) >= 0)
                        {
                            count++;
                            bytes = bytes[(at + needle.Length)..];
                        }
                    }
                }

                return count;
            }

            Assert.True(Occurrences(Kept) > 0); // the search finds ids that are stored
            if (secureDelete)
            {
                Assert.Equal(0, Occurrences(Erased));
            }
            else
            {
                Assert.True(Occurrences(Erased) > 0); // without secure_delete the rows are gone but their bytes are not
            }

            Assert.Empty(await store.Events.ReadAsync(Erased));
            Assert.Equal(40, (await store.Events.ReadAsync(Kept)).Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>Fails its first delivery, then accepts; counts attempts.</summary>
    private sealed class FailFirstDispatcher : InterventionDispatcher
    {
        private int _attempts;

        public int Attempts => _attempts;

        public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _attempts) == 1 ? throw new InvalidOperationException("receiver down") : Task.CompletedTask;
    }
}
