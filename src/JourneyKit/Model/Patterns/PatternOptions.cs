namespace JourneyKit.Model.Patterns;

/// <summary>Limits applied when compiling a pattern; see docs/patterns.md ("Limits and errors") and docs/limits.md.</summary>
/// <remarks>
/// <para>The work a compiled pattern does per event is at most proportional to its states plus its edges, and its
/// per-customer state is 12 bytes per state, so <see cref="MaxStates"/> and <see cref="MaxEdges"/> together bound both.
/// Both are counted exactly as the automaton is built (every copy a repetition makes), and checked before anything
/// is allocated: a pattern past a limit is refused with a <see cref="PatternSyntaxException"/> pointing at the
/// innermost part that passes it.</para>
/// <threadsafety>Immutable once created; may be shared.</threadsafety>
/// </remarks>
public sealed class PatternOptions
{
    /// <summary>Gets the longest pattern text accepted.</summary>
    /// <value>The default value is 4,096 characters.</value>
    public int MaxLength { get; init; } = PatternConstants.DefaultMaxLength;

    /// <summary>Gets the deepest group nesting accepted.</summary>
    /// <value>The default value is 32.</value>
    public int MaxDepth { get; init; } = PatternConstants.DefaultMaxDepth;

    /// <summary>
    /// Gets the most automaton states accepted: one per event position after expanding every repetition as the
    /// automaton builds it (<c>a{3}</c> is 3 states, <c>X+</c> is two copies of <c>X</c>, so <c>((a+)+)+</c> is 8).
    /// Bounds the per-customer state (12 bytes per state) and, with <see cref="MaxEdges"/>, the work per event.
    /// </summary>
    /// <value>The default value is 1,024.</value>
    public int MaxStates { get; init; } = PatternConstants.DefaultMaxStates;

    /// <summary>
    /// Gets the most automaton edges (pairs of states an event can move between) accepted: the per-event work besides
    /// the states. <c>a{1000}</c> has 999 edges; <c>.?{1000}</c>, where every optional copy may follow every earlier
    /// one, has 499,500 and is refused.
    /// </summary>
    /// <value>The default value is 4,096.</value>
    public int MaxEdges { get; init; } = PatternConstants.DefaultMaxEdges;

    /// <summary>
    /// Gets the most partial matches kept at one automaton state by patterns with time gaps <c>~~(…)</c> or groups with
    /// <c>within</c>: two partial matches whose times differ in a way that matters later (e.g. <c>a ~~(1h..2h) b</c>
    /// after many <c>a</c>s in two hours) are both kept. Matching past it throws <see cref="InvalidOperationException"/>
    /// naming the pattern; the work per event is at most (states + edges) × this.
    /// </summary>
    /// <value>The default value is 64.</value>
    public int MaxPartialMatches { get; init; } = PatternConstants.DefaultMaxPartialMatches;

    /// <summary>
    /// Gets the most distinct values of a pattern's variable (<c>{order_id=$o}</c>) one customer may hold open at once:
    /// the matcher keeps one copy of its state per value bound by a partial match still alive (an order added to the
    /// cart and not yet paid). Matching past it throws <see cref="InvalidOperationException"/> naming the pattern, the
    /// event and this option; the work per event is at most this times the pattern's own.
    /// </summary>
    /// <value>The default value is 64.</value>
    public int MaxBoundValues { get; init; } = PatternConstants.DefaultMaxBoundValues;
}
