namespace JourneyKit.Orchestration;

/// <summary>One rule occurrence a step handled, and what the firing policy decided.</summary>
/// <param name="Rule">The rule name.</param>
/// <param name="Occurrence">The occurrence id, e.g. <c>stuck:verify:1</c>.</param>
/// <param name="OccurredAt">The occurrence time (event time, or a timer's due time).</param>
/// <param name="Outcome">The decision.</param>
public readonly record struct OccurrenceDecision(string Rule, string Occurrence, DateTimeOffset OccurredAt, OccurrenceOutcome Outcome);
