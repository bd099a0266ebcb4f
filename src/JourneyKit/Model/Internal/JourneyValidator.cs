using System.Globalization;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Model.Internal;

/// <summary>Collects every problem of a journey, in document order. Never throws on missing parts.</summary>
internal static class JourneyValidator
{
    public static IReadOnlyList<JourneyProblem> Validate(Journey journey) => Validate(journey, null);

    /// <summary>Validates, keeping each moment of truth's parsed pattern in <paramref name="moments"/> (one slot per moment) for compilation.</summary>
    public static IReadOnlyList<JourneyProblem> Validate(Journey journey, ParsedPattern?[]? moments)
    {
        var problems = new List<JourneyProblem>();
        var budget = new SuggestBudget(SuggestBudgetCells); // all suggestions of one validation share it
        void Add(string code, string path, string message) => problems.Add(new JourneyProblem(code, path, message));

        if (string.IsNullOrWhiteSpace(journey.Id))
        {
            Add(JourneyProblemCodes.Required, "id", ModelMessages.Required("id"));
        }

        if (journey.Version < 1)
        {
            Add(JourneyProblemCodes.InvalidVersion, "version", ModelMessages.InvalidVersion(journey.Version));
        }

        var declaredChannels = new HashSet<Channel>(Channel.WellKnown);
        foreach (Channel c in journey.Channels)
        {
            declaredChannels.Add(c);
        }

        // Touchpoint catalog.
        var touchpointIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < journey.Touchpoints.Count; i++)
        {
            Touchpoint? t = journey.Touchpoints[i];
            string path = $"touchpoints[{i}]";
            if (t is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("touchpoint"));
                continue;
            }

            CheckId(t.Id, path, touchpointIds, "touchpoint", Add);
            if (!t.Channel.IsNone && !declaredChannels.Contains(t.Channel))
            {
                string? suggestion = Suggest(t.Channel.Name, declaredChannels.Select(c => c.Name), budget);
                Add(JourneyProblemCodes.UnknownChannel, path + ".channel", ModelMessages.UnknownChannel(t.Channel.Name, suggestion));
            }
        }

        // Personas.
        var personaIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < journey.Personas.Count; i++)
        {
            Persona? p = journey.Personas[i];
            string path = $"personas[{i}]";
            if (p is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("persona"));
                continue;
            }

            CheckId(p.Id, path, personaIds, "persona", Add);
            EquatableArray<AttributeRule> rules = p.Rule?.All ?? default;
            for (int r = 0; r < rules.Count; r++)
            {
                CheckRule(rules[r], $"{path}.rule.all[{r}]", Add);
            }
        }

        // Stages.
        if (journey.Stages.Count == 0)
        {
            Add(JourneyProblemCodes.NoStages, "stages", ModelMessages.NoStages);
        }

        var stageIds = new HashSet<string>(StringComparer.Ordinal);
        var touchpointStage = new Dictionary<string, string>(StringComparer.Ordinal);
        bool anyGoal = false;
        for (int i = 0; i < journey.Stages.Count; i++)
        {
            Stage? s = journey.Stages[i];
            string path = $"stages[{i}]";
            if (s is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("stage"));
                continue;
            }

            CheckId(s.Id, path, stageIds, "stage", Add);
            anyGoal |= s.IsGoal;
            if (s.IsGoal && s.IsFailure)
            {
                Add(JourneyProblemCodes.GoalAndFailure, path, ModelMessages.GoalAndFailure);
            }

            if (s.IsTerminal && s.Next is { Count: > 0 })
            {
                Add(JourneyProblemCodes.TerminalWithNext, path + ".next", ModelMessages.TerminalWithNext);
            }

            if (s.StandardTime < TimeSpan.Zero || (s.StandardTime == TimeSpan.Zero && !s.IsTerminal))
            {
                Add(JourneyProblemCodes.InvalidDuration, path + ".standardTime", ModelMessages.InvalidStandardTime(s.StandardTime));
            }

            if (s.MaxTime is { } max && (max <= TimeSpan.Zero || max < s.StandardTime))
            {
                Add(JourneyProblemCodes.InvalidMaxTime, path + ".maxTime", ModelMessages.InvalidMaxTime(max, s.StandardTime));
            }

            for (int t = 0; t < s.Touchpoints.Count; t++)
            {
                string tp = s.Touchpoints[t];
                string tpath = $"{path}.touchpoints[{t}]";
                if (string.IsNullOrEmpty(tp))
                {
                    Add(JourneyProblemCodes.Required, tpath, ModelMessages.Required("touchpoint id"));
                }
                else if (!touchpointIds.Contains(tp))
                {
                    Add(JourneyProblemCodes.UnknownTouchpoint, tpath, ModelMessages.UnknownTouchpoint(tp, Suggest(tp, touchpointIds, budget)));
                }
                else if (touchpointStage.TryGetValue(tp, out string? other) && other != s.Id)
                {
                    Add(JourneyProblemCodes.TouchpointInTwoStages, tpath, ModelMessages.TouchpointInTwoStages(tp, other));
                }
                else
                {
                    touchpointStage[tp] = s.Id;
                }
            }
        }

        for (int i = 0; i < journey.Stages.Count; i++)
        {
            Stage? s = journey.Stages[i];
            if (s?.Next is not { } next)
            {
                continue;
            }

            for (int n = 0; n < next.Count; n++)
            {
                if (!stageIds.Contains(next[n] ?? string.Empty))
                {
                    Add(JourneyProblemCodes.UnknownStage, $"stages[{i}].next[{n}]", ModelMessages.UnknownStage(next[n] ?? string.Empty, Suggest(next[n] ?? string.Empty, stageIds, budget)));
                }
            }
        }

        if (journey.Stages.Count > 0 && !anyGoal)
        {
            Add(JourneyProblemCodes.NoGoal, "stages", ModelMessages.NoGoal);
        }

        CheckReachability(journey, Add);

        // Moments of truth.
        var motIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < journey.MomentsOfTruth.Count; i++)
        {
            MomentOfTruth? m = journey.MomentsOfTruth[i];
            string path = $"momentsOfTruth[{i}]";
            if (m is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("moment of truth"));
                continue;
            }

            CheckId(m.Id, path, motIds, "moment of truth", Add);
            if (!(m.Weight > 0) || !double.IsFinite(m.Weight))
            {
                Add(JourneyProblemCodes.InvalidWeight, path + ".weight", ModelMessages.InvalidWeight(m.Weight));
            }

            if (ParsedPattern.TryParse(m.Pattern ?? string.Empty, out ParsedPattern? parsed, out string? error, out int column))
            {
                if (moments is not null)
                {
                    moments[i] = parsed;
                }
            }
            else
            {
                Add(JourneyProblemCodes.InvalidPattern, path + ".pattern", ModelMessages.InvalidPattern(error!, column));
            }
        }

        // Orchestration rules (from JSON, JourneyBuilder.Rule or given to the orchestration engine): paths are the JSON's.
        var ruleNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < journey.Rules.Count; i++)
        {
            JourneyRule? r = journey.Rules[i];
            string path = $"rules[{i}]";
            if (r is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("rule"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(r.Name))
            {
                Add(JourneyProblemCodes.Required, path + ".name", ModelMessages.Required("rule name"));
            }
            else if (!ruleNames.Add(r.Name))
            {
                Add(JourneyProblemCodes.DuplicateId, path + ".name", ModelMessages.DuplicateId("rule", r.Name));
            }

            if (string.IsNullOrWhiteSpace(r.Then?.Name))
            {
                Add(JourneyProblemCodes.Required, path + ".then", ModelMessages.Required("intervention name (then)"));
            }

            if (r.When is not { } when)
            {
                Add(JourneyProblemCodes.Required, path + ".when", ModelMessages.Required("when"));
            }
            else
            {
                CheckTrigger(when, path, stageIds, motIds, budget, Add);
            }

            if (r.Then is { Channel: { IsNone: false } channel } && !declaredChannels.Contains(channel))
            {
                Add(JourneyProblemCodes.UnknownChannel, path + ".channel", ModelMessages.UnknownChannel(channel.Name, Suggest(channel.Name, declaredChannels.Select(c => c.Name), budget)));
            }

            if (r.Cooldown < TimeSpan.Zero)
            {
                Add(JourneyProblemCodes.InvalidDuration, path + ".cooldown", ModelMessages.RuleValue("the cooldown cannot be negative", r.Cooldown));
            }

            if ((r.MaxPerPeriod > 0) != (r.CapPeriod > TimeSpan.Zero) || r.MaxPerPeriod < 0)
            {
                Add(JourneyProblemCodes.InvalidValue, path + ".maxPerPeriod", ModelMessages.RuleValue("a frequency cap needs both a positive maxPerPeriod and a positive capPeriod", r.MaxPerPeriod));
            }
        }

        // KPIs.
        var kpiIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < journey.Kpis.Count; i++)
        {
            Kpi? k = journey.Kpis[i];
            string path = $"kpis[{i}]";
            if (k is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("KPI"));
                continue;
            }

            CheckId(k.Id, path, kpiIds, "KPI", Add);
            if (k.Target is { } target && !TargetInRange(k.Kind, target))
            {
                Add(JourneyProblemCodes.InvalidKpiTarget, path + ".target", ModelMessages.InvalidKpiTarget(k.Kind, target));
            }

            if (k.Horizon is { } horizon && horizon <= TimeSpan.Zero)
            {
                Add(JourneyProblemCodes.InvalidValue, path + ".horizon", "a KPI horizon must be positive");
            }

            if (k.Touchpoint is { } kpiTouchpoint)
            {
                if (k.Kind is KpiKind.Conversion or KpiKind.Retention or KpiKind.TimeToComplete)
                {
                    Add(JourneyProblemCodes.InvalidValue, path + ".touchpoint", $"a {k.Kind} KPI is measured from the stages; a touchpoint carries the responses of a KPI from outside the journey (NPS, CSAT, CES, revenue, custom)");
                }
                else if (!touchpointIds.Contains(kpiTouchpoint))
                {
                    Add(JourneyProblemCodes.UnknownTouchpoint, path + ".touchpoint", ModelMessages.UnknownTouchpoint(kpiTouchpoint, Suggest(kpiTouchpoint, touchpointIds, budget)));
                }
            }
        }

        if (!Enum.IsDefined(journey.Reentry))
        {
            Add(JourneyProblemCodes.InvalidValue, "reentry.policy", $"unknown re-entry policy {(int)journey.Reentry}");
        }
        else if (journey.ReentryMinimumGap < TimeSpan.Zero)
        {
            Add(JourneyProblemCodes.InvalidValue, "reentry.minimumGap", "the minimum gap cannot be negative");
        }
        else if (journey.Reentry == ReentryPolicy.Always && journey.ReentryMinimumGap <= TimeSpan.Zero)
        {
            Add(JourneyProblemCodes.InvalidValue, "reentry.minimumGap", "re-entry 'always' needs a positive minimum gap (otherwise every first-stage event would start a new run)");
        }

        return problems;
    }

    private static void CheckId(string? id, string path, HashSet<string> seen, string what, Action<string, string, string> add)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            add(JourneyProblemCodes.Required, path + ".id", ModelMessages.Required(what + " id"));
        }
        else if (!seen.Add(id))
        {
            add(JourneyProblemCodes.DuplicateId, path + ".id", ModelMessages.DuplicateId(what, id));
        }
    }

    private static void CheckTrigger(RuleTrigger when, string path, HashSet<string> stageIds, HashSet<string> motIds, SuggestBudget budget, Action<string, string, string> add)
    {
        if (!Enum.IsDefined(when.Kind))
        {
            add(JourneyProblemCodes.InvalidValue, path + ".when", $"unknown rule trigger kind {(int)when.Kind}");
        }

        if (when.Stage is { } stage && !stageIds.Contains(stage))
        {
            add(JourneyProblemCodes.UnknownStage, path + ".stage", ModelMessages.UnknownStage(stage, Suggest(stage, stageIds, budget)));
        }

        if (when.MomentOfTruthId is { } moment && !motIds.Contains(moment))
        {
            add(JourneyProblemCodes.InvalidValue, path + ".momentOfTruth", ModelMessages.UnknownMomentOfTruth(moment, Suggest(moment, motIds, budget)));
        }

        if (when.Kind == RuleTriggerKind.PatternMatched)
        {
            if (string.IsNullOrWhiteSpace(when.Pattern))
            {
                add(JourneyProblemCodes.Required, path + ".pattern", ModelMessages.Required("pattern"));
            }
            else if (!ParsedPattern.TryParse(when.Pattern, out _, out string? error, out int column))
            {
                add(JourneyProblemCodes.InvalidPattern, path + ".pattern", ModelMessages.InvalidPattern(error!, column));
            }
        }

        if (when.Kind == RuleTriggerKind.RiskAtLeast && !(when.Threshold is > 0 and <= 1))
        {
            add(JourneyProblemCodes.InvalidValue, path + ".threshold", ModelMessages.RuleValue("a risk rule needs a threshold in (0, 1]", when.Threshold));
        }

        if (!(when.StandardTimeFraction > 0 && double.IsFinite(when.StandardTimeFraction)))
        {
            add(JourneyProblemCodes.InvalidValue, path + ".fraction", ModelMessages.RuleValue("the fraction of the standard time must be positive", when.StandardTimeFraction));
        }
    }

    private static void CheckRule(AttributeRule? rule, string path, Action<string, string, string> add)
    {
        if (rule is null || string.IsNullOrWhiteSpace(rule.Attribute))
        {
            add(JourneyProblemCodes.InvalidRule, path + ".attribute", ModelMessages.Required("attribute"));
            return;
        }

        if (!Enum.IsDefined(rule.Op))
        {
            add(JourneyProblemCodes.InvalidRule, path + ".op", ModelMessages.UnknownOperator(rule.Op.ToString()));
            return;
        }

        int count = rule.Values.Count;
        switch (rule.Op)
        {
            case RuleOperator.Exists when count != 0:
                add(JourneyProblemCodes.InvalidRule, path + ".value", ModelMessages.RuleValueCount("exists", "no value"));
                break;
            case RuleOperator.In when count == 0:
                add(JourneyProblemCodes.InvalidRule, path + ".values", ModelMessages.RuleValueCount("in", "at least one value"));
                break;
            case RuleOperator.Eq or RuleOperator.Ne or RuleOperator.Gt or RuleOperator.Ge or RuleOperator.Lt or RuleOperator.Le when count != 1:
                add(JourneyProblemCodes.InvalidRule, path + ".value", ModelMessages.RuleValueCount(rule.Op.ToString().ToLowerInvariant(), "exactly one value"));
                break;
            case RuleOperator.Gt or RuleOperator.Ge or RuleOperator.Lt or RuleOperator.Le when !AttributeRule.TryNumber(rule.Values[0], out _):
                add(JourneyProblemCodes.InvalidRule, path + ".value", ModelMessages.RuleNotNumber(rule.Values[0]));
                break;
        }
    }

    private static void CheckReachability(Journey journey, Action<string, string, string> add)
    {
        int n = journey.Stages.Count;
        if (n == 0)
        {
            return;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            if (journey.Stages[i]?.Id is { Length: > 0 } id)
            {
                index.TryAdd(id, i);
            }
        }

        // Successors: a terminal (or missing) stage has none; a stage without 'next' may go to any other stage (implicit,
        // kept as a flag instead of n − 1 edges so that the checks stay linear); otherwise its 'next' list.
        var explicitNext = new List<int>[n];
        var implicitNext = new bool[n];
        for (int i = 0; i < n; i++)
        {
            Stage? s = journey.Stages[i];
            explicitNext[i] = [];
            if (s is null || s.IsTerminal)
            {
                continue;
            }

            if (s.Next is not { } next)
            {
                implicitNext[i] = true;
                continue;
            }

            foreach (string id in next)
            {
                if (id is not null && index.TryGetValue(id, out int j))
                {
                    explicitNext[i].Add(j);
                }
            }
        }

        // Reachable from the first stage; once a stage with implicit successors is reached, every stage is.
        var reachable = new bool[n];
        var stack = new Stack<int>();
        stack.Push(0);
        reachable[0] = true;
        bool all = false;
        while (stack.Count > 0 && !all)
        {
            int i = stack.Pop();
            if (implicitNext[i])
            {
                all = true;
                break;
            }

            foreach (int j in explicitNext[i])
            {
                if (!reachable[j])
                {
                    reachable[j] = true;
                    stack.Push(j);
                }
            }
        }

        if (all)
        {
            Array.Fill(reachable, true);
        }

        // Stages from which some terminal stage can be reached: a reverse search from the terminals. A stage with
        // implicit successors can go to any terminal (never itself: it is not terminal), so it can finish when one exists.
        // The forward search may stop early (once every stage is reachable) with stages left on the stack: they are not
        // seeds of this search.
        stack.Clear();
        var canFinish = new bool[n];
        var predecessors = new List<int>?[n];
        for (int i = 0; i < n; i++)
        {
            foreach (int j in explicitNext[i])
            {
                (predecessors[j] ??= []).Add(i);
            }
        }

        bool anyTerminal = false;
        for (int i = 0; i < n; i++)
        {
            if (journey.Stages[i]?.IsTerminal == true)
            {
                anyTerminal = true;
                canFinish[i] = true;
                stack.Push(i);
            }
        }

        for (int i = 0; i < n && anyTerminal; i++)
        {
            if (implicitNext[i])
            {
                canFinish[i] = true;
                stack.Push(i);
            }
        }

        while (stack.Count > 0)
        {
            if (predecessors[stack.Pop()] is not { } from)
            {
                continue;
            }

            foreach (int p in from)
            {
                if (!canFinish[p])
                {
                    canFinish[p] = true;
                    stack.Push(p);
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (journey.Stages[i] is not { } s)
            {
                continue;
            }

            if (!reachable[i])
            {
                add(JourneyProblemCodes.UnreachableStage, $"stages[{i}]", ModelMessages.Unreachable(s.Id ?? string.Empty, journey.Stages[0]?.Id ?? string.Empty));
            }
            else if (anyTerminal && !canFinish[i])
            {
                add(JourneyProblemCodes.NoWayOut, $"stages[{i}].next", ModelMessages.NoWayOut(s.Id ?? string.Empty));
            }
        }
    }

    private static bool TargetInRange(KpiKind kind, double target) => double.IsFinite(target) && kind switch
    {
        KpiKind.Conversion or KpiKind.Retention => target is >= 0 and <= 1,
        KpiKind.Nps => target is >= -100 and <= 100,
        KpiKind.Csat or KpiKind.Ces or KpiKind.TimeToComplete => target > 0,
        KpiKind.Revenue => target >= 0,
        _ => true,
    };

    /// <summary>Names longer than this get no suggestion (a 10 MB name is not a typo).</summary>
    internal const int MaxSuggestLength = 64;

    /// <summary>The edit-distance cells one validation may spend on suggestions; past it, no more are made.</summary>
    internal const long SuggestBudgetCells = 20_000_000;

    /// <summary>The closest candidate by edit distance, when close enough to be a likely typo.</summary>
    /// <remarks>Bounded: names longer than <see cref="MaxSuggestLength"/> get none, only candidates whose length is within
    /// the allowed distance are compared, each comparison is a band of that width that stops once it passes the
    /// distance, and all comparisons draw on <paramref name="budget"/> (null: one call's own
    /// <see cref="SuggestBudgetCells"/>).</remarks>
    internal static string? Suggest(string value, IEnumerable<string> candidates, SuggestBudget? budget = null)
    {
        if (value.Length == 0 || value.Length > MaxSuggestLength)
        {
            return null;
        }

        budget ??= new SuggestBudget(SuggestBudgetCells);
        int limit = Math.Max(2, value.Length / 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string c in candidates)
        {
            if (c is null || Math.Abs(c.Length - value.Length) > Math.Min(limit, bestDistance))
            {
                continue;
            }

            long cost = (long)value.Length * ((2 * limit) + 1);
            if (!budget.TrySpend(cost))
            {
                break;
            }

            int d = BoundedEditDistance(value, c, limit);
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(c, best) < 0))
            {
                best = c;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= limit && bestDistance > 0 ? best : null;
    }

    /// <summary>The edit distance when it is at most <paramref name="limit"/>, else <c>limit + 1</c>: only the band of
    /// cells within <paramref name="limit"/> of the diagonal is computed, and the search stops once a whole row passes it.</summary>
    internal static int BoundedEditDistance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        int over = limit + 1;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = Math.Min(j, over);
        }

        for (int i = 1; i <= a.Length; i++)
        {
            int from = Math.Max(1, i - limit), to = Math.Min(b.Length, i + limit);
            current[0] = Math.Min(i, over);
            if (from > 1)
            {
                current[from - 1] = over;
            }

            int rowMin = current[0];
            for (int j = from; j <= to; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int left = j - 1 >= from || from == 1 ? current[j - 1] : over;
                int up = j <= i - 1 + limit ? previous[j] : over;
                int d = Math.Min(Math.Min(left + 1, up + 1), previous[j - 1] + cost);
                current[j] = Math.Min(d, over);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (to < b.Length)
            {
                current[to + 1] = over;
            }

            if (rowMin > limit)
            {
                return over;
            }

            (previous, current) = (current, previous);
        }

        return Math.Min(previous[b.Length], over);
    }

    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    internal static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}

/// <summary>The edit-distance cells the suggestions of one validation may still spend.</summary>
internal sealed class SuggestBudget(long cells)
{
    private long _left = cells;

    public bool TrySpend(long cost)
    {
        if (cost > _left)
        {
            return false;
        }

        _left -= cost;
        return true;
    }
}
