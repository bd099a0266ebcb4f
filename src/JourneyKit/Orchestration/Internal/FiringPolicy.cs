using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration.Internal;

/// <summary>
/// Decides which new occurrences become interventions: by priority, time, rule order and id; then skipped if handled,
/// suppressed, cooled down or capped (rule, customer, evaluation), in that order. Records fired ones in the outbox.
/// </summary>
internal static class FiringPolicy
{
    /// <summary>Considers the candidates; returns true when the state changed (an occurrence was handled).</summary>
    public static bool Fire(CompiledJourney journey, OrchestrationOptions options, CustomerState state, List<Candidate> candidates, long now, List<Intervention> fired, List<OccurrenceDecision> decisions)
    {
        if (candidates.Count == 0)
        {
            return false;
        }

        candidates.Sort(static (a, b) =>
        {
            int c = b.Rule.Rule.Priority.CompareTo(a.Rule.Rule.Priority);
            if (c == 0)
            {
                c = a.Ticks.CompareTo(b.Ticks);
            }

            if (c == 0)
            {
                c = a.Rule.Index.CompareTo(b.Rule.Index);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        });
        JourneyInstance instance = state.Instance;
        string customer = instance.CustomerId;
        string journeyId = journey.Journey.Id;
        int count = 0;
        bool changed = false;
        foreach (Candidate c in candidates)
        {
            JourneyRule rule = c.Rule.Rule;
            if (!state.MarkHandled(rule.Name + "|" + c.Key, options.HandledOccurrenceCapacity))
            {
                continue;
            }

            changed = true;
            RuleBook book = state.Book(rule.Name);
            OccurrenceOutcome outcome = OccurrenceOutcome.Fired;
            if (rule.SuppressWhenProgressed && c.Visit >= 0 && c.Visit != (c.RunVisits >= 0 ? c.RunVisits : instance.Visits.Count) - 1)
            {
                outcome = OccurrenceOutcome.Suppressed;
            }
            else if (rule.Cooldown > TimeSpan.Zero && book.LastFiredTicks >= 0 && Math.Abs(c.Ticks - book.LastFiredTicks) < rule.Cooldown.Ticks)
            {
                outcome = OccurrenceOutcome.Cooldown;
            }
            else if (rule.MaxPerPeriod > 0 && CountWithin(book.FiredTicks, c.Ticks, rule.CapPeriod) >= rule.MaxPerPeriod)
            {
                outcome = OccurrenceOutcome.RuleFrequencyCap;
            }
            else if (options.MaxInterventionsPerCustomer > 0 && CountWithin(state.FiredTicks, c.Ticks, options.FrequencyCapPeriod) >= options.MaxInterventionsPerCustomer)
            {
                outcome = OccurrenceOutcome.CustomerFrequencyCap;
            }
            else if (count >= options.MaxInterventionsPerEvaluation)
            {
                outcome = OccurrenceOutcome.EvaluationLimit;
            }

            var occurredAt = new DateTimeOffset(c.Ticks, TimeSpan.Zero);
            decisions.Add(new OccurrenceDecision(rule.Name, c.Key, occurredAt, outcome));
            if (outcome != OccurrenceOutcome.Fired)
            {
                continue;
            }

            var intervention = new Intervention
            {
                Name = rule.Then.Name,
                CustomerId = customer,
                JourneyId = journeyId,
                Rule = rule.Name,
                Channel = rule.Then.Channel,
                TemplateId = rule.Then.TemplateId,
                Priority = rule.Priority,
                Parameters = rule.Then.Parameters,
                Occurrence = c.Key,
                OccurredAt = occurredAt,
                Stage = c.Stage >= 0 ? journey.Stages[c.Stage].Id : null,
                IdempotencyKey = Intervention.DeriveIdempotencyKey(journeyId, customer, rule.Name, c.Key),
                Risk = double.IsNaN(c.Risk) ? null : c.Risk,
                RiskModel = double.IsNaN(c.Risk) ? null : options.RiskEstimator.ModelVersion,
            };
            state.OutboxList.Add(new OutboxEntry(intervention, 0, now));
            book.LastFiredTicks = Math.Max(book.LastFiredTicks, c.Ticks);
            Record(book.FiredTicks, c.Ticks, rule.MaxPerPeriod > 0 ? rule.CapPeriod : TimeSpan.Zero);
            Record(state.FiredTicks, c.Ticks, options.MaxInterventionsPerCustomer > 0 ? options.FrequencyCapPeriod : TimeSpan.Zero);
            fired.Add(intervention);
            count++;
        }

        return changed;
    }

    /// <summary>Marks occurrences handled without firing (history of a run that moved versions); true when any was new.</summary>
    public static bool Absorb(OrchestrationOptions options, CustomerState state, List<Candidate> candidates, List<OccurrenceDecision> decisions)
    {
        bool changed = false;
        foreach (Candidate c in candidates)
        {
            if (state.MarkHandled(c.Rule.Rule.Name + "|" + c.Key, options.HandledOccurrenceCapacity))
            {
                changed = true;
                decisions.Add(new OccurrenceDecision(c.Rule.Rule.Name, c.Key, new DateTimeOffset(c.Ticks, TimeSpan.Zero), OccurrenceOutcome.History));
            }
        }

        return changed;
    }

    /// <summary>Counts recorded occurrences less than one period away from <paramref name="ticks"/>.</summary>
    private static int CountWithin(List<long> fired, long ticks, TimeSpan period)
    {
        int count = 0;
        foreach (long t in fired)
        {
            if (Math.Abs(ticks - t) < period.Ticks)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Records an occurrence time; forgets those a period older than the latest (none kept without a cap).</summary>
    private static void Record(List<long> fired, long ticks, TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
        {
            fired.Clear();
            return;
        }

        fired.Add(ticks);
        long latest = long.MinValue;
        foreach (long t in fired)
        {
            latest = Math.Max(latest, t);
        }

        fired.RemoveAll(t => latest - t >= period.Ticks);
    }
}
