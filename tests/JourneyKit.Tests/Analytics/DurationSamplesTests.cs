using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics.Internal;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// The samples behind a distribution: exact up to the cap, a log-bucket sketch beyond it. Its quantiles are checked
/// against sorted-list quantiles, its merges against the whole, its exact side against a LINQ grouping.
/// </summary>
public sealed class DurationSamplesTests
{
    private const double Alpha = DurationSamples.RelativeAccuracy;

    /// <summary>Samples as (significand, power of ten, outcome): times from 0 to 10¹³ ticks (≈ 11.6 days), many ties; they shrink.</summary>
    private static Arbitrary<(int Significand, int Power, int Outcome)[]> Samples() =>
        Small.ArrayOf(
            from significand in Gen.Choose(0, 100_000)
            from power in Gen.Choose(0, 8)
            from outcome in Gen.Choose(0, 2)
            select (significand, power, outcome),
            0,
            60);

    private static long Time((int Significand, int Power, int Outcome) s) => s.Significand * (long)Math.Pow(10, s.Power);

    private static DurationSamples Of(IEnumerable<(int Significand, int Power, int Outcome)> samples, int cap)
    {
        var d = new DurationSamples(cap);
        foreach ((int Significand, int Power, int Outcome) s in samples)
        {
            d.Add(Time(s), (byte)s.Outcome);
        }

        return d;
    }

    [Fact]
    public void HandWorked_Sketch()
    {
        // γ = 1.005 / 0.995 = 1.0100502512…, ln γ = 0.0100000833…; bucket i = ⌈ln t / ln γ⌉ holds (γ^(i−1), γ^i]:
        // 1000: ln 1000 / ln γ = 690.77… → 691, (992.33, 1002.30], representative 2 · 1002.305 / 2.01005 = 997.30 → 997;
        // 1005 and 1010 → 692, (1002.30, 1012.38], representative 1007.34 → 1007; 1020 → 693, representative 1017.
        var d = new DurationSamples(exactSamples: 3);
        d.Add(1000, CumulativeIncidence.Event);
        d.Add(1005, CumulativeIncidence.Censored);
        d.Add(1010, CumulativeIncidence.Event);
        Assert.False(d.IsApproximate); // 3 samples, cap 3: exact
        Assert.Equal([new TimeGroup(1000, 0, 1, 0), new TimeGroup(1005, 1, 0, 0), new TimeGroup(1010, 0, 1, 0)], d.Groups());
        d.Add(1020, CumulativeIncidence.Competing);
        Assert.True(d.IsApproximate);
        Assert.Equal([new TimeGroup(997, 0, 1, 0), new TimeGroup(1007, 1, 1, 0), new TimeGroup(1017, 0, 0, 1)], d.Groups());

        // p50: rank ⌈0.5 · 4⌉ = 2 → the bucket of 1005 → 1007 (exact 1005: +0.2 %); p99: rank 4 → 1017 (exact 1020: −0.3 %).
        Assert.Equal(TimeSpan.FromTicks(1007), Percentiles.NearestRank(d.Groups(), d.Count, 50));
        Assert.Equal(TimeSpan.FromTicks(1017), Percentiles.NearestRank(d.Groups(), d.Count, 99));

        // An hour, 36,000,000,000 ticks: bucket 2431, (35,763,816,360, 36,123,251,700], representative 35,942,635,442 (−0.16 %).
        Assert.Equal(2431, DurationSamples.BucketOf(36_000_000_000));
        Assert.Equal(35_942_635_442, DurationSamples.Representative(2431));

        // Zero has its own bucket; a negative time is mirrored: −1000 → −997.
        var signed = new DurationSamples(exactSamples: 0);
        signed.Add(0);
        signed.Add(-1000);
        Assert.Equal([new TimeGroup(-997, 1, 0, 0), new TimeGroup(0, 1, 0, 0)], signed.Groups());
    }

    /// <summary>Every percentile of the sketch is within α (and half a tick of rounding) of the nearest-rank percentile of the sorted samples.</summary>
    [Property(MaxTest = 300)]
    public Property SketchQuantiles_AreWithinTheBound() => Pair.ForAll(Samples(), Small.Between(1, 100), (samples, percent) =>
    {
        DurationSamples sketch = Of(samples, cap: 0);
        long[] sorted = [.. samples.Select(Time).Order()];
        TimeSpan? exact = Percentiles.NearestRank(sorted, percent);
        TimeSpan? approximate = Percentiles.NearestRank(sketch.Groups(), sketch.Count, percent);
        Assert.Equal(samples.Length > 0, sketch.IsApproximate);
        Assert.Equal(exact is null, approximate is null);
        if (exact is { } e)
        {
            double bound = (Alpha * e.Ticks * (1 + 1e-9)) + 0.5;
            Assert.True(Math.Abs(approximate!.Value.Ticks - e.Ticks) <= bound, $"p{percent}: sketch {approximate.Value.Ticks} vs exact {e.Ticks}");
        }

        return true;
    });

    /// <summary>Two parts merged either way round equal the whole: same exactness, same groups (a sketch's buckets add).</summary>
    [Property(MaxTest = 300)]
    public Property Merge_EqualsTheWhole() => Pair.ForAll(Samples(), Small.Each((0, 60), (0, 8)), (samples, knobs) =>
    {
        int split = Math.Min(knobs[0], samples.Length), cap = knobs[1];
        DurationSamples whole = Of(samples, cap);
        DurationSamples left = Of(samples[..split], cap), right = Of(samples[split..], cap);
        DurationSamples leftFirst = Of(samples[..split], cap), rightFirst = Of(samples[split..], cap);
        left.Merge(right);
        rightFirst.Merge(leftFirst);
        Assert.Equal(samples.Length > cap, whole.IsApproximate);
        foreach (DurationSamples merged in (DurationSamples[])[left, rightFirst])
        {
            Assert.Equal(whole.IsApproximate, merged.IsApproximate);
            Assert.Equal(whole.Count, merged.Count);
            Assert.Equal(whole.Groups(), merged.Groups());
        }

        return true;
    });

    /// <summary>At or below the cap the groups are the exact times with their outcome counts (a LINQ grouping of the samples).</summary>
    [Property(MaxTest = 200)]
    public Property BelowTheCap_GroupsAreExact() => Prop.ForAll(Samples(), samples =>
    {
        DurationSamples d = Of(samples, cap: samples.Length);
        List<TimeGroup> expected = [.. samples.GroupBy(Time).OrderBy(g => g.Key).Select(g => new TimeGroup(
            g.Key, g.Count(s => s.Outcome == 0), g.Count(s => s.Outcome == 1), g.Count(s => s.Outcome == 2)))];
        Assert.False(d.IsApproximate);
        Assert.Equal(expected, d.Groups());
        Assert.Equal(samples.Select(s => (Time(s), (byte)s.Outcome)).Order(), d.Expand().Order());
        return true;
    });

    [Fact]
    public void ScoreSamples_BeyondTheCap_SumsGiveTheMeanAndCorrelation()
    {
        // Scores 10, 20, 30, 40 with goals at 30 and 40: mean 25; x − x̄ = −15, −5, 5, 15 and y − ȳ = −½, −½, ½, ½:
        // Σ(x − x̄)(y − ȳ) = 20, Σ(x − x̄)² = 500, Σ(y − ȳ)² = 1 → r = 20 / √500 = 0.894427191.
        var exact = new ScoreSamples(exactSamples: 4);
        var sums = new ScoreSamples(exactSamples: 3);
        foreach ((double score, bool goal) in ((double, bool)[])[(10, false), (20, false), (30, true), (40, true)])
        {
            exact.Add(score, goal);
            sums.Add(score, goal);
        }

        Assert.False(exact.IsApproximate);
        Assert.True(sums.IsApproximate);
        foreach (JourneyKit.Analytics.ScoreSummary summary in (JourneyKit.Analytics.ScoreSummary[])[exact.Summary(), sums.Summary()])
        {
            Assert.Equal(25, summary.Mean, 12);
            Assert.Equal(20 / Math.Sqrt(500), summary.CorrelationWithGoal!.Value, 12);
            Assert.Equal([0, 1, 1, 1, 1, 0, 0, 0, 0, 0], summary.Histogram);
        }
    }

    [Fact]
    public void ResponseSamples_BeyondTheCap_AnExactSumInAnyOrder()
    {
        // 0.1 + 0.2 + 0.3 + 1e16 − 1e16 = 0.6 exactly in the reals; summed left to right in doubles it is 0 (0.6 is lost
        // in 1e16's rounding). The exact sum keeps it: mean 0.6 / 5 = 0.12 (to the double nearest 0.6, then divided).
        double[] values = [0.1, 0.2, 0.3, 1e16, -1e16];
        var forward = new ResponseSamples(exactSamples: 2);
        var backward = new ResponseSamples(exactSamples: 2);
        foreach (double v in values)
        {
            forward.Add(v);
        }

        var parts = new[] { new ResponseSamples(2), new ResponseSamples(2) };
        for (int i = values.Length - 1; i >= 0; i--)
        {
            parts[i % 2].Add(values[i]);
        }

        backward.Merge(parts[0]);
        backward.Merge(parts[1]);
        Assert.True(forward.IsApproximate);
        Assert.Equal(0.6 / 5, forward.Value(JourneyKit.Model.KpiKind.Revenue)!.Value, 15);
        Assert.Equal(forward.Value(JourneyKit.Model.KpiKind.Revenue), backward.Value(JourneyKit.Model.KpiKind.Revenue));
        Assert.Equal(100.0 * (1 - 4) / 5, forward.Value(JourneyKit.Model.KpiKind.Nps)); // promoters: 1e16; detractors: the other four
    }
}
