using JourneyKit.WebLoad;
using Xunit.Abstractions;

namespace JourneyKit.Hosting.Tests;

/// <summary>
/// The hardened web sample under load (issue 21 item 5, issue 17 item 5): Kestrel on 127.0.0.1, 4 clients posting
/// 20,000 generated events in 500-event requests, each followed half the time by a hostile request (no or a wrong key,
/// text/plain, invalid UTF-8, lone surrogates, malformed or deep JSON, ids with '/' or '..', 20,000 attribute keys, a
/// 1 MB key, a body over the limit, reads and erasures of ids that do not exist), twice (the second round re-posts the
/// same events: all duplicates). Bounded by a deadline, no timing asserted; checked: no 5xx, every answer the expected
/// status, every event stored exactly once and read back per customer, /stats in agreement, the heap not growing
/// between rounds.
/// </summary>
public sealed class WebApiLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Load_WithHostileRequestsMixedIn_No5xxIntactDataStableMemory_Issue21()
    {
        var log = new StringWriter();
        WebLoadResult result = await WebLoadRun.RunAsync(new WebLoadOptions { Events = 20_000, BatchSize = 500, Clients = 4, HostileRatio = 0.5, Rounds = 2, Deadline = TimeSpan.FromMinutes(5) }, log);
        output.WriteLine(log.ToString());
        output.WriteLine(string.Join(", ", result.StatusCounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}")));

        Assert.Equal(0, result.ServerErrors);
        Assert.Equal(0, result.UnexpectedStatuses);
        Assert.Equal(2, result.Rounds.Count);
        Assert.All(result.Rounds, r => Assert.Equal(40, r.ValidRequests)); // 20,000 / 500 per round: the deadline was not hit
        Assert.Equal(2 * 40, result.StatusCounts["valid-post 200"]);
        Assert.True(result.StatusCounts.Keys.Count(k => !k.StartsWith("valid", StringComparison.Ordinal) && !k.StartsWith("stats", StringComparison.Ordinal)) >= 5, "hostile requests were sent");
        Assert.Equal(result.ExpectedEvents, result.StoredEvents);
        Assert.Equal(result.ExpectedEvents, result.StatsEvents);
        Assert.Equal((200, 0), (result.CustomersChecked, result.CustomerMismatches));

        // the second round adds no data: the heap after it is the first round's, within GC noise
        Assert.True(result.Rounds[1].ManagedHeapMb <= (result.Rounds[0].ManagedHeapMb * 1.5) + 32, $"heap {result.Rounds[0].ManagedHeapMb:0} MB then {result.Rounds[1].ManagedHeapMb:0} MB");
    }
}
