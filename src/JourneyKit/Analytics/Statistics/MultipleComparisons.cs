namespace JourneyKit.Analytics.Statistics;

/// <summary>Corrections for testing many hypotheses at once.</summary>
public static class MultipleComparisons
{
    /// <summary>
    /// Holm's step-down adjusted p-values (controls the family-wise error rate): sort ascending, multiply the i-th smallest
    /// (from 0) by m − i, make them non-decreasing, cap at 1. Returned in the input order.
    /// </summary>
    /// <param name="pValues">The raw p-values.</param>
    /// <returns>The adjusted p-values.</returns>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        int m = pValues.Count;
        int[] order = new int[m];
        for (int i = 0; i < m; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) => pValues[x].CompareTo(pValues[y]));
        var adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[order[rank]]));
            adjusted[order[rank]] = running;
        }

        return adjusted;
    }
}
