using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>Drill-down (issue 19 item 4): every count has its list, and the lists add up to the counts they explain.</summary>
public sealed class DrillDownTests
{
    private static readonly string[] Touchpoints = ["form", "call", "upload", "active", "no", "ad"];

    private static Arbitrary<(int Customer, int Touchpoint, int Time)[]> Histories() => EventHistories.Of(7, Touchpoints.Length, 600);

    [Property(MaxTest = 100)]
    public Property Lists_SumToTheCountsTheyExplain() =>
        Pair.ForAll(Histories(), Small.Between(0, 900), (history, asOfHour) =>
        {
            var b = new EventBatchBuilder();
            foreach ((int c, int t, int h) in history)
            {
                b.Add(JourneyAnalyzerTests.E("c" + c, Touchpoints[t], h, JourneyKit.Model.Channel.Web));
            }

            EventBatch batch = b.Build();
            DateTimeOffset asOf = JourneyAnalyzerTests.T0.AddHours(asOfHour);
            var analyzer = new JourneyAnalyzer(JourneyAnalyzerTests.Journey());
            JourneyAnalysis a = analyzer.Analyze(batch, asOf);
            int Count(CustomerFilter f) => analyzer.ListCustomers(batch, asOf, f).Count;

            bool states = Enum.GetValues<LifecycleState>().Where(s => s != LifecycleState.NotStarted).All(s => Count(new CustomerFilter { State = s }) == a.States[s]);
            bool stuck = a.TimeInStage.All(t => Count(new CustomerFilter { State = LifecycleState.Stuck, Stage = t.StageId }) == t.StuckNow);
            bool funnel = a.Funnel.Take(a.Funnel.Count - 1).All(f =>
                Count(new CustomerFilter { State = LifecycleState.Dormant, FurthestStage = f.StageId }) == f.Dormant
                && Count(new CustomerFilter { State = LifecycleState.Stuck, FurthestStage = f.StageId }) == f.Stuck);
            bool deadEnds = a.DeadEnds.GroupBy(d => d.LastTouchpoint).All(g => Count(new CustomerFilter { State = LifecycleState.Dormant, LastTouchpoint = g.Key }) == g.Sum(d => d.Customers));
            bool segments = a.Segments.All(s => Count(new CustomerFilter { SegmentDimension = s.Dimension, SegmentValue = s.Value }) == s.Customers);
            return (states && stuck && funnel && deadEnds && segments).Label($"states {states} stuck {stuck} funnel {funnel} dead ends {deadEnds} segments {segments}");
        });

    [Fact]
    public void CustomerList_CsvRoundTrip_QuotesIdsWithCommas()
    {
        var rows = new[]
        {
            new CustomerRow("a,b", 1, LifecycleState.Stuck, "verify", "verify", TimeSpan.FromHours(30), TimeSpan.FromHours(6), null, "web", "2026-W05", "upload", "mobile"),
            new CustomerRow("c\"d", 2, LifecycleState.Dormant, null, null, TimeSpan.Zero, TimeSpan.Zero, "p", "(none)", "2026-W05", null, "(none)"),
        };
        var text = new StringWriter();
        CustomerList.Write(text, rows);
        Assert.Equal(
            CustomerList.Header + "\n\"a,b\",1,stuck,verify,verify,108000,21600,,web,2026-W05,upload,mobile\n\"c\"\"d\",2,dormant,,,0,0,p,(none),2026-W05,,(none)\n",
            text.ToString());
        string path = Path.Combine(TestTemp.Root, "jk-customers-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text.ToString());
        Assert.Equal(["a,b", "c\"d"], CustomerList.ReadCustomerIds(path).Order(StringComparer.Ordinal));
        File.WriteAllText(path, "id\nx\n");
        EventFormatException e = Assert.Throws<EventFormatException>(() => CustomerList.ReadCustomerIds(path));
        Assert.Equal((1L, "customer_id"), (e.Line, e.Column));
        File.Delete(path);
    }
}
