using System.Runtime.InteropServices;
using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Mergeable path-query state for one partition of customers
/// (<see cref="JourneyAnalyzer.CreatePathAccumulator(PathQuery, DateTimeOffset)"/>): exact counts per path and the raw
/// durations behind each median, so partitions added and merged in any order build the same
/// <see cref="PathQueryResult"/> as <see cref="JourneyAnalyzer.QueryPaths(EventBatch, PathQuery, DateTimeOffset)"/> over
/// the whole. Memory holds the distinct paths and one duration per matched run, not the events.
/// </summary>
/// <remarks>A customer must be in one partition only: adding a customer twice throws.
/// <threadsafety>Not thread-safe; use one accumulator per thread and merge.</threadsafety></remarks>
public sealed class PathQueryAccumulator
{
    private readonly JourneyAnalyzer _analyzer;
    private readonly PathQuery _query;
    private readonly int _dropOffStage;
    private readonly long _asOf;
    private readonly HashSet<string> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, bool Truncated), (string[] Steps, int Runs, List<long> Durations)> _paths = [];
    private readonly List<long> _toEnd = [];
    private int _runs;
    private int _withoutStart;
    private int _withoutEnd;
    private int _open;
    private int _excluded;

    internal PathQueryAccumulator(JourneyAnalyzer analyzer, PathQuery query, int dropOffStage, long asOf)
    {
        _analyzer = analyzer;
        _query = query;
        _dropOffStage = dropOffStage;
        _asOf = asOf;
    }

    /// <summary>Gets the query.</summary>
    public PathQuery Query => _query;

    /// <summary>Gets the number of runs added (with <see cref="AnalysisUnit.Customers"/>, one per customer).</summary>
    public int Runs => _runs;

    /// <summary>Adds every customer of a batch (customers not added before); events after the instant are ignored.</summary>
    /// <param name="batch">The events.</param>
    /// <exception cref="ArgumentException">A customer of the batch was already added.</exception>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var asOf = new DateTimeOffset(_asOf, TimeSpan.Zero);
        batch = batch.Until(asOf);
        JourneyEvaluator evaluator = _analyzer.Evaluator;
        var counter = new PathQueryCounter(_query, batch, _analyzer.Journey, _dropOffStage);
        IReadOnlyList<JourneyInstance> runs = evaluator.Evaluate(batch);
        bool latestOnly = _analyzer.Options.Unit == AnalysisUnit.Customers;
        for (int r = 0; r < runs.Count; r++)
        {
            JourneyInstance run = runs[r];
            bool laterRun = r > 0 && runs[r - 1].CustomerId == run.CustomerId;
            if (!laterRun && !_customers.Add(run.CustomerId))
            {
                throw new ArgumentException($"Customer '{run.CustomerId}' was already added: partitions must not share customers.", nameof(batch));
            }

            if (latestOnly && r + 1 < runs.Count && runs[r + 1].CustomerId == run.CustomerId)
            {
                continue; // counting customers: each by their latest run
            }

            counter.Add(run, evaluator.GetStatus(run, asOf));
        }

        _runs += counter.Runs;
        _withoutStart += counter.WithoutStart;
        _withoutEnd += counter.WithoutEnd;
        _open += counter.OpenInDropOffStage;
        _excluded += counter.ExcludedRuns;
        _toEnd.AddRange(counter.TimesToEnd);
        foreach ((string[] steps, bool truncated, int count, List<long> durations) in counter.Paths())
        {
            Fold(steps, truncated, count, durations);
        }
    }

    /// <summary>Adds another partition's state to this one.</summary>
    /// <param name="other">An accumulator of the same analyzer, query and instant, with no shared customer.</param>
    /// <exception cref="ArgumentException">The accumulators differ in analyzer, query or instant, or share a customer.</exception>
    public void Merge(PathQueryAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._analyzer != _analyzer || other._query != _query || other._asOf != _asOf)
        {
            throw new ArgumentException("Only accumulators from the same analyzer, query and instant can be merged.", nameof(other));
        }

        foreach (string customer in other._customers)
        {
            if (!_customers.Add(customer))
            {
                throw new ArgumentException($"Customer '{customer}' is in both partitions.", nameof(other));
            }
        }

        _runs += other._runs;
        _withoutStart += other._withoutStart;
        _withoutEnd += other._withoutEnd;
        _open += other._open;
        _excluded += other._excluded;
        _toEnd.AddRange(other._toEnd);
        foreach (KeyValuePair<(string Key, bool Truncated), (string[] Steps, int Runs, List<long> Durations)> path in other._paths)
        {
            Fold(path.Value.Steps, path.Key.Truncated, path.Value.Runs, path.Value.Durations);
        }
    }

    /// <summary>Builds the result from everything added and merged.</summary>
    /// <returns>The paths, ordered and cut at <see cref="PathQuery.Top"/> as <see cref="PathQueryResult.Paths"/> says.</returns>
    public PathQueryResult Build()
    {
        var entries = new List<(string[] Steps, bool Truncated, int Runs, List<long> Durations)>(_paths.Count);
        foreach (KeyValuePair<(string Key, bool Truncated), (string[] Steps, int Runs, List<long> Durations)> path in _paths)
        {
            entries.Add((path.Value.Steps, path.Key.Truncated, path.Value.Runs, path.Value.Durations));
        }

        entries.Sort(static (a, b) =>
        {
            int c = b.Runs.CompareTo(a.Runs);
            for (int i = 0; c == 0 && i < Math.Min(a.Steps.Length, b.Steps.Length); i++)
            {
                c = string.CompareOrdinal(a.Steps[i], b.Steps[i]);
            }

            c = c != 0 ? c : a.Steps.Length.CompareTo(b.Steps.Length);
            return c != 0 ? c : a.Truncated.CompareTo(b.Truncated);
        });
        int matched = _runs - _withoutStart - _withoutEnd - _excluded;
        var paths = new List<QueriedPath>(Math.Min(_query.Top, entries.Count));
        int other = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            if (i >= _query.Top)
            {
                other += entries[i].Runs;
                continue;
            }

            long[] sorted = [.. entries[i].Durations];
            Array.Sort(sorted);
            paths.Add(new QueriedPath(entries[i].Steps, entries[i].Truncated, entries[i].Runs, (double)entries[i].Runs / matched, Percentiles.NearestRank(sorted, 50)!.Value));
        }

        long[] durations = [.. _toEnd];
        Array.Sort(durations);
        return new PathQueryResult(_query, new DateTimeOffset(_asOf, TimeSpan.Zero), _runs, _withoutStart, _withoutEnd, _open, _excluded, paths, other, entries.Count, Percentiles.NearestRank(durations, 50));
    }

    private void Fold(string[] steps, bool truncated, int runs, List<long> durations)
    {
        ref (string[] Steps, int Runs, List<long> Durations) slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_paths, (string.Join('\u001f', steps), truncated), out bool exists);
        if (!exists)
        {
            slot = (steps, 0, []);
        }

        slot.Runs += runs;
        slot.Durations.AddRange(durations);
    }
}
