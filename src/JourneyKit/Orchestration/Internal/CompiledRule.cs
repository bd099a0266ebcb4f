using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration.Internal;

/// <summary>A rule resolved against one compiled journey: its order, stage index and moment index (-1: any / none).</summary>
internal sealed record CompiledRule(JourneyRule Rule, int Index, int Stage, int Moment)
{
    /// <summary>Resolves rules against a journey; every problem is collected and thrown once.</summary>
    /// <exception cref="JourneyValidationException">A rule names an unknown stage or moment of truth, or two rules share a name.</exception>
    public static CompiledRule[] CompileAll(CompiledJourney journey, JourneyRule[] rules)
    {
        var problems = new List<JourneyProblem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new CompiledRule[rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            JourneyRule rule = rules[i] ?? throw new ArgumentException($"rules[{i}] is null.", nameof(rules));
            if (!names.Add(rule.Name))
            {
                problems.Add(new JourneyProblem(JourneyProblemCodes.DuplicateId, $"rules[{i}].name", OrchestrationMessages.DuplicateRule(rule.Name)));
            }

            int stage = -1;
            if (rule.When.Stage is { } stageId)
            {
                stage = IndexOfStage(journey, stageId);
                if (stage < 0)
                {
                    problems.Add(new JourneyProblem(JourneyProblemCodes.UnknownStage, $"rules[{i}].stage", OrchestrationMessages.UnknownStage(stageId, journey.Journey.Id)));
                }
            }

            int moment = -1;
            if (rule.When.MomentOfTruthId is { } momentId)
            {
                for (int m = 0; m < journey.Journey.MomentsOfTruth.Count; m++)
                {
                    if (journey.Journey.MomentsOfTruth[m].Id == momentId)
                    {
                        moment = m;
                    }
                }

                if (moment < 0)
                {
                    problems.Add(new JourneyProblem(JourneyProblemCodes.InvalidValue, $"rules[{i}].momentOfTruth", OrchestrationMessages.UnknownMoment(momentId, journey.Journey.Id)));
                }
            }

            compiled[i] = new CompiledRule(rule, i, stage, moment);
        }

        return problems.Count > 0 ? throw new JourneyValidationException(problems) : compiled;
    }

    public static int IndexOfStage(CompiledJourney journey, string stageId)
    {
        for (int s = 0; s < journey.Stages.Length; s++)
        {
            if (journey.Stages[s].Id == stageId)
            {
                return s;
            }
        }

        return -1;
    }
}

/// <summary>
/// A rule occurrence found by a step: rule, id, time, the stage it is bound to and the visit (-1: none), and the visit
/// count of the finished run the visit belongs to (-1: the current run).
/// </summary>
internal readonly record struct Candidate(CompiledRule Rule, string Key, long Ticks, int Stage, int Visit, int RunVisits, double Risk = double.NaN);

/// <summary>A stuck or risk rule of the current stay with its due instant (long.MaxValue: never).</summary>
internal readonly record struct TimedRule(CompiledRule Rule, string Key, long DueTicks, int Stage, int Visit);
