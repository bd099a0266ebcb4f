using System.Globalization;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Prediction.Internal;

/// <summary>Names and plain-word descriptions of the feature groups, with the run's own values.</summary>
internal static class FactorText
{
    public static string Name(FeatureSchema schema, int group)
    {
        int index = group & 0xFFFF;
        return (FeatureGroup)(group >> 16) switch
        {
            FeatureGroup.Stage => "stage",
            FeatureGroup.TimeInStage => "time_in_stage",
            FeatureGroup.Overdue => "overdue",
            FeatureGroup.SinceLastEvent => "since_last_event",
            FeatureGroup.Age => "since_first_event",
            FeatureGroup.Events => "events",
            FeatureGroup.Visits => "stage_visits",
            FeatureGroup.Backtracks => "backtracks",
            FeatureGroup.Repeats => "repeats",
            FeatureGroup.Switches => "channel_switches",
            FeatureGroup.Assisted => "assisted_contacts",
            FeatureGroup.OutOfPath => "out_of_path",
            FeatureGroup.Persona => "persona",
            FeatureGroup.LastChannel => "last_channel",
            FeatureGroup.Moment => "moment=" + schema.Moments[index],
            FeatureGroup.MomentWeight => "moments_of_truth",
            FeatureGroup.ScoreComponent => "score." + schema.Components[index],
            _ => "attribute." + schema.Attributes[index],
        };
    }

    public static string Describe(FeatureSchema schema, CompiledJourney journey, JourneyInstance run, long asOfTicks, int group, ReadOnlySpan<float> row)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        int index = group & 0xFFFF;
        string stage = run.CurrentStage >= 0 ? StageName(journey.Stages[run.CurrentStage]) : "no stage";
        TimeSpan standard = run.CurrentStage >= 0 ? journey.Stages[run.CurrentStage].StandardTime : TimeSpan.Zero;
        var inStage = TimeSpan.FromTicks(Math.Max(0, asOfTicks - (run.CurrentStageEnteredTicks ?? asOfTicks)));
        switch ((FeatureGroup)(group >> 16))
        {
            case FeatureGroup.Stage:
                return $"in '{stage}'";
            case FeatureGroup.TimeInStage:
                return standard > TimeSpan.Zero ? $"{D(inStage)} in '{stage}' (standard time {D(standard)})" : $"{D(inStage)} in '{stage}'";
            case FeatureGroup.Overdue:
                return standard <= TimeSpan.Zero ? $"'{stage}' has no standard time"
                    : inStage > standard ? $"{D(inStage - standard)} over the standard time in '{stage}'"
                    : $"within the standard time in '{stage}' ({D(standard - inStage)} left)";
            case FeatureGroup.SinceLastEvent:
                return $"no event for {D(TimeSpan.FromTicks(Math.Max(0, asOfTicks - run.LastEventTicks)))}";
            case FeatureGroup.Age:
                return $"{D(TimeSpan.FromTicks(Math.Max(0, asOfTicks - run.FirstEventTicks)))} since the first event";
            case FeatureGroup.Events:
                return Times(run.EventCount, "event") + " so far";
            case FeatureGroup.Visits:
                int same = 0;
                foreach (StageVisit v in run.Visits)
                {
                    same += v.Stage == run.CurrentStage ? 1 : 0;
                }

                return same > 1 ? $"entered '{stage}' {Times(same, "time")}" : Times(run.Visits.Count, "stage visit");
            case FeatureGroup.Backtracks:
                return run.Backtracks == 0 ? "never went back a stage" : $"went back a stage {Times(run.Backtracks, "time")}";
            case FeatureGroup.Repeats:
                return run.Repeats == 0 ? "repeated no touchpoint" : $"repeated a touchpoint {Times(run.Repeats, "time")}";
            case FeatureGroup.Switches:
                return run.ChannelSwitches == 0 ? "stayed on one channel" : $"switched channel {Times(run.ChannelSwitches, "time")}";
            case FeatureGroup.Assisted:
                return run.AssistedContacts == 0 ? "no contact through an assisted channel" : $"contacted the contact centre, a branch or chat {Times(run.AssistedContacts, "time")}";
            case FeatureGroup.OutOfPath:
                return run.OutOfPath + run.DisallowedTransitions == 0 ? "kept to the designed path" : $"{Times(run.OutOfPath, "event")} outside the designed stages, {Times(run.DisallowedTransitions, "move")} the design does not allow";
            case FeatureGroup.Persona:
                Persona? persona = null;
                foreach (Persona p in journey.Journey.Personas)
                {
                    persona = p.Id == run.Persona ? p : persona;
                }

                return persona is null ? "no persona" : $"persona '{(persona.Name.Length > 0 ? persona.Name : persona.Id)}'";
            case FeatureGroup.LastChannel:
                return run.LastChannel.IsNone ? "last event without a channel" : $"last event on {run.LastChannel.Name}";
            case FeatureGroup.Moment:
                MomentOfTruth moment = journey.Journey.MomentsOfTruth[index];
                int hits = (int)row[MomentColumn(schema, index)];
                string name = moment.Name.Length > 0 ? moment.Name : moment.Id;
                return hits == 0 ? $"no '{name}'" : $"'{name}' ({(moment.Outcome == MomentOfTruthOutcome.Positive ? "positive" : "negative")}) {Times(hits, "time")}";
            case FeatureGroup.MomentWeight:
                return "moments of truth so far: " + string.Create(inv, $"{row[MomentColumn(schema, schema.Moments.Length)]:0.#} positive, {row[MomentColumn(schema, schema.Moments.Length) + 1]:0.#} negative weight");
            case FeatureGroup.ScoreComponent:
                return string.Create(inv, $"journey score component '{schema.Components[index]}' at {row[MomentColumn(schema, schema.Moments.Length) + 2 + index]:0.00} of 1");
            default:
                float value = row[schema.Count - schema.Attributes.Length + index];
                return value == FeatureSchema.Missing ? $"no {schema.Attributes[index]}" : string.Create(inv, $"{schema.Attributes[index]} = {value:0.##}");
        }
    }

    private static int MomentColumn(FeatureSchema schema, int moment) => schema.Count - schema.Attributes.Length - schema.Components.Length - 2 - schema.Moments.Length + moment;

    private static string StageName(Stage stage) => stage.Name.Length > 0 ? stage.Name : stage.Id;

    private static string D(TimeSpan value) => JourneyKit.Duration.Format(value, 2);

    private static string Times(int n, string noun) => n == 1 ? "1 " + noun : n.ToString(CultureInfo.InvariantCulture) + " " + noun + "s";
}
