using JourneyKit.Model;

namespace JourneyKit.Analytics;

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
