using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>A distinct sequence of stages and how many customers took it.</summary>
/// <param name="Stages">The stage ids in order (consecutive events in one stage are one visit).</param>
/// <param name="Customers">Customers (runs) with exactly this sequence.</param>
/// <param name="MedianDuration">The median case duration of these runs — from the run's first event to its last event at
/// the analysis instant (open runs count with the time so far) — by the nearest rank; null without runs.</param>
/// <param name="P90Duration">The 90th percentile of the same durations (nearest rank).</param>
public sealed record PathVariant(IReadOnlyList<string> Stages, int Customers, TimeSpan? MedianDuration, TimeSpan? P90Duration);
