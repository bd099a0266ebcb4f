using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Reporting;

/// <summary>
/// Display names for the report: a stage's, touchpoint's or persona's name where the definition gives one, its id
/// otherwise; a table cell shows the name with the id as a secondary line (<see cref="Secondary"/>).
/// </summary>
internal sealed class ReportNames
{
    /// <summary>Separates a cell's main text from its secondary line.</summary>
    public const char Secondary = '\u001f';

    private readonly Dictionary<string, Stage> _stages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _touchpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _personas = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failureTouchpoints = new(StringComparer.Ordinal);

    public ReportNames(CompiledJourney journey)
    {
        Journey j = journey.Journey;
        foreach (Stage stage in journey.Stages)
        {
            _stages[stage.Id] = stage;
            if (stage.IsFailure)
            {
                _failureTouchpoints.UnionWith(stage.Touchpoints);
            }
        }

        foreach (Touchpoint tp in j.Touchpoints)
        {
            if (!string.IsNullOrEmpty(tp.Name))
            {
                _touchpoints[tp.Id] = tp.Name;
            }
        }

        foreach (Persona persona in j.Personas)
        {
            if (!string.IsNullOrEmpty(persona.Name))
            {
                _personas[persona.Id] = persona.Name;
            }
        }

        // Touchpoints named in a negative moment of truth (a failed payment, a complaint) are failure touchpoints too.
        foreach (MomentOfTruth m in j.MomentsOfTruth)
        {
            if (m.Outcome == MomentOfTruthOutcome.Negative)
            {
                foreach (string token in PatternWords.Tokens(m.Pattern))
                {
                    if (j.FindTouchpoint(token) is not null && !IsGoalTouchpoint(token))
                    {
                        _failureTouchpoints.Add(token);
                    }
                }
            }
        }
    }

    public string Stage(string id) => _stages.TryGetValue(id, out Stage? s) && !string.IsNullOrEmpty(s.Name) ? s.Name : id;

    public bool IsGoal(string id) => _stages.TryGetValue(id, out Stage? s) && s.IsGoal;

    public string Touchpoint(string id) => _touchpoints.TryGetValue(id, out string? name) ? name : id;

    public bool IsFailureTouchpoint(string id) => _failureTouchpoints.Contains(id);

    public string StageCell(string id) => Cell(Stage(id), id);

    public string TouchpointCell(string id) => Cell(Touchpoint(id), id);

    public string PersonaCell(string id) => Cell(_personas.TryGetValue(id, out string? name) ? name : id, id);

    /// <summary>A stage path by display names.</summary>
    public string Path(IReadOnlyList<string> stageIds)
    {
        var parts = new string[stageIds.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Stage(stageIds[i]);
        }

        return string.Join(" → ", parts);
    }

    private static string Cell(string name, string id) => name == id ? id : name + Secondary + id;

    /// <summary>A goal stage's touchpoint (reaching the goal) is never a failure touchpoint.</summary>
    private bool IsGoalTouchpoint(string touchpoint)
    {
        foreach (Stage stage in _stages.Values)
        {
            if (stage.IsGoal && stage.Touchpoints.AsImmutableArray().Contains(touchpoint))
            {
                return true;
            }
        }

        return false;
    }
}
