using System.Text.Json;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.ProductFunnel;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// The product funnel's step times with a cap on exact samples per pair of steps below the bank sample's customers:
/// counts unchanged, times within ±0.5 % of the exact ones, merged partitions equal the whole, and the result says so.
/// </summary>
public sealed class SketchedProductFunnelTests
{
    private static readonly ProductFunnel Funnel = new(["application.start", "application.submit", "id.upload"], ProductFunnelType.Ordered, TimeSpan.FromDays(3));

    private static ProductFunnelResult Evaluate(EventBatch batch, int? cap, int parts = 1)
    {
        var whole = new ProductFunnelAccumulator(Funnel, batch.LatestTimestamp, cap);
        for (int p = 0; p < parts; p++)
        {
            var part = new ProductFunnelAccumulator(Funnel, batch.LatestTimestamp, cap);
            int index = p;
            HashSet<string> customers = [.. Enumerable.Range(0, batch.CustomerCount).Where(c => c % parts == index).Select(c => batch.Customers[c])];
            part.Add(batch.ForCustomers(customers));
            whole.Merge(part);
        }

        return whole.Build();
    }

    [Fact]
    public void TinyCap_WithinTheBound_MergesLikeTheWhole_AndSaysSo()
    {
        EventBatch batch = EventFile.Read(TestPaths.Sample("retail-bank-account-opening.events.csv")).Batch;
        ProductFunnelResult exact = Evaluate(batch, cap: null);
        ProductFunnelResult sketched = Evaluate(batch, cap: 10);
        Assert.Null(exact.Approximation);
        Assert.Equal(JsonSerializer.Serialize(exact), JsonSerializer.Serialize(Funnel.Evaluate(batch, batch.LatestTimestamp))); // the default cap: the exact answer
        Assert.True(exact.TimeToConvert(1, 2).Customers > 10); // the sample passes the cap
        AnalysisApproximation approximation = Assert.IsType<AnalysisApproximation>(sketched.Approximation);
        Assert.Equal((0.005, 10, "times"), (approximation.RelativeAccuracy, approximation.ExactSamples, Assert.Single(approximation.Sections)));
        Assert.Equal(exact.Steps.Select(s => (s.Customers, s.InProgress)), sketched.Steps.Select(s => (s.Customers, s.InProgress)));
        for (int from = 1; from <= 3; from++)
        {
            for (int to = from + 1; to <= 3; to++)
            {
                FunnelTimes e = exact.TimeToConvert(from, to), k = sketched.TimeToConvert(from, to);
                Assert.Equal(e.Customers, k.Customers);
                foreach ((TimeSpan? x, TimeSpan? y) in (ValueTuple<TimeSpan?, TimeSpan?>[])[(e.P50, k.P50), (e.P90, k.P90), (e.P99, k.P99)])
                {
                    Assert.True(Math.Abs(y!.Value.Ticks - x!.Value.Ticks) <= (0.005 * x.Value.Ticks * (1 + 1e-9)) + 0.5, $"{from}→{to}: {y} vs exact {x}");
                }
            }
        }

        Assert.Equal(JsonSerializer.Serialize(sketched), JsonSerializer.Serialize(Evaluate(batch, cap: 10, parts: 3)));
    }
}
