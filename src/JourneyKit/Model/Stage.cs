namespace JourneyKit.Model;

/// <summary>
/// A phase of a journey (discover, apply, verify, …): the touchpoints that place a customer in it, the standard
/// (expected) time a customer spends in it, and whether it ends the journey.
/// </summary>
/// <remarks>A customer is <em>stuck</em> when in a stage longer than <see cref="StandardTime"/>.</remarks>
public sealed record Stage
{
    /// <summary>Gets the stage id; unique within the journey.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the human-readable name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the ids of the touchpoints that place a customer in this stage.</summary>
    public EquatableArray<string> Touchpoints { get; init; }

    /// <summary>Gets the standard (expected) time in the stage. <see cref="TimeSpan.Zero"/> = none set.</summary>
    public TimeSpan StandardTime { get; init; }

    /// <summary>Gets the maximum time in the stage before the journey counts as failed there, or null.</summary>
    public TimeSpan? MaxTime { get; init; }

    /// <summary>Gets a value indicating whether reaching this stage reaches the journey's goal.</summary>
    public bool IsGoal { get; init; }

    /// <summary>Gets a value indicating whether this stage is a terminal failure (declined, refunded, …).</summary>
    public bool IsFailure { get; init; }

    /// <summary>
    /// Gets the ids of the stages a customer may move to next, or null when any stage may follow.
    /// Terminal (goal or failure) stages have none.
    /// </summary>
    public EquatableArray<string>? Next { get; init; }

    /// <summary>Gets a value indicating whether the stage ends the journey (goal or failure).</summary>
    public bool IsTerminal => IsGoal || IsFailure;
}
