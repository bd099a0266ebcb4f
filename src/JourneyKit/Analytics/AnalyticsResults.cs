using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>Everything <see cref="JourneyAnalyzer"/> computes for one journey as of an instant. Deterministic: equal inputs give equal results.</summary>
/// <param name="JourneyId">The journey id.</param>
/// <param name="AsOf">The instant every lifecycle state is judged at; events after it are ignored.</param>
/// <param name="Customers">Runs analysed: customers with at least one event at or before <paramref name="AsOf"/> — one run each,
/// unless the journey's re-entry policy starts more and <see cref="AnalyticsOptions.Unit"/> is <see cref="AnalysisUnit.Runs"/>.</param>
/// <param name="Events">Events analysed.</param>
/// <param name="GoalReached">Runs that reached the goal stage.</param>
/// <param name="States">Runs per lifecycle state (exclusive; they add up to <paramref name="Customers"/>).</param>
/// <param name="Conversion">Conversion to the goal over decided runs and as a censoring-aware estimate.</param>
/// <param name="Kpis">The journey's KPIs as measured from the events.</param>
/// <param name="Funnel">The stage funnel over the designed (non-failure) stages, in order, with open runs apart from dropped ones.</param>
/// <param name="Segments">The stage funnel per persona, channel used (a customer counts in every channel they used), first channel and cohort (ISO week of the first event).</param>
/// <param name="TimeInStage">Time spent in each stage vs its standard time.</param>
/// <param name="StuckNow">Runs stuck at <paramref name="AsOf"/> (<see cref="Scoring.LifecycleState.Stuck"/>), most overdue first.</param>
/// <param name="DeadEnds">Where dormant runs stopped (<see cref="Scoring.LifecycleState.Dormant"/>), most frequent first.</param>
/// <param name="Paths">Stage path variants, transitions and conformance to the designed journey.</param>
/// <param name="ChannelSwitches">Channel switches between consecutive events, most frequent first.</param>
/// <param name="ChannelAttribution">Markov attribution over channels.</param>
/// <param name="TouchpointAttribution">Markov attribution over touchpoints.</param>
/// <param name="Risk">The risk model per stage (stages without enough data are left out).</param>
/// <param name="AtRisk">Customers not yet past the standard time whose risk of not progressing is at least the threshold, highest first.</param>
/// <param name="Scores">The journey score distribution.</param>
public sealed record JourneyAnalysis(
    string JourneyId,
    DateTimeOffset AsOf,
    int Customers,
    long Events,
    int GoalReached,
    LifecycleCounts States,
    ConversionSummary Conversion,
    IReadOnlyList<KpiMeasurement> Kpis,
    IReadOnlyList<StageFunnelStep> Funnel,
    IReadOnlyList<SegmentFunnel> Segments,
    IReadOnlyList<StageTimeStats> TimeInStage,
    IReadOnlyList<StuckCustomer> StuckNow,
    IReadOnlyList<DeadEndHotspot> DeadEnds,
    PathAnalysis Paths,
    IReadOnlyList<ChannelSwitch> ChannelSwitches,
    AttributionResult ChannelAttribution,
    AttributionResult TouchpointAttribution,
    IReadOnlyList<StageRiskModel> Risk,
    IReadOnlyList<AtRiskCustomer> AtRisk,
    ScoreSummary Scores);

/// <summary>
/// One step of the stage funnel. Runs whose furthest stage is this one are split by their lifecycle state, so open runs
/// are never counted as dropped: <c>Reached = Converted + InProgress + Stuck + Dormant + Failed + MovedOn</c>.
/// </summary>
/// <param name="StageId">The stage id.</param>
/// <param name="StageName">The stage name.</param>
/// <param name="Reached">Runs that reached this stage or a later one (so counts never increase along the funnel).</param>
/// <param name="Visited">Runs that had at least one event in this stage (can be lower than <paramref name="Reached"/> when stages are skipped).</param>
/// <param name="Converted">Runs that reached the next stage or a later one (for the last stage: equal to <paramref name="Reached"/>).</param>
/// <param name="InProgress">Runs whose furthest stage is this one, in progress at the analysis instant (open).</param>
/// <param name="Stuck">Runs whose furthest stage is this one, stuck at the analysis instant (open).</param>
/// <param name="Dormant">Runs whose furthest stage is this one, dormant (dropped here).</param>
/// <param name="Failed">Runs whose furthest stage is this one, ended in a failure stage.</param>
/// <param name="MovedOn">Runs whose furthest stage is this one that reached the goal without the next stage (a goal before it).</param>
/// <param name="ConversionEstimate">The censoring-aware probability of reaching the next stage from first entering this one
/// (cumulative incidence with failure and dormancy competing, at the conversion KPI's horizon when declared), or null for
/// the last stage or when no run reached this one.</param>
public sealed record StageFunnelStep(string StageId, string StageName, int Reached, int Visited, int Converted, int InProgress, int Stuck, int Dormant, int Failed, int MovedOn, double? ConversionEstimate)
{
    /// <summary>Gets the open runs at this step (in progress or stuck): censored, neither converted nor dropped.</summary>
    public int Open => InProgress + Stuck;

    /// <summary>Gets the runs decided at this step: <see cref="Reached"/> − <see cref="Open"/>.</summary>
    public int Decided => Reached - Open;

    /// <summary>Gets the runs that dropped off here: dormant or failed.</summary>
    public int DroppedOff => Dormant + Failed;

    /// <summary>Gets the share of decided runs that reached the next stage, or null when none is decided.</summary>
    public double? ConversionRate => Decided == 0 ? null : (double)Converted / Decided;

    /// <summary>Gets the share of decided runs that dropped off here (dormant or failed), or null when none is decided.</summary>
    public double? DropOffRate => Decided == 0 ? null : (double)DroppedOff / Decided;
}

/// <summary>The stage funnel of one segment of customers.</summary>
/// <param name="Dimension">The dimension: <c>persona</c>, <c>channel</c> (customers who used the channel at least once), <c>first_channel</c> or <c>cohort</c>.</param>
/// <param name="Value">The segment value (<c>(none)</c> when unknown); cohorts are ISO weeks such as <c>2026-W03</c>.</param>
/// <param name="Customers">Customers in the segment.</param>
/// <param name="Reached">Customers reaching each designed stage, in funnel order.</param>
/// <param name="GoalReached">Customers in the segment who reached the goal.</param>
/// <param name="States">The segment's runs per lifecycle state.</param>
/// <param name="GoalEstimate">The censoring-aware probability of reaching the goal (same estimator and horizon as <see cref="JourneyAnalysis.Conversion"/>), or null.</param>
public sealed record SegmentFunnel(string Dimension, string Value, int Customers, IReadOnlyList<int> Reached, int GoalReached, LifecycleCounts States, double? GoalEstimate)
{
    /// <summary>Gets a value indicating whether every run of the segment is decided (no open run): a cohort that is not complete yet still has runs that may convert.</summary>
    public bool IsComplete => States.Open == 0;

    /// <summary>Gets the share of decided runs that reached the goal, or null when none is decided.</summary>
    public double? DecidedRate => States.Decided == 0 ? null : (double)States.Converted / States.Decided;
}

/// <summary>Time spent in a stage (completed visits) against its standard time.</summary>
/// <param name="StageId">The stage id.</param>
/// <param name="StandardTime">The stage's standard time (zero when not set).</param>
/// <param name="CompletedVisits">Visits that ended by moving to another stage.</param>
/// <param name="P50">The median time in stage (nearest rank), or null without completed visits.</param>
/// <param name="P90">The 90th percentile (nearest rank).</param>
/// <param name="P99">The 99th percentile (nearest rank).</param>
/// <param name="StuckNow">Runs stuck in this stage at the analysis instant.</param>
public sealed record StageTimeStats(string StageId, TimeSpan StandardTime, int CompletedVisits, TimeSpan? P50, TimeSpan? P90, TimeSpan? P99, int StuckNow)
{
    /// <summary>Gets a value indicating whether the median exceeds the standard time (never when no standard time is set).</summary>
    public bool MedianExceedsStandard => StandardTime > TimeSpan.Zero && P50 is { } median && median > StandardTime;
}

/// <summary>A run stuck in a stage (<see cref="Scoring.LifecycleState.Stuck"/>).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="StageId">The stage.</param>
/// <param name="TimeInStage">Time in the stage so far.</param>
/// <param name="OverdueBy">Time past the stage's standard time.</param>
public sealed record StuckCustomer(string CustomerId, string StageId, TimeSpan TimeInStage, TimeSpan OverdueBy);

/// <summary>A place where runs went dormant (dead ends: no event for the inactivity period before a terminal stage).</summary>
/// <param name="StageId">The last stage, or <c>(none)</c>.</param>
/// <param name="LastTouchpoint">The last touchpoint.</param>
/// <param name="LastChannel">The last channel (<c>(none)</c> when unknown).</param>
/// <param name="Customers">Customers who ended there.</param>
public sealed record DeadEndHotspot(string StageId, string LastTouchpoint, string LastChannel, int Customers);

/// <summary>Path variants, the directly-follows graph of stages and conformance to the designed transitions.</summary>
/// <param name="Variants">The most frequent stage sequences, most frequent first.</param>
/// <param name="OtherVariants">Customers whose variant is not among <paramref name="Variants"/>.</param>
/// <param name="DistinctVariants">The number of distinct stage sequences.</param>
/// <param name="Transitions">Directly-follows counts between stages with the median time between entering each.</param>
/// <param name="ConformingCustomers">Customers (with at least one stage) who only took allowed transitions.</param>
/// <param name="CustomersWithStages">Customers with at least one stage.</param>
/// <param name="Deviations">Transitions not allowed by the design, most frequent first.</param>
public sealed record PathAnalysis(
    IReadOnlyList<PathVariant> Variants,
    int OtherVariants,
    int DistinctVariants,
    IReadOnlyList<StageTransition> Transitions,
    int ConformingCustomers,
    int CustomersWithStages,
    IReadOnlyList<StageTransition> Deviations)
{
    /// <summary>Gets the share of customers following allowed transitions only, or null without customers.</summary>
    public double? Conformance => CustomersWithStages == 0 ? null : (double)ConformingCustomers / CustomersWithStages;
}

/// <summary>A distinct sequence of stages and how many customers took it.</summary>
/// <param name="Stages">The stage ids in order (consecutive events in one stage are one visit).</param>
/// <param name="Customers">Customers (runs) with exactly this sequence.</param>
/// <param name="MedianDuration">The median case duration of these runs — from the run's first event to its last event at
/// the analysis instant (open runs count with the time so far) — by the nearest rank; null without runs.</param>
/// <param name="P90Duration">The 90th percentile of the same durations (nearest rank).</param>
public sealed record PathVariant(IReadOnlyList<string> Stages, int Customers, TimeSpan? MedianDuration, TimeSpan? P90Duration);

/// <summary>Customers moving directly from one stage to another.</summary>
/// <param name="From">The stage left.</param>
/// <param name="To">The stage entered.</param>
/// <param name="Count">How many times (a customer can count more than once).</param>
/// <param name="MedianTime">The median time between entering <paramref name="From"/> and entering <paramref name="To"/>.</param>
/// <param name="Allowed">Whether the design allows the transition.</param>
public sealed record StageTransition(string From, string To, int Count, TimeSpan MedianTime, bool Allowed);

/// <summary>Customers switching channel between consecutive events.</summary>
/// <param name="StageId">The stage of the later event (when it is out of path: the stage the customer was in; <c>(none)</c> before any stage).</param>
/// <param name="From">The channel of the earlier event.</param>
/// <param name="To">The channel of the later event.</param>
/// <param name="Count">How many switches.</param>
/// <param name="WithinStage">True when both events belong to the same stage: a silo — the customer had to change channel to get one stage done.</param>
public sealed record ChannelSwitch(string StageId, string From, string To, int Count, bool WithinStage);

/// <summary>First-order Markov attribution (paths start → states → conversion or null). At most 64 states are solved: beyond
/// that the least visited share the state <see cref="AnalyticsNames.Other"/>.</summary>
/// <param name="ConversionProbability">The probability of conversion from the start state.</param>
/// <param name="Conversions">Paths ending in conversion.</param>
/// <param name="Paths">Paths (customers).</param>
/// <param name="States">Each state's removal effect and attributed conversions, highest removal effect first.</param>
public sealed record AttributionResult(double ConversionProbability, int Conversions, int Paths, IReadOnlyList<StateAttribution> States);

/// <summary>One channel's or touchpoint's share of conversions.</summary>
/// <param name="State">The channel or touchpoint.</param>
/// <param name="Visits">Path steps in this state.</param>
/// <param name="RemovalEffect">1 − P(conversion without the state) / P(conversion): the share of conversions lost if it were removed.</param>
/// <param name="AttributedConversions">Conversions attributed: removal effect normalised over all states × conversions.</param>
public sealed record StateAttribution(string State, int Visits, double RemovalEffect, double AttributedConversions);

/// <summary>A customer whose risk of not progressing is high before the standard time is up.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="StageId">The current stage.</param>
/// <param name="TimeInStage">Time in the stage so far.</param>
/// <param name="StandardTime">The stage's standard time.</param>
/// <param name="RiskOfNotProgressing">P(never reaching the next stage | still here after <paramref name="TimeInStage"/>).</param>
/// <param name="RiskOfMissingGoal">P(never reaching the goal | still here after <paramref name="TimeInStage"/>).</param>
public sealed record AtRiskCustomer(string CustomerId, string StageId, TimeSpan TimeInStage, TimeSpan StandardTime, double RiskOfNotProgressing, double RiskOfMissingGoal);

/// <summary>The journey score distribution.</summary>
/// <param name="Mean">The mean score (0 without customers).</param>
/// <param name="Histogram">Customers per 10-point bin: [0,10), [10,20), …, [90,100].</param>
/// <param name="CorrelationWithGoal">Pearson correlation between score and reaching the goal, or null when undefined.</param>
public sealed record ScoreSummary(double Mean, IReadOnlyList<int> Histogram, double? CorrelationWithGoal);

/// <summary>Options for <see cref="JourneyAnalyzer"/>.</summary>
public sealed class AnalyticsOptions
{
    /// <summary>Gets how many path variants to list. Default 10.</summary>
    public int TopVariants { get; init; } = 10;

    /// <summary>Gets the risk at or above which a customer is flagged as at risk. Default 0.5.</summary>
    public double RiskThreshold { get; init; } = 0.5;

    /// <summary>Gets the fewest stage visits needed to estimate a stage's risk model. Default 20.</summary>
    public int MinRiskSamples { get; init; } = 20;

    /// <summary>Gets the evaluation options (inactivity period for dead ends). Default: <see cref="Scoring.EvaluationOptions"/> defaults.</summary>
    public Scoring.EvaluationOptions Evaluation { get; init; } = new();

    /// <summary>
    /// Gets what the analysis counts when customers can re-enter the journey (<see cref="Journey.Reentry"/>): every run, or
    /// each customer once, by their latest run.
    /// </summary>
    /// <value>The default value is <see cref="AnalysisUnit.Runs"/> (the same as customers when re-entry is off).</value>
    public AnalysisUnit Unit { get; init; } = AnalysisUnit.Runs;

    /// <summary>Gets the scoring model for the score distribution. Default <see cref="Scoring.ScoringModel.Default"/>.</summary>
    public Scoring.ScoringModel Scoring { get; init; } = JourneyKit.Scoring.ScoringModel.Default;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(TopVariants);
        if (!(RiskThreshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(RiskThreshold), RiskThreshold, "The risk threshold must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinRiskSamples, 1);
        if (!Enum.IsDefined(Unit))
        {
            throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "Unknown analysis unit.");
        }
        ArgumentNullException.ThrowIfNull(Evaluation);
        ArgumentNullException.ThrowIfNull(Scoring);
    }
}

/// <summary>Names used for unknown values in analytics results.</summary>
public static class AnalyticsNames
{
    /// <summary>The value used when a stage, persona or channel is unknown: <c>(none)</c>.</summary>
    public const string None = "(none)";

    /// <summary>The state that stands for the least visited channels or touchpoints when attribution has more than 64 (<c>(other)</c>).</summary>
    public const string Other = "(other)";

    internal static string Of(Channel channel) => channel.IsNone ? None : channel.Name;
}
