using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Prediction.Internal;

/// <summary>
/// The features of a run at an instant, all available then (nothing from later events): one row of floats per run. The
/// schema (stage, persona and channel values, moments, score components, attributes) is fixed at fitting and saved with
/// the model, so a loaded model reads the same columns.
/// </summary>
internal sealed class FeatureSchema
{
    /// <summary>The sentinel of a missing numeric attribute (below any real value; trees split it off).</summary>
    public const float Missing = -1e30f;

    private const double Hour = TimeSpan.TicksPerHour;

    public FeatureSchema(string[] stages, string[] personas, string[] channels, string[] moments, string[] components, string[] attributes)
    {
        Stages = stages;
        Personas = personas;
        Channels = channels;
        Moments = moments;
        Components = components;
        Attributes = attributes;
        var names = new List<string>();
        var groups = new List<int>();
        void Add(string name, FeatureGroup group, int index = 0)
        {
            names.Add(name);
            groups.Add(((int)group << 16) | index);
        }

        foreach (string s in stages)
        {
            Add("stage=" + s, FeatureGroup.Stage);
        }

        Add("hours_in_stage", FeatureGroup.TimeInStage);
        Add("in_stage_over_standard", FeatureGroup.TimeInStage);
        Add("hours_overdue", FeatureGroup.Overdue);
        Add("hours_since_last_event", FeatureGroup.SinceLastEvent);
        Add("hours_since_first_event", FeatureGroup.Age);
        Add("events", FeatureGroup.Events);
        Add("stage_visits", FeatureGroup.Visits);
        Add("visits_of_current_stage", FeatureGroup.Visits);
        Add("stages_behind_furthest", FeatureGroup.Backtracks);
        Add("backtracks", FeatureGroup.Backtracks);
        Add("repeats", FeatureGroup.Repeats);
        Add("channel_switches", FeatureGroup.Switches);
        Add("assisted_contacts", FeatureGroup.Assisted);
        Add("out_of_path", FeatureGroup.OutOfPath);
        Add("disallowed_transitions", FeatureGroup.OutOfPath);
        foreach (string p in personas)
        {
            Add("persona=" + p, FeatureGroup.Persona);
        }

        foreach (string c in channels)
        {
            Add("last_channel=" + c, FeatureGroup.LastChannel);
        }

        for (int m = 0; m < moments.Length; m++)
        {
            Add("moment=" + moments[m], FeatureGroup.Moment, m);
        }

        Add("moments_positive_weight", FeatureGroup.MomentWeight);
        Add("moments_negative_weight", FeatureGroup.MomentWeight);
        for (int c = 0; c < components.Length; c++)
        {
            Add("score." + components[c], FeatureGroup.ScoreComponent, c);
        }

        for (int a = 0; a < attributes.Length; a++)
        {
            Add("attribute." + attributes[a], FeatureGroup.Attribute, a);
        }

        Names = [.. names];
        Groups = [.. groups];
        _componentColumn = new int[ScoringModel.Default.Components.Count];
        for (int j = 0; j < _componentColumn.Length; j++)
        {
            string name = ScoringModel.Default.Components[j].Component.Name;
            _componentColumn[j] = IndexOf(components, name, -1);
            if (_componentColumn[j] < 0 && name == "moments_of_truth")
            {
                _componentColumn[j] = IndexOf(components, "momentsOfTruth", -1); // a model saved before the component's id became snake_case
            }
        }
    }

    /// <summary>Per component of <see cref="ScoringModel.Default"/>: its column among <see cref="Components"/>, or -1.</summary>
    private readonly int[] _componentColumn;

    public string[] Stages { get; }

    public string[] Personas { get; }

    public string[] Channels { get; }

    public string[] Moments { get; }

    public string[] Components { get; }

    public string[] Attributes { get; }

    public string[] Names { get; }

    /// <summary>Per feature: (group &lt;&lt; 16) | index within the group.</summary>
    public int[] Groups { get; }

    public int Count => Names.Length;

    /// <summary>The schema of a journey: its stages, personas (and none), the channels of its touchpoints (and none), its moments, the default score components and the given attributes.</summary>
    public static FeatureSchema For(CompiledJourney journey, string[] attributes)
    {
        var stages = new string[journey.Stages.Length];
        for (int s = 0; s < stages.Length; s++)
        {
            stages[s] = journey.Stages[s].Id;
        }

        var personas = new List<string>();
        foreach (Persona p in journey.Journey.Personas)
        {
            personas.Add(p.Id);
        }

        personas.Add(Analytics.AnalyticsNames.None);
        var channels = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Touchpoint t in journey.Journey.Touchpoints)
        {
            if (!t.Channel.IsNone)
            {
                channels.Add(t.Channel.Name);
            }
        }

        var moments = new string[journey.Journey.MomentsOfTruth.Count];
        for (int m = 0; m < moments.Length; m++)
        {
            moments[m] = journey.Journey.MomentsOfTruth[m].Id;
        }

        var components = new List<string>();
        foreach ((ScoreComponent component, _) in ScoringModel.Default.Components)
        {
            components.Add(component.Name);
        }

        return new FeatureSchema(stages, [.. personas], [.. channels, Analytics.AnalyticsNames.None], moments, [.. components], attributes);
    }

    /// <summary>Fills <paramref name="row"/> with the run's features as of <paramref name="asOfTicks"/>; the run holds only events up to then.</summary>
    public void Extract(JourneyEvaluator evaluator, JourneyInstance run, long asOfTicks, EventBatch? events, int startRow, int endRow, Span<float> row)
    {
        CompiledJourney journey = evaluator.Journey;
        row.Clear();
        int k = 0;
        int stage = run.CurrentStage;
        if (stage >= 0 && stage < Stages.Length)
        {
            row[stage] = 1;
        }

        k += Stages.Length;
        long entered = run.CurrentStageEnteredTicks ?? asOfTicks;
        double inStage = Math.Max(0, asOfTicks - entered) / Hour;
        double standard = stage >= 0 ? journey.Stages[stage].StandardTime.Ticks / Hour : 0;
        row[k++] = (float)inStage;
        row[k++] = standard > 0 ? (float)(inStage / standard) : 0;
        row[k++] = standard > 0 ? (float)Math.Max(0, inStage - standard) : 0;
        row[k++] = (float)(Math.Max(0, asOfTicks - run.LastEventTicks) / Hour);
        row[k++] = (float)(Math.Max(0, asOfTicks - run.FirstEventTicks) / Hour);
        row[k++] = run.EventCount;
        int sameStage = 0;
        IReadOnlyList<StageVisit> visits = run.Visits;
        for (int v = 0; v < visits.Count; v++) // indexed: a foreach over the interface would box its enumerator
        {
            sameStage += visits[v].Stage == stage ? 1 : 0;
        }

        row[k++] = visits.Count;
        row[k++] = sameStage;
        row[k++] = run.FurthestStage >= 0 && stage >= 0 ? run.FurthestStage - stage : 0;
        row[k++] = run.Backtracks;
        row[k++] = run.Repeats;
        row[k++] = run.ChannelSwitches;
        row[k++] = run.AssistedContacts;
        row[k++] = run.OutOfPath;
        row[k++] = run.DisallowedTransitions;
        row[k + IndexOf(Personas, run.Persona ?? Analytics.AnalyticsNames.None, Personas.Length - 1)] = 1;
        k += Personas.Length;
        row[k + IndexOf(Channels, run.LastChannel.IsNone ? Analytics.AnalyticsNames.None : run.LastChannel.Name, Channels.Length - 1)] = 1;
        k += Channels.Length;
        double positive = 0, negative = 0;
        IReadOnlyList<MomentOfTruthHit> hits = run.MomentsOfTruth;
        for (int h = 0; h < hits.Count; h++)
        {
            MomentOfTruthHit hit = hits[h];
            if (hit.Moment < Moments.Length)
            {
                row[k + hit.Moment]++;
                double weight = journey.Journey.MomentsOfTruth[hit.Moment].Weight;
                positive += hit.Outcome == MomentOfTruthOutcome.Positive ? weight : 0;
                negative += hit.Outcome == MomentOfTruthOutcome.Negative ? weight : 0;
            }
        }

        k += Moments.Length;
        row[k++] = (float)positive;
        row[k++] = (float)negative;
        Span<double> values = stackalloc double[_componentColumn.Length];
        ScoringModel.Default.ComponentValues(evaluator, run, new DateTimeOffset(asOfTicks, TimeSpan.Zero), values);
        for (int j = 0; j < values.Length; j++)
        {
            if (_componentColumn[j] >= 0)
            {
                row[k + _componentColumn[j]] = (float)values[j];
            }
        }

        k += Components.Length;
        for (int a = 0; a < Attributes.Length; a++)
        {
            row[k + a] = AttributeValue(run, Attributes[a], events, startRow, endRow);
        }
    }

    /// <summary>The standard time of the run's stage in hours (0 when none), as <see cref="Extract"/> uses it.</summary>
    public static double StandardHours(CompiledJourney journey, JourneyInstance run) =>
        run.CurrentStage >= 0 && run.CurrentStage < journey.Stages.Length ? journey.Stages[run.CurrentStage].StandardTime.Ticks / Hour : 0;

    /// <summary>
    /// Moves the clocks of a row extracted at some instant on by <paramref name="hours"/> with nothing happening: time in
    /// the stage, its ratio to and excess over the standard time, and the time since the last and the first event.
    /// <paramref name="source"/> is the row at the instant; <paramref name="row"/> gets the moved copy.
    /// </summary>
    public void Advance(ReadOnlySpan<float> source, double hours, double standardHours, Span<float> row)
    {
        source.CopyTo(row);
        int k = Stages.Length;
        double inStage = source[k] + hours;
        row[k] = (float)inStage;
        row[k + 1] = standardHours > 0 ? (float)(inStage / standardHours) : 0;
        row[k + 2] = standardHours > 0 ? (float)Math.Max(0, inStage - standardHours) : 0;
        row[k + 3] = (float)(source[k + 3] + hours);
        row[k + 4] = (float)(source[k + 4] + hours);
    }

    /// <summary>The latest value of a numeric attribute: from the run (persona attributes) or the latest event that has it.</summary>
    private static float AttributeValue(JourneyInstance run, string key, EventBatch? events, int startRow, int endRow)
    {
        if (run.Attributes.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return (float)value;
        }

        if (events is not null && events.TryGetAttributeColumn(key, out ReadOnlySpan<int> column))
        {
            for (int r = endRow - 1; r >= startRow; r--)
            {
                if (column[r] >= 0 && double.TryParse(events.AttributeValues[column[r]], NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    return (float)value;
                }
            }
        }

        return Missing;
    }

    private static int IndexOf(string[] values, string value, int otherwise)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] == value)
            {
                return i;
            }
        }

        return otherwise;
    }
}

/// <summary>Features that are explained together.</summary>
internal enum FeatureGroup
{
    Stage,
    TimeInStage,
    Overdue,
    SinceLastEvent,
    Age,
    Events,
    Visits,
    Backtracks,
    Repeats,
    Switches,
    Assisted,
    OutOfPath,
    Persona,
    LastChannel,
    Moment,
    MomentWeight,
    ScoreComponent,
    Attribute,
}
