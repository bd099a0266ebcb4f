namespace JourneyKit.Analytics;

/// <summary>
/// A path query (<see cref="JourneyAnalyzer.QueryPaths(Events.EventBatch, PathQuery, DateTimeOffset)"/>): the most
/// frequent paths after a start anchor and/or up to an end anchor or a drop-off, with hidden and excluded steps, as
/// product-analytics tools' path charts (Amplitude Journeys / Pathfinder, Mixpanel Flows) draw them. The exact
/// definition, step by step, is in docs/analytics.md ("Path queries").
/// </summary>
/// <remarks>
/// <para>Per run, as of the instant: (1) the run's steps at <see cref="Level"/>; (2) <see cref="Hidden"/> steps removed;
/// (3) with <see cref="CollapseRepeats"/>, consecutive steps of one name merged into the first; (4) the start is the
/// <em>first</em> step named <see cref="StartingAt"/> (or the run's first step); (5) the end is the first step named
/// <see cref="EndingAt"/> after the start, or — with <see cref="DropOffAt"/> — the run's last step when the run is
/// dormant in that stage, or else the run's last step; (6) a run whose start-to-end segment has an
/// <see cref="Excluded"/> step is left out; (7) the path shown is the start and the <see cref="Depth"/> steps after it
/// (with an end anchor and no start anchor: the end and the <see cref="Depth"/> steps before it), marked truncated
/// when the segment was longer.</para>
/// <threadsafety>Immutable once built; safe to share.</threadsafety>
/// </remarks>
public sealed class PathQuery
{
    /// <summary>The most steps a path may show after (or before) its anchor.</summary>
    public const int MaxDepth = 50;

    /// <summary>Gets what a step is: a touchpoint event or a stage visit.</summary>
    /// <value>The default value is <see cref="PathLevel.Touchpoint"/>.</value>
    public PathLevel Level { get; init; } = PathLevel.Touchpoint;

    /// <summary>
    /// Gets the start anchor (a touchpoint or stage id by <see cref="Level"/>), or null for each run's first step. A run's
    /// path starts at its <em>first</em> step of that name (as Amplitude's Journeys and Mixpanel's Flows counting unique
    /// users do); runs without one are counted in <see cref="PathQueryResult.WithoutStart"/>.
    /// </summary>
    /// <value>The default value is null.</value>
    public string? StartingAt { get; init; }

    /// <summary>
    /// Gets the end anchor, or null: the path ends at the first step of that name after the start (strictly after when
    /// <see cref="StartingAt"/> is set, so <c>StartingAt = EndingAt = "x"</c> is "from one x to the next"; at or after the
    /// run's first step otherwise). Runs without one are counted in <see cref="PathQueryResult.WithoutEnd"/>. Not with
    /// <see cref="DropOffAt"/>.
    /// </summary>
    /// <value>The default value is null.</value>
    public string? EndingAt { get; init; }

    /// <summary>
    /// Gets a stage id, or null: only runs that dropped off in that stage count — <see cref="Scoring.LifecycleState.Dormant"/>
    /// as of the instant with that stage as their current stage — and their path ends at their last step. A run still in
    /// progress or stuck in the stage has not dropped off (it is open, see docs/analytics.md on censoring): it is counted
    /// in <see cref="PathQueryResult.WithoutEnd"/> and <see cref="PathQueryResult.OpenInDropOffStage"/>. Works at both
    /// levels; the stage must be a non-terminal stage of the journey. Not with <see cref="EndingAt"/>.
    /// </summary>
    /// <value>The default value is null.</value>
    public string? DropOffAt { get; init; }

    /// <summary>
    /// Gets the step names removed from every run's steps before anything else ("hide events"): the path goes on as if
    /// they had not happened. They must not include the anchors.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> Hidden { get; init; } = [];

    /// <summary>
    /// Gets the step names that exclude a run: a run whose segment from the start to the end (both included, before the
    /// depth cut, after hiding and collapsing) has one of them is left out and counted in
    /// <see cref="PathQueryResult.Excluded"/>. They must not include the anchors.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>
    /// Gets how many steps a path shows after its start — or, with an end anchor (<see cref="EndingAt"/> or
    /// <see cref="DropOffAt"/>) and no <see cref="StartingAt"/>, before its end; the anchor itself is not counted.
    /// A longer segment is cut there and the path is marked <see cref="QueriedPath.Truncated"/> (a truncated path and an
    /// equal one that ended there are different paths).
    /// </summary>
    /// <value>1 to <see cref="MaxDepth"/>. The default value is 5.</value>
    public int Depth { get; init; } = 5;

    /// <summary>Gets whether consecutive steps with the same name are one step (timed at the first), after hiding.</summary>
    /// <value>The default value is false.</value>
    public bool CollapseRepeats { get; init; }

    /// <summary>Gets how many paths to list, most frequent first; the runs of the others are counted in <see cref="PathQueryResult.OtherRuns"/>.</summary>
    /// <value>At least 1. The default value is 10.</value>
    public int Top { get; init; } = 10;

    /// <summary>Checks the query on its own (names against the journey are checked by the analyzer).</summary>
    /// <exception cref="ArgumentException">A value is out of range or the anchors conflict.</exception>
    internal void Validate()
    {
        if (!Enum.IsDefined(Level))
        {
            throw new ArgumentOutOfRangeException(nameof(Level), Level, "Unknown path level.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Depth, 1, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Depth, MaxDepth, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfLessThan(Top, 1, nameof(Top));
        ArgumentNullException.ThrowIfNull(Hidden, nameof(Hidden));
        ArgumentNullException.ThrowIfNull(Excluded, nameof(Excluded));
        if (EndingAt is not null && DropOffAt is not null)
        {
            throw new ArgumentException("A path query ends at a step (EndingAt) or at a drop-off (DropOffAt), not both.", nameof(DropOffAt));
        }

        CheckName(StartingAt, nameof(StartingAt));
        CheckName(EndingAt, nameof(EndingAt));
        CheckName(DropOffAt, nameof(DropOffAt));
        CheckList(Hidden, nameof(Hidden));
        CheckList(Excluded, nameof(Excluded));
    }

    private void CheckList(IReadOnlyList<string> names, string option)
    {
        foreach (string name in names)
        {
            CheckName(name, option);
            if (name == StartingAt || name == EndingAt)
            {
                throw new ArgumentException($"{option}: '{name}' is an anchor of the query; a hidden or excluded anchor would leave no path.", option);
            }
        }
    }

    private static void CheckName(string? name, string option)
    {
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{option}: a step name must not be empty.", option);
        }
    }
}
