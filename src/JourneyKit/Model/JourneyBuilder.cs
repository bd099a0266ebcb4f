namespace JourneyKit.Model;

/// <summary>
/// Builds a <see cref="Journey"/> in code. <see cref="Build"/> validates and throws
/// <see cref="JourneyValidationException"/> listing every problem; the builder takes no more calls after it.
/// </summary>
/// <example>
/// <code>
/// Journey journey = new JourneyBuilder("onboarding")
///     .Touchpoint("form.start", Channel.Web)
///     .Stage("apply", s =&gt; s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)))
///     .Stage("active", s =&gt; s.Touchpoints("first.login").Goal())
///     .Build();
/// </code>
/// </example>
/// <remarks>
/// Touchpoints a stage references that were not declared with <see cref="Touchpoint(string, Channel, TouchpointKind, string?)"/>
/// are declared automatically with no channel, in the order first referenced.
/// <threadsafety>Not thread-safe.</threadsafety>
/// </remarks>
public sealed class JourneyBuilder
{
    private readonly string _id;
    private readonly List<Touchpoint> _touchpoints = [];
    private readonly List<Channel> _channels = [];
    private readonly List<Stage> _stages = [];
    private readonly List<Persona> _personas = [];
    private readonly List<MomentOfTruth> _moments = [];
    private readonly List<Kpi> _kpis = [];
    private readonly List<JourneyRule> _rules = [];
    private ReentryPolicy _reentry;
    private TimeSpan _reentryGap;
    private int _version = 1;
    private string _name = string.Empty;
    private string? _description;
    private string? _goal;
    private bool _built;

    /// <summary>Starts a journey.</summary>
    /// <param name="id">The journey id.</param>
    public JourneyBuilder(string id) => _id = id;

    /// <summary>Sets the version. The default value is 1.</summary>
    /// <param name="version">The version.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Version(int version) => Set(() => _version = version);

    /// <summary>Sets the name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Name(string name) => Set(() => _name = name);

    /// <summary>Sets the description.</summary>
    /// <param name="description">The description.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Description(string description) => Set(() => _description = description);

    /// <summary>Sets the goal in words.</summary>
    /// <param name="goal">The goal.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Goal(string goal) => Set(() => _goal = goal);

    /// <summary>Declares a custom channel (besides <see cref="Channel.WellKnown"/>).</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Channel(Channel channel) => Set(() => _channels.Add(channel));

    /// <summary>Declares a touchpoint.</summary>
    /// <param name="id">The touchpoint id.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="name">The name; defaults to the id.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Touchpoint(string id, Channel channel, TouchpointKind kind = TouchpointKind.Interaction, string? name = null) =>
        Set(() => _touchpoints.Add(new Touchpoint(id, name ?? id, channel, kind)));

    /// <summary>Adds a stage after the ones added so far.</summary>
    /// <param name="id">The stage id.</param>
    /// <param name="configure">Configures the stage.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Stage(string id, Action<StageBuilder>? configure = null)
    {
        EnsureNotBuilt();
        var stage = new StageBuilder(id);
        configure?.Invoke(stage);
        _stages.Add(stage.ToStage());
        return this;
    }

    /// <summary>Adds a persona.</summary>
    /// <param name="persona">The persona.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Persona(Persona persona) => Set(() => _personas.Add(persona));

    /// <summary>Adds a moment of truth.</summary>
    /// <param name="id">The id.</param>
    /// <param name="pattern">The pattern over events.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="weight">The weight; the default value is 1.</param>
    /// <param name="name">The name; defaults to the id.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder MomentOfTruth(string id, string pattern, MomentOfTruthOutcome outcome, double weight = 1, string? name = null) =>
        Set(() => _moments.Add(new MomentOfTruth { Id = id, Name = name ?? id, Pattern = pattern, Outcome = outcome, Weight = weight }));

    /// <summary>Sets whether and when a customer can start the journey again (<see cref="Journey.Reentry"/>).</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="minimumGap">The minimum gap (<see cref="Journey.ReentryMinimumGap"/>); zero by default.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Reentry(ReentryPolicy policy, TimeSpan minimumGap = default) => Set(() =>
    {
        _reentry = policy;
        _reentryGap = minimumGap;
    });

    /// <summary>Adds a KPI.</summary>
    /// <param name="id">The id.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="target">The target, or null.</param>
    /// <param name="name">The name; defaults to the id.</param>
    /// <param name="horizon">The horizon it is measured at from the start of each run (<see cref="Model.Kpi.Horizon"/>), or null.</param>
    /// <param name="touchpoint">The touchpoint whose events carry the KPI's responses as their value (<see cref="Model.Kpi.Touchpoint"/>), or null.</param>
    /// <returns>This builder.</returns>
    public JourneyBuilder Kpi(string id, KpiKind kind, double? target = null, string? name = null, TimeSpan? horizon = null, string? touchpoint = null) =>
        Set(() => _kpis.Add(new Kpi { Id = id, Name = name ?? id, Kind = kind, Target = target, Horizon = horizon, Touchpoint = touchpoint }));

    /// <summary>Adds an orchestration rule (JSON <c>rules</c>); <see cref="Build"/> validates it with the journey, as a loaded journey's rules are.</summary>
    /// <param name="rule">The rule (see <see cref="JourneyRule.Create(string)"/>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    public JourneyBuilder Rule(JourneyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Set(() => _rules.Add(rule));
    }

    /// <summary>Validates and returns the journey.</summary>
    /// <returns>The journey.</returns>
    /// <exception cref="JourneyValidationException">The journey is invalid; lists every problem.</exception>
    /// <exception cref="InvalidOperationException">Build was already called.</exception>
    public Journey Build()
    {
        EnsureNotBuilt();
        _built = true;
        var touchpoints = new List<Touchpoint>(_touchpoints);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (Touchpoint t in touchpoints)
        {
            declared.Add(t.Id);
        }

        foreach (Stage s in _stages)
        {
            foreach (string t in s.Touchpoints)
            {
                if (!string.IsNullOrEmpty(t) && declared.Add(t))
                {
                    touchpoints.Add(new Touchpoint(t, t, Model.Channel.None));
                }
            }
        }

        var journey = new Journey
        {
            Id = _id,
            Version = _version,
            Name = _name.Length == 0 ? _id : _name,
            Description = _description,
            Goal = _goal,
            Channels = _channels.ToArray(),
            Touchpoints = touchpoints.ToArray(),
            Stages = _stages.ToArray(),
            Personas = _personas.ToArray(),
            MomentsOfTruth = _moments.ToArray(),
            Kpis = _kpis.ToArray(),
            Rules = _rules.ToArray(),
            Reentry = _reentry,
            ReentryMinimumGap = _reentryGap,
        };
        return journey.EnsureValid();
    }

    private JourneyBuilder Set(Action action)
    {
        EnsureNotBuilt();
        action();
        return this;
    }

    private void EnsureNotBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("The journey was already built; create a new JourneyBuilder.");
        }
    }
}
