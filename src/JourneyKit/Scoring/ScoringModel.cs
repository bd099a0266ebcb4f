namespace JourneyKit.Scoring;

/// <summary>
/// Weighted score components: score = 100 × Σ wᵢ·vᵢ / Σ wᵢ with each value vᵢ clamped to 0..1. Deterministic. See
/// docs/scoring.md for the built-in components and their formulas.
/// </summary>
/// <threadsafety>Immutable and thread-safe when its components are.</threadsafety>
public sealed class ScoringModel
{
    private readonly (ScoreComponent Component, double Weight)[] _components;

    /// <summary>Creates a model.</summary>
    /// <param name="components">The components with their weights (positive, finite); names unique.</param>
    /// <exception cref="ArgumentException">No component, a bad weight or a duplicate name.</exception>
    public ScoringModel(IEnumerable<(ScoreComponent Component, double Weight)> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        _components = [.. components];
        if (_components.Length == 0)
        {
            throw new ArgumentException("A scoring model needs at least one component.", nameof(components));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        double total = 0;
        foreach ((ScoreComponent c, double w) in _components)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(components));
            if (!(w > 0) || !double.IsFinite(w))
            {
                throw new ArgumentException($"Component '{c.Name}' has weight {w}; weights must be positive and finite.", nameof(components));
            }

            if (!names.Add(c.Name))
            {
                throw new ArgumentException($"Duplicate component name '{c.Name}'.", nameof(components));
            }

            total += w;
        }

        for (int i = 0; i < _components.Length; i++)
        {
            _components[i].Weight /= total;
        }
    }

    /// <summary>
    /// Gets the default model: progress 0.30, velocity 0.20, effort 0.15, moments of truth 0.15, goal 0.20.
    /// </summary>
    public static ScoringModel Default { get; } = new(
    [
        (new ProgressComponent(), 0.30),
        (new VelocityComponent(), 0.20),
        (new EffortComponent(), 0.15),
        (new MomentsOfTruthComponent(), 0.15),
        (new GoalComponent(), 0.20),
    ]);

    /// <summary>Gets the components and their normalized weights.</summary>
    public IReadOnlyList<(ScoreComponent Component, double Weight)> Components => _components;

    /// <summary>Returns a model with one more component; weights are renormalized.</summary>
    /// <param name="component">The component.</param>
    /// <param name="weight">Its weight relative to the others' normalized weights (which sum to 1).</param>
    /// <returns>The new model.</returns>
    public ScoringModel With(ScoreComponent component, double weight) => new([.. _components, (component, weight)]);

    /// <summary>
    /// Each component's value as of an instant (0..1, clamped; NaN counts as 0), in model order — what
    /// <see cref="Score(JourneyEvaluator, JourneyInstance, DateTimeOffset)"/> puts in its breakdown, without the breakdown
    /// and its explanations. Allocates nothing for the built-in components (feature extraction for prediction models).
    /// </summary>
    /// <param name="evaluator">The evaluator (journey, options).</param>
    /// <param name="instance">The customer's instance.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="values">Receives one value per component (<see cref="Components"/>); at least that long.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> is shorter than the components.</exception>
    public void ComponentValues(JourneyEvaluator evaluator, JourneyInstance instance, DateTimeOffset asOf, Span<double> values)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(instance);
        if (values.Length < _components.Length)
        {
            throw new ArgumentException($"Give room for {_components.Length} values.", nameof(values));
        }

        JourneyStatus status = evaluator.GetStatus(instance, asOf);
        for (int i = 0; i < _components.Length; i++)
        {
            double v = _components[i].Component.ValueOf(evaluator.Journey, instance, status);
            values[i] = double.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1);
        }
    }

    /// <summary>Scores a customer as of an instant.</summary>
    /// <param name="evaluator">The evaluator (journey, options).</param>
    /// <param name="instance">The customer's instance.</param>
    /// <param name="asOf">The instant (stuck and dead end are judged then).</param>
    /// <returns>The score with its breakdown.</returns>
    public JourneyScore Score(JourneyEvaluator evaluator, JourneyInstance instance, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(instance);
        var context = new ScoringContext(evaluator.Journey, instance, evaluator.GetStatus(instance, asOf));
        var breakdown = new ScoreContribution[_components.Length];
        double total = 0;
        for (int i = 0; i < _components.Length; i++)
        {
            total += Contribute(breakdown, i, _components[i].Component.Evaluate(context));
        }

        return new JourneyScore(instance.CustomerId, Math.Clamp(total, 0, 100), breakdown);
    }

    /// <summary>
    /// Scores a run read from columns (<see cref="JourneyEvaluator.EvaluateInto"/>) as of an instant, with its breakdown:
    /// the same score as <see cref="Score(JourneyEvaluator, JourneyInstance, DateTimeOffset)"/> gives the run's instance.
    /// Allocates the breakdown and its explanations (for output); <see cref="Score(JourneyEvaluator, in JourneyRun, DateTimeOffset, Span{double})"/>
    /// gives the value alone without allocating.
    /// </summary>
    /// <param name="evaluator">The evaluator that filled the run's columns.</param>
    /// <param name="run">The run.</param>
    /// <param name="asOf">The instant (stuck and dead end are judged then).</param>
    /// <returns>The score with its breakdown.</returns>
    public JourneyScore Score(JourneyEvaluator evaluator, in JourneyRun run, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        JourneyStatus status = evaluator.GetStatus(run, asOf);
        var breakdown = new ScoreContribution[_components.Length];
        double total = 0;
        for (int i = 0; i < _components.Length; i++)
        {
            total += Contribute(breakdown, i, _components[i].Component.Describe(evaluator.Journey, run, status));
        }

        return new JourneyScore(run.CustomerId, Math.Clamp(total, 0, 100), breakdown);
    }

    /// <summary>
    /// Scores a run read from columns as of an instant: the score's value (0–100, the value of
    /// <see cref="Score(JourneyEvaluator, JourneyInstance, DateTimeOffset)"/> for the run's instance, to the last bit) and
    /// each component's value in model order (as <see cref="ComponentValues(JourneyEvaluator, JourneyInstance, DateTimeOffset, Span{double})"/>).
    /// Allocates nothing for the built-in components; another component sees the run materialised
    /// (<see cref="JourneyRun.ToInstance"/>).
    /// </summary>
    /// <param name="evaluator">The evaluator that filled the run's columns.</param>
    /// <param name="run">The run.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="values">Receives one value per component (<see cref="Components"/>), or empty to skip them.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is neither empty nor as long as the components.</exception>
    public double Score(JourneyEvaluator evaluator, in JourneyRun run, DateTimeOffset asOf, Span<double> values)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        if (!values.IsEmpty && values.Length < _components.Length)
        {
            throw new ArgumentException($"Give room for {_components.Length} values, or none.", nameof(values));
        }

        JourneyStatus status = evaluator.GetStatus(run, asOf);
        double total = 0;
        for (int i = 0; i < _components.Length; i++)
        {
            (ScoreComponent component, double weight) = _components[i];
            double v = component.ValueOf(evaluator.Journey, run, status);
            v = double.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1);
            if (!values.IsEmpty)
            {
                values[i] = v;
            }

            total += 100 * weight * v;
        }

        return Math.Clamp(total, 0, 100);
    }

    /// <summary>
    /// Scores a run read from columns as of an instant and explains only the contribution that cost the most points
    /// (the first of equal losses, in model order): the score's value and the element of
    /// <see cref="Score(JourneyEvaluator, in JourneyRun, DateTimeOffset)"/>'s breakdown with the largest
    /// <see cref="ScoreContribution.PointsLost"/>, without the other components' explanations (a one-line summary of a run).
    /// </summary>
    /// <param name="evaluator">The evaluator that filled the run's columns.</param>
    /// <param name="run">The run.</param>
    /// <param name="asOf">The instant (stuck and dead end are judged then).</param>
    /// <param name="biggestLoss">Receives the contribution that cost the most points, with its explanation.</param>
    /// <returns>The score (0–100), the value of the full breakdown's score to the last bit.</returns>
    public double Score(JourneyEvaluator evaluator, in JourneyRun run, DateTimeOffset asOf, out ScoreContribution biggestLoss)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        JourneyStatus status = evaluator.GetStatus(run, asOf);
        double total = 0, worstLost = double.NegativeInfinity;
        int worst = 0;
        for (int i = 0; i < _components.Length; i++)
        {
            (ScoreComponent component, double weight) = _components[i];
            double v = component.ValueOf(evaluator.Journey, run, status);
            v = double.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1);
            double points = 100 * weight * v;
            double lost = (100 * weight) - points;
            if (lost > worstLost)
            {
                (worst, worstLost) = (i, lost);
            }

            total += points;
        }

        biggestLoss = Contribution(worst, _components[worst].Component.Describe(evaluator.Journey, run, status));
        return Math.Clamp(total, 0, 100);
    }

    /// <summary>Fills contribution <paramref name="i"/> from the component's value; returns its points.</summary>
    private double Contribute(ScoreContribution[] breakdown, int i, ComponentValue value)
    {
        breakdown[i] = Contribution(i, value);
        return breakdown[i].Points;
    }

    /// <summary>Contribution <paramref name="i"/> from the component's value.</summary>
    private ScoreContribution Contribution(int i, ComponentValue value)
    {
        (ScoreComponent component, double weight) = _components[i];
        double v = double.IsNaN(value.Value) ? 0 : Math.Clamp(value.Value, 0, 1);
        double points = 100 * weight * v;
        return new ScoreContribution(component.Name, weight, v, points, (100 * weight) - points, value.Explanation);
    }
}
