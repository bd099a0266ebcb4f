using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Analytics.Internal;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>The Markov solver and the Kaplan–Meier estimator against deliberately simple references on random inputs.</summary>
public sealed class MarkovAndSurvivalPropertyTests
{
    private static readonly string[] States = ["a", "b", "c", "d", "e"];

    /// <summary>1–29 paths of up to 5 states each (indices into <see cref="States"/>), a third of them converted; they
    /// shrink towards fewer, shorter paths of "a", not converted.</summary>
    private static Arbitrary<(int[] Path, bool Converted)[]> Paths() =>
        Small.ArrayOf(
            from path in Gen.Choose(0, States.Length - 1).ArrayOf().Select(a => a.Length > 5 ? a[..5] : a)
            from converted in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (path, converted),
            1,
            29);

    private static List<(List<string> Path, bool Converted)> PathsOf((int[] Path, bool Converted)[] generated) =>
        [.. generated.Select(g => (g.Path.Select(i => States[i]).ToList(), g.Converted))];

    /// <summary>P(conversion from start) by value iteration x ← Q·x + r from the raw transition counts, optionally with a state removed.</summary>
    private static double ReferenceProbability(List<(List<string> Path, bool Converted)> paths, string? removed)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>();
        foreach ((List<string> path, bool converted) in paths)
        {
            var sequence = new List<string> { "^" };
            sequence.AddRange(path);
            sequence.Add(converted ? "+" : "-");
            for (int i = 0; i + 1 < sequence.Count; i++)
            {
                Dictionary<string, int> row = counts.TryGetValue(sequence[i], out var r) ? r : counts[sequence[i]] = [];
                row[sequence[i + 1]] = row.GetValueOrDefault(sequence[i + 1]) + 1;
            }
        }

        var x = counts.Keys.ToDictionary(k => k, _ => 0.0);
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            var next = new Dictionary<string, double>();
            foreach ((string from, Dictionary<string, int> row) in counts)
            {
                double total = row.Values.Sum();
                next[from] = from == removed ? 0 : row.Sum(t => t.Value / total * (t.Key == "+" ? 1 : t.Key == "-" ? 0 : x[t.Key]));
            }

            bool converged = next.All(kv => Math.Abs(kv.Value - x[kv.Key]) < 1e-13);
            x = next;
            if (converged)
            {
                break;
            }
        }

        return x["^"];
    }

    [Property(MaxTest = 100)]
    public Property Attribution_AgreesWithValueIteration() => Prop.ForAll(Paths(), generated =>
    {
        List<(List<string> Path, bool Converted)> paths = PathsOf(generated);
        var chain = new MarkovCounts();
        foreach ((List<string> path, bool converted) in paths)
        {
            chain.AddPath(path, converted);
        }

        AttributionResult result = chain.Attribute();
        double p = ReferenceProbability(paths, null);

        // Value iteration stops within about 1e-13 of the fixed point: compare with an absolute tolerance, not by
        // rounding both to 6 decimals (0.14343749999989641 and 0.1434375 round to different sixth decimals).
        Assert.Equal(p, result.ConversionProbability, 1e-6);
        foreach (StateAttribution s in result.States)
        {
            double expected = p <= 0 ? 0 : Math.Max(0, 1 - (ReferenceProbability(paths, s.State) / p));
            Assert.Equal(expected, s.RemovalEffect, 1e-6);
            Assert.Equal(paths.Sum(x => x.Path.Count(v => v == s.State)), s.Visits);
        }
    });

    [Property(MaxTest = 200)]
    public Property KaplanMeier_AgreesWithTheTextbookProduct() => Prop.ForAll(
        Small.ArrayOf(Gen.Choose(0, 9).SelectMany(d => Gen.Elements(false, true), (d, e) => (Duration: d, Event: e)), 0, 39), // many ties, events and censorings at equal times
        generated =>
    {
        var observations = generated.Select(o => (Duration: (long)o.Duration, o.Event)).ToList();

        SurvivalCurve curve = SurvivalCurve.Estimate(observations);
        double s = 1;
        var expected = new List<(TimeSpan, double)>();
        foreach (long t in observations.Where(o => o.Event).Select(o => o.Duration).Distinct().Order())
        {
            int atRisk = observations.Count(o => o.Duration >= t);
            int events = observations.Count(o => o.Duration == t && o.Event);
            s *= 1 - ((double)events / atRisk);
            expected.Add((TimeSpan.FromTicks(t), s));
        }

        Assert.Equal(expected.Count, curve.Points.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Item1, curve.Points[i].Time);
            Assert.Equal(expected[i].Item2, curve.Points[i].Survival, 1e-12);
        }

        Assert.Equal(expected.Count == 0 ? 1 : expected[^1].Item2, curve.Plateau, 1e-12);
        for (long t = -1; t <= 10; t++)
        {
            double at = expected.Where(e => e.Item1.Ticks <= t).Select(e => e.Item2).DefaultIfEmpty(1).Last();
            Assert.Equal(at, curve.SurvivalAt(TimeSpan.FromTicks(t)), 1e-12);
            double risk = curve.ProbabilityOfNever(TimeSpan.FromTicks(t));
            Assert.InRange(risk, 0, 1);
        }
    });
}
