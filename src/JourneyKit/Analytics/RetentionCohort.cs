namespace JourneyKit.Analytics;

/// <summary>One cohort's row of a retention table.</summary>
/// <param name="Cohort">The cohort (the period its runs started in: <c>2026-W05</c>, <c>2026-02-01</c> or <c>2026-02</c>).</param>
/// <param name="Runs">Runs in the cohort.</param>
/// <param name="Observed">Per period, the runs whose period had fully passed at the analysis instant.</param>
/// <param name="Active">Per period, the observed runs that were active (or had reached the stage) in it.</param>
public sealed record RetentionCohort(string Cohort, int Runs, IReadOnlyList<int> Observed, IReadOnlyList<int> Active)
{
    /// <summary>Gets the share active per period among the runs observed for it; null where none could be observed yet (blank, not 0).</summary>
    public IReadOnlyList<double?> Retained
    {
        get
        {
            var shares = new double?[Observed.Count];
            for (int k = 0; k < shares.Length; k++)
            {
                shares[k] = Observed[k] == 0 ? null : (double)Active[k] / Observed[k];
            }

            return shares;
        }
    }
}
