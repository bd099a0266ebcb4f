using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>
/// How well the journey score of the runs open at a cut-off predicted one outcome after it: reaching the goal, a KPI's
/// conversion (within its horizon), its time to complete, or the responses of a KPI fed as events (NPS, CSAT, …). Never the
/// same-data correlation: the score is taken as of the cut-off, the outcome from what happened after it.
/// </summary>
/// <param name="KpiId">The KPI id, or null for reaching the goal itself.</param>
/// <param name="Name">The KPI's name, or <c>reaching the goal</c>.</param>
/// <param name="Kind">The KPI kind (<see cref="KpiKind.Conversion"/> for the goal).</param>
/// <param name="Runs">Runs open at the cut-off whose outcome was not yet decided then (for a conversion KPI with a horizon:
/// the horizon had not passed).</param>
/// <param name="Censored">Of <paramref name="Runs"/>, those whose outcome was still unknown at the end of the data (still open
/// before the horizon, or no response after the cut-off): left out of <paramref name="Correlation"/>, and in
/// <paramref name="Concordance"/> only compared for as long as they were followed.</param>
/// <param name="Concordance">Harrell's concordance index: over the pairs whose order is known, the share in which the higher
/// score had the better outcome (converted when the other did not; reached the goal sooner; gave the higher response), ties
/// in score counting one half. 0.5 is chance, 1 perfect; for a yes/no outcome it is the area under the ROC curve. Null
/// without a comparable pair.</param>
/// <param name="Correlation">The Pearson correlation between the score and the outcome over the runs whose outcome is known
/// (1/0 for conversion, the response value for KPIs fed as events); null for time to complete (open runs have no time yet) or
/// without variance.</param>
public sealed record ScoreKpiLink(string? KpiId, string Name, KpiKind Kind, int Runs, int Censored, double? Concordance, double? Correlation)
{
    /// <summary>Gets the runs whose outcome is known: <see cref="Runs"/> − <see cref="Censored"/>.</summary>
    public int Known => Runs - Censored;
}
