namespace JourneyKit.Model;

/// <summary>Configures one stage of a <see cref="JourneyBuilder"/>.</summary>
public sealed class StageBuilder
{
    private readonly string _id;
    private readonly List<string> _touchpoints = [];
    private string _name = string.Empty;
    private TimeSpan _standard;
    private TimeSpan? _max;
    private bool _goal;
    private bool _failure;
    private List<string>? _next;

    internal StageBuilder(string id) => _id = id;

    /// <summary>Sets the name; defaults to the id.</summary>
    /// <param name="name">The name.</param>
    /// <returns>This builder.</returns>
    public StageBuilder Name(string name)
    {
        _name = name;
        return this;
    }

    /// <summary>Adds touchpoints that place a customer in this stage.</summary>
    /// <param name="touchpoints">The touchpoint ids.</param>
    /// <returns>This builder.</returns>
    public StageBuilder Touchpoints(params string[] touchpoints)
    {
        _touchpoints.AddRange(touchpoints);
        return this;
    }

    /// <summary>Sets the standard (expected) time in the stage.</summary>
    /// <param name="standardTime">The standard time; positive for non-terminal stages.</param>
    /// <returns>This builder.</returns>
    public StageBuilder StandardTime(TimeSpan standardTime)
    {
        _standard = standardTime;
        return this;
    }

    /// <summary>Sets the maximum time in the stage.</summary>
    /// <param name="maxTime">The maximum time; not below the standard time.</param>
    /// <returns>This builder.</returns>
    public StageBuilder MaxTime(TimeSpan maxTime)
    {
        _max = maxTime;
        return this;
    }

    /// <summary>Marks the stage as the journey's goal.</summary>
    /// <returns>This builder.</returns>
    public StageBuilder Goal()
    {
        _goal = true;
        return this;
    }

    /// <summary>Marks the stage as a terminal failure.</summary>
    /// <returns>This builder.</returns>
    public StageBuilder Failure()
    {
        _failure = true;
        return this;
    }

    /// <summary>Restricts the stages that may follow this one (by default any stage may).</summary>
    /// <param name="stageIds">The allowed next stage ids.</param>
    /// <returns>This builder.</returns>
    public StageBuilder Next(params string[] stageIds)
    {
        (_next ??= []).AddRange(stageIds);
        return this;
    }

    internal Stage ToStage() => new()
    {
        Id = _id,
        Name = _name.Length == 0 ? _id : _name,
        Touchpoints = _touchpoints.ToArray(),
        StandardTime = _standard,
        MaxTime = _max,
        IsGoal = _goal,
        IsFailure = _failure,
        Next = _next is null ? default(EquatableArray<string>?) : new EquatableArray<string>(_next),
    };
}
