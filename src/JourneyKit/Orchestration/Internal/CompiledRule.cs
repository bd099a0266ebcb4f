using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration.Internal;

/// <summary>
/// A rule resolved against one compiled journey: its order, stage index and moment index (-1: any / none), and its
/// pattern compiled once (pattern rules).
/// </summary>
internal sealed record CompiledRule(JourneyRule Rule, int Index, int Stage, int Moment, CompiledPattern? Pattern)
{
    /// <summary>
    /// Validates the rules with the journey's validator (the journey with these rules: the same codes and paths as the
    /// same rules in the journey's JSON) and resolves them; every problem is collected and thrown once.
    /// </summary>
    /// <exception cref="JourneyValidationException">A rule is invalid.</exception>
    public static CompiledRule[] CompileAll(CompiledJourney journey, JourneyRule[] rules)
    {
        IReadOnlyList<JourneyProblem> problems = (journey.Journey with { Rules = rules }).Validate();
        if (problems.Count > 0)
        {
            throw new JourneyValidationException(problems);
        }

        var compiled = new CompiledRule[rules.Length];
        List<JourneyProblem>? budget = null;
        for (int i = 0; i < rules.Length; i++)
        {
            RuleTrigger when = rules[i].When;
            int stage = when.Stage is { } stageId ? IndexOfStage(journey, stageId) : -1;
            int moment = -1;
            for (int m = 0; when.MomentOfTruthId is { } momentId && m < journey.Journey.MomentsOfTruth.Count; m++)
            {
                if (journey.Journey.MomentsOfTruth[m].Id == momentId)
                {
                    moment = m;
                }
            }

            CompiledPattern? pattern = null;
            if (when.Kind == RuleTriggerKind.PatternMatched)
            {
                try
                {
                    pattern = CompiledPattern.Compile(when.Pattern!);
                }
                catch (PatternSyntaxException e)
                {
                    // Parsed by the validator; only the automaton budget is left to fail here.
                    (budget ??= []).Add(new JourneyProblem(JourneyProblemCodes.InvalidPattern, $"rules[{i}].pattern", e.Message));
                }
            }

            compiled[i] = new CompiledRule(rules[i], i, stage, moment, pattern);
        }

        return budget is null ? compiled : throw new JourneyValidationException(budget);
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
