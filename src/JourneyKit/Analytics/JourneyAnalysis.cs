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
    ScoreSummary Scores)
{
    /// <summary>Gets which results come from a sketch because a distribution had more than <see cref="AnalyticsOptions.ExactSamples"/> samples, or null when every result is exact.</summary>
    public AnalysisApproximation? Approximation { get; init; }
}
