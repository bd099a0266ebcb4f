namespace JourneyKit.Model;

/// <summary>
/// A designed customer journey: ordered stages with the touchpoints that place a customer in them and their standard
/// times, the touchpoint catalog, personas, moments of truth and KPIs. Build one with <see cref="JourneyBuilder"/> or
/// load one with <see cref="Json.JourneyJson"/>.
/// </summary>
/// <remarks>
/// Equality is structural (every list is compared element by element), so a journey loaded, saved and loaded again
/// equals the original. A <see cref="Journey"/> may be invalid when created directly; <see cref="Validate"/> lists
/// every problem.
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed record Journey
{
    /// <summary>Gets the journey id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the version (1 or more). The default value is 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Gets the human-readable name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the goal of the journey in words, or null.</summary>
    public string? Goal { get; init; }

    /// <summary>Gets the custom channels the journey declares besides <see cref="Channel.WellKnown"/>.</summary>
    public EquatableArray<Channel> Channels { get; init; }

    /// <summary>Gets the touchpoint catalog.</summary>
    public EquatableArray<Touchpoint> Touchpoints { get; init; }

    /// <summary>Gets the personas.</summary>
    public EquatableArray<Persona> Personas { get; init; }

    /// <summary>Gets the stages in designed order; the first is where journeys start.</summary>
    public EquatableArray<Stage> Stages { get; init; }

    /// <summary>Gets the moments of truth.</summary>
    public EquatableArray<MomentOfTruth> MomentsOfTruth { get; init; }

    /// <summary>Gets the KPIs.</summary>
    public EquatableArray<Kpi> Kpis { get; init; }

    /// <summary>Gets the orchestration rules defined with the journey (JSON <c>rules</c>, <see cref="JourneyBuilder.Rule"/>; see docs/orchestration.md); empty when none.</summary>
    public EquatableArray<JourneyRule> Rules { get; init; }

    /// <summary>Gets whether and when a customer can start the journey again (<see cref="ReentryPolicy"/>).</summary>
    /// <value>The default value is <see cref="ReentryPolicy.Never"/>.</value>
    public ReentryPolicy Reentry { get; init; }

    /// <summary>
    /// Gets the minimum gap before a new run can start: since the current run's last event for
    /// <see cref="ReentryPolicy.AfterEnd"/>, since its first event for <see cref="ReentryPolicy.Always"/> (which needs a
    /// positive gap). Ignored for <see cref="ReentryPolicy.Never"/>.
    /// </summary>
    /// <value>Zero or positive. The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan ReentryMinimumGap { get; init; }

    /// <summary>Checks the journey and returns every problem found, in document order (empty when valid).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<JourneyProblem> Validate() => Internal.JourneyValidator.Validate(this);

    /// <summary>Throws <see cref="JourneyValidationException"/> listing every problem when the journey is invalid.</summary>
    /// <returns>This journey.</returns>
    /// <exception cref="JourneyValidationException">The journey is invalid.</exception>
    public Journey EnsureValid()
    {
        IReadOnlyList<JourneyProblem> problems = Validate();
        return problems.Count == 0 ? this : throw new JourneyValidationException(problems);
    }

    /// <summary>Like <see cref="EnsureValid()"/>, also giving each moment of truth's parsed pattern (validation parsed them), so compiling does not parse them again.</summary>
    /// <param name="moments">One parsed pattern per moment of truth, in order.</param>
    /// <returns>This journey.</returns>
    internal Journey EnsureValid(out Patterns.ParsedPattern[] moments)
    {
        var parsed = new Patterns.ParsedPattern?[MomentsOfTruth.Count];
        IReadOnlyList<JourneyProblem> problems = Internal.JourneyValidator.Validate(this, parsed);
        if (problems.Count > 0)
        {
            throw new JourneyValidationException(problems);
        }

        moments = parsed!;
        return this;
    }

    /// <summary>Gets the index of a stage by id, or -1.</summary>
    /// <param name="stageId">The stage id.</param>
    /// <returns>The index in <see cref="Stages"/>, or -1.</returns>
    public int IndexOfStage(string stageId)
    {
        for (int i = 0; i < Stages.Count; i++)
        {
            if (Stages[i].Id == stageId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Gets a touchpoint by id.</summary>
    /// <param name="touchpointId">The touchpoint id.</param>
    /// <returns>The touchpoint, or null.</returns>
    public Touchpoint? FindTouchpoint(string touchpointId)
    {
        foreach (Touchpoint t in Touchpoints)
        {
            if (t.Id == touchpointId)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Finds the first persona whose rule matches the attributes.</summary>
    /// <param name="attributes">The customer attributes.</param>
    /// <returns>The persona, or null when none matches.</returns>
    public Persona? AssignPersona(IReadOnlyDictionary<string, string> attributes) =>
        AssignPersonaIndex(attributes) is int p and >= 0 ? Personas[p] : null;

    /// <summary>The index of the first persona whose rule matches the attributes, or -1.</summary>
    internal int AssignPersonaIndex(IReadOnlyDictionary<string, string> attributes)
    {
        for (int p = 0; p < Personas.Count; p++)
        {
            if (Personas[p].Rule.Matches(attributes))
            {
                return p;
            }
        }

        return -1;
    }
}
