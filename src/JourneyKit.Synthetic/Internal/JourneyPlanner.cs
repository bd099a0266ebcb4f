using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Synthetic.Internal;

/// <summary>
/// Turns a <see cref="Journey"/> into a <see cref="GeneratorPlan"/>: the stage graph with channels, and for each persona
/// the attribute profiles that make <see cref="Journey.AssignPersona"/> (first matching rule wins) pick it.
/// </summary>
/// <remarks>
/// For every attribute the rules read, a few candidate values are enough to cover all outcomes: absent, each string
/// value a rule names, a string no rule names, each numeric threshold, and the open intervals between and beyond the
/// thresholds. Every combination is classified with the model's own rule evaluation; a customer later gets a random
/// combination of its persona, numbers drawn anew inside their interval.
/// </remarks>
internal static class JourneyPlanner
{
    /// <summary>Above this many combinations, a fixed-seed random sample of this size is classified instead.</summary>
    private const int MaxCombinations = 20_000;

    /// <summary>The share of customers no persona rule matches (when such attribute values exist).</summary>
    private const double UnassignedShare = 0.1;

    public static GeneratorPlan Plan(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var stages = new PlanStage[journey.Stages.Count];
        for (int s = 0; s < stages.Length; s++)
        {
            Stage stage = journey.Stages[s];
            var touchpoints = new List<PlanTouchpoint>(stage.Touchpoints.Count);
            foreach (string id in stage.Touchpoints)
            {
                Touchpoint? t = journey.FindTouchpoint(id);
                touchpoints.Add(new PlanTouchpoint(id, t?.Channel.Name ?? string.Empty, t?.Kind == TouchpointKind.Transaction));
            }

            int[]? next = null;
            if (stage.Next is { } names)
            {
                var indexes = new List<int>(names.Count);
                foreach (string name in names)
                {
                    int index = journey.IndexOfStage(name);
                    if (index >= 0 && index != s)
                    {
                        indexes.Add(index);
                    }
                }

                next = [.. indexes];
            }

            stages[s] = new PlanStage
            {
                Id = stage.Id,
                Touchpoints = [.. touchpoints],
                StandardTicks = stage.StandardTime.Ticks,
                IsGoal = stage.IsGoal,
                IsFailure = stage.IsFailure,
                Next = next,
            };
        }

        (string[] keys, PlanPersona[] personas) = Personas(journey);
        return new GeneratorPlan { Stages = stages, Personas = personas, AttributeKeys = keys };
    }

    private static (string[] Keys, PlanPersona[] Personas) Personas(Journey journey)
    {
        var keys = new List<string>();
        foreach (Persona persona in journey.Personas)
        {
            foreach (AttributeRule rule in persona.Rule.All)
            {
                if (!keys.Contains(rule.Attribute))
                {
                    keys.Add(rule.Attribute);
                }
            }
        }

        if (journey.Personas.Count == 0)
        {
            return ([], []);
        }

        AttributeSlot[][] candidates = keys.Select(k => Candidates(journey, k)).ToArray();
        var byPersona = new Dictionary<string, List<AttributeSlot[]>>(StringComparer.Ordinal);
        var unassigned = new List<AttributeSlot[]>();
        foreach (AttributeSlot[] combination in Combinations(candidates))
        {
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int k = 0; k < keys.Count; k++)
            {
                if (combination[k].Representative() is { } value)
                {
                    attributes[keys[k]] = value;
                }
            }

            Persona? persona = journey.AssignPersona(attributes);
            if (persona is null)
            {
                unassigned.Add(combination);
            }
            else
            {
                if (!byPersona.TryGetValue(persona.Id, out List<AttributeSlot[]>? list))
                {
                    byPersona[persona.Id] = list = [];
                }

                list.Add(combination);
            }
        }

        var personas = new List<PlanPersona>();
        foreach (Persona persona in journey.Personas)
        {
            if (byPersona.TryGetValue(persona.Id, out List<AttributeSlot[]>? profiles))
            {
                personas.Add(new PlanPersona { Id = persona.Id, Weight = 1, Profiles = [.. profiles] });
            }
        }

        if (unassigned.Count > 0)
        {
            double weight = personas.Count == 0 ? 1 : personas.Count * UnassignedShare / (1 - UnassignedShare);
            personas.Add(new PlanPersona { Id = string.Empty, Weight = weight, Profiles = [.. unassigned] });
        }

        return ([.. keys], [.. personas]);
    }

    /// <summary>The candidate slots for one attribute: absent, named strings, an unnamed string, thresholds and intervals.</summary>
    private static AttributeSlot[] Candidates(Journey journey, string key)
    {
        var texts = new List<string>();
        var thresholds = new SortedSet<double>();
        foreach (Persona persona in journey.Personas)
        {
            foreach (AttributeRule rule in persona.Rule.All)
            {
                if (rule.Attribute != key)
                {
                    continue;
                }

                foreach (string value in rule.Values)
                {
                    if (!texts.Contains(value))
                    {
                        texts.Add(value);
                    }

                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
                    {
                        thresholds.Add(number);
                    }
                }
            }
        }

        var slots = new List<AttributeSlot> { AttributeSlot.Text(null) };
        foreach (string text in texts)
        {
            slots.Add(AttributeSlot.Text(text));
        }

        if (thresholds.Count == 0)
        {
            string other = "other";
            while (texts.Contains(other))
            {
                other += "-x";
            }

            slots.Add(AttributeSlot.Text(other));
            return [.. slots];
        }

        double[] t = [.. thresholds];
        bool integer = t.All(x => x == Math.Floor(x));
        double width = Math.Max(integer ? 10 : 1, t[^1] - t[0]);

        // Thresholds that are all zero or more are most likely counts, ages or amounts: stay non-negative.
        double low = t[0] >= 0 ? Math.Max(integer ? -1 : 0, t[0] - width) : t[0] - width;
        if (!integer || t[0] - low >= 2)
        {
            slots.Add(AttributeSlot.Range(low, t[0], integer));
        }

        for (int i = 0; i + 1 < t.Length; i++)
        {
            if (!integer || t[i + 1] - t[i] >= 2)
            {
                slots.Add(AttributeSlot.Range(t[i], t[i + 1], integer));
            }
        }

        slots.Add(AttributeSlot.Range(t[^1], t[^1] + width, integer));
        return [.. slots];
    }

    private static IEnumerable<AttributeSlot[]> Combinations(AttributeSlot[][] candidates)
    {
        long total = 1;
        foreach (AttributeSlot[] c in candidates)
        {
            total = Math.Min(total * c.Length, long.MaxValue / 64);
        }

        if (total <= MaxCombinations)
        {
            var index = new int[candidates.Length];
            for (long n = 0; n < total; n++)
            {
                var combination = new AttributeSlot[candidates.Length];
                for (int k = 0; k < candidates.Length; k++)
                {
                    combination[k] = candidates[k][index[k]];
                }

                yield return combination;
                for (int k = candidates.Length - 1; k >= 0 && ++index[k] == candidates[k].Length; k--)
                {
                    index[k] = 0;
                }
            }

            yield break;
        }

        var rng = new Xoshiro256(0x5EED);
        for (int n = 0; n < MaxCombinations; n++)
        {
            var combination = new AttributeSlot[candidates.Length];
            for (int k = 0; k < candidates.Length; k++)
            {
                combination[k] = candidates[k][rng.Next(candidates[k].Length)];
            }

            yield return combination;
        }
    }
}
