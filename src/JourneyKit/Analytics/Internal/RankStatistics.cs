namespace JourneyKit.Analytics.Internal;

/// <summary>Harrell's concordance index with censoring and the Pearson correlation, for how a score predicts an outcome.</summary>
internal static class RankStatistics
{
    /// <summary>
    /// Harrell's C: over the comparable pairs — i had the event at time tᵢ and j was still without it after tᵢ (a later
    /// time, or censored at tᵢ) — the share in which i has the higher score, ties in score counting one half. 1 means a
    /// higher score always came first, 0.5 no better than chance. With every event at time 0 and every non-event at
    /// infinity (never) it is the area under the ROC curve. O(n log n): times descending, a Fenwick tree over score ranks.
    /// Null without a comparable pair.
    /// </summary>
    public static double? Concordance(List<(double Score, double Time, bool Event)> items)
    {
        int n = items.Count;
        if (n < 2)
        {
            return null;
        }

        double[] scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = items[i].Score;
        }

        Array.Sort(scores);
        int ranks = 0;
        for (int i = 0; i < n; i++)
        {
            if (i == 0 || scores[i] != scores[ranks - 1])
            {
                scores[ranks++] = scores[i];
            }
        }

        (double Score, double Time, bool Event)[] sorted = [.. items];
        Array.Sort(sorted, static (a, b) => b.Time.CompareTo(a.Time)); // latest first
        var tree = new long[ranks + 1];
        long inserted = 0;
        double concordant = 0, comparable = 0;
        for (int i = 0; i < n;)
        {
            int end = i;
            while (end < n && sorted[end].Time == sorted[i].Time)
            {
                end++;
            }

            for (int k = i; k < end; k++)
            {
                if (!sorted[k].Event)
                {
                    Insert(tree, Rank(scores, ranks, sorted[k].Score)); // censored at t: still without the event at t
                    inserted++;
                }
            }

            for (int k = i; k < end; k++)
            {
                if (sorted[k].Event)
                {
                    int r = Rank(scores, ranks, sorted[k].Score);
                    long below = Count(tree, r - 1), upTo = Count(tree, r);
                    concordant += below + ((upTo - below) / 2.0);
                    comparable += inserted;
                }
            }

            for (int k = i; k < end; k++)
            {
                if (sorted[k].Event)
                {
                    Insert(tree, Rank(scores, ranks, sorted[k].Score));
                    inserted++;
                }
            }

            i = end;
        }

        return comparable == 0 ? null : concordant / comparable;
    }

    /// <summary>The Pearson correlation, or null with fewer than two pairs or no variance on either side.</summary>
    public static double? Pearson(List<(double X, double Y)> pairs)
    {
        int n = pairs.Count;
        if (n < 2)
        {
            return null;
        }

        double meanX = 0, meanY = 0;
        foreach ((double x, double y) in pairs)
        {
            meanX += x;
            meanY += y;
        }

        meanX /= n;
        meanY /= n;
        double sxy = 0, sxx = 0, syy = 0;
        foreach ((double x, double y) in pairs)
        {
            sxy += (x - meanX) * (y - meanY);
            sxx += (x - meanX) * (x - meanX);
            syy += (y - meanY) * (y - meanY);
        }

        return sxx <= 0 || syy <= 0 ? null : Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }

    private static int Rank(double[] distinct, int count, double score) => Array.BinarySearch(distinct, 0, count, score) + 1; // 1-based

    private static void Insert(long[] tree, int rank)
    {
        for (; rank < tree.Length; rank += rank & -rank)
        {
            tree[rank]++;
        }
    }

    private static long Count(long[] tree, int rank)
    {
        long total = 0;
        for (; rank > 0; rank -= rank & -rank)
        {
            total += tree[rank];
        }

        return total;
    }
}
