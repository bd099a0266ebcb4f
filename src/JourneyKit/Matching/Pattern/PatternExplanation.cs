namespace JourneyKit.Matching.Pattern;

/// <summary>One customer's answer to a pattern, explained (<see cref="CompiledPattern.Explain"/>).</summary>
/// <param name="Result">The answer (as <see cref="CompiledPattern.GetResult(PatternState)"/>).</param>
/// <param name="Chain">The first match's events, one per matched pattern atom in order; without a match, the chain of
/// the most leading items some part of the events matches; empty when not even the first item matched.</param>
/// <param name="ItemsMatched">How many of the pattern's top-level items the chain covers.</param>
/// <param name="Items">The pattern's top-level items (a sequence's items; time gaps <c>~~</c> not counted).</param>
/// <param name="StoppedBecause">Why there is no match (the item that never came after the chain), or null when matched.</param>
public sealed record PatternExplanation(PatternMatch Result, IReadOnlyList<PatternChainStep> Chain, int ItemsMatched, int Items, string? StoppedBecause);
