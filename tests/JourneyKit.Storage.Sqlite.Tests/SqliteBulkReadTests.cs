using JourneyKit.Events;

namespace JourneyKit.Storage.Sqlite.Tests;

/// <summary>The bulk reads the engine makes per request (issue 17 item 5) answer exactly what the per-customer reads answer.</summary>
public sealed class SqliteBulkReadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadManyAndGetMany_EqualPerCustomerReads_IncludingRepeatsUnknownAndOddIds()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-bulk-{Guid.NewGuid():N}.db");
        try
        {
            var store = new SqliteJourneyStore(path);
            string[] customers = ["ann", "bob", "ünï©ødé-😀", "lone\ud800", "q\"uote", "a,b]"];
            var events = new List<JourneyEvent>();
            var random = new Random(5);
            for (int i = 0; i < 300; i++)
            {
                string c = customers[random.Next(customers.Length)];
                events.Add(new JourneyEvent(c, $"tp{random.Next(4)}", T0.AddMinutes(random.Next(50))) { EventId = $"e{i}" }); // ties on purpose
            }

            await store.Events.AppendAsync(events);
            foreach (string c in customers)
            {
                await store.Instances.SaveAsync(c, "j", 1, new byte[] { (byte)c.Length }, null, null);
            }

            CustomerLogRead[] reads =
            [
                new("ann", null), new("bob", T0.AddMinutes(25)), new("ann", T0.AddMinutes(49)), new("nobody", null),
                new("ünï©ødé-😀", T0.AddMinutes(10)), new("q\"uote", null), new("a,b]", T0.AddMinutes(60)),
            ];
            IReadOnlyList<IReadOnlyList<JourneyEvent>> many = await store.Events.ReadManyAsync(reads);
            Assert.Equal(reads.Length, many.Count);
            for (int i = 0; i < reads.Length; i++)
            {
                IReadOnlyList<JourneyEvent> one = await store.Events.ReadAsync(reads[i].CustomerId, reads[i].From);
                Assert.Equal(one.Select(e => e.EventId), many[i].Select(e => e.EventId));
            }

            Assert.Empty(many[3]);
            Assert.NotEmpty(many[0]);

            // a lone surrogate falls back to one read per customer: same answers
            IReadOnlyList<IReadOnlyList<JourneyEvent>> odd = await store.Events.ReadManyAsync([new("lone\ud800", null), new("ann", null)]);
            Assert.Equal((await store.Events.ReadAsync("lone\ud800")).Count, odd[0].Count);
            Assert.Equal(many[0].Count, odd[1].Count);

            string[] asked = ["bob", "nobody", "ann", "bob", "ünï©ødé-😀", "a,b]"];
            IReadOnlyList<StoredState?> states = await store.Instances.GetManyAsync("j", asked);
            for (int i = 0; i < asked.Length; i++)
            {
                StoredState? single = await store.Instances.GetAsync(asked[i], "j");
                Assert.Equal(single?.ETag, states[i]?.ETag);
            }

            Assert.Null(states[1]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    [Fact]
    public async Task GroupCommit_ConcurrentAppendsAndStaleSaves_EachAtomicAndIsolated()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-group-{Guid.NewGuid():N}.db");
        try
        {
            var store = new SqliteJourneyStore(path);
            string etag = await store.Instances.SaveAsync("ann", "j", 1, new byte[] { 1 }, null, null);

            // 40 appends of 50 events and 16 saves with the same ETag, all at once: the appends all land, exactly one save wins
            Task<AppendResult>[] appends = [.. Enumerable.Range(0, 40).Select(b => store.Events.AppendAsync([.. Enumerable.Range(0, 50).Select(i => new JourneyEvent($"c{b}", "tp", T0.AddSeconds(i)) { EventId = $"{i}" })]))];
            Task<string>[] saves = [.. Enumerable.Range(0, 16).Select(i => store.Instances.SaveAsync("ann", "j", 1, new byte[] { (byte)i }, null, etag))];
            AppendResult[] appended = await Task.WhenAll(appends);
            Assert.All(appended, a => Assert.Equal(new AppendResult(50, 0), a));
            int won = 0, lost = 0;
            foreach (Task<string> save in saves)
            {
                try
                {
                    await save;
                    won++;
                }
                catch (JourneyConcurrencyException)
                {
                    lost++;
                }
            }

            Assert.Equal((1, 15), (won, lost));
            Assert.Equal(2000, await store.Events.CountAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(f);
            }
        }
    }
}
