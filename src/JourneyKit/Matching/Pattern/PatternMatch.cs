namespace JourneyKit.Matching.Pattern;

/// <summary>One customer's answer to a pattern.</summary>
/// <param name="Matched">Whether any part of the customer's events matches.</param>
/// <param name="Count">The number of non-overlapping matches (greedy by earliest end).</param>
/// <param name="FirstStart">The index of the first match's first event among the customer's events, or -1.</param>
/// <param name="FirstEnd">The index of the first match's last event, or -1.</param>
/// <param name="FirstStartTicks">The first match's first event time (UTC ticks), or 0.</param>
/// <param name="FirstEndTicks">The first match's last event time (UTC ticks), or 0.</param>
public readonly record struct PatternMatch(bool Matched, int Count, int FirstStart, int FirstEnd, long FirstStartTicks, long FirstEndTicks)
{
    /// <summary>The answer when nothing matched.</summary>
    public static PatternMatch None { get; } = new(false, 0, -1, -1, 0, 0);
}
