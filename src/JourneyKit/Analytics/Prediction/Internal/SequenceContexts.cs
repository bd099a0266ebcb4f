namespace JourneyKit.Analytics.Prediction.Internal;

/// <summary>
/// Counts over the contexts of touchpoint sequences for <see cref="NextStepModel"/>: for every context (the last j symbols of
/// a prefix, j = 0..order, padded with the start symbol 0), how often each symbol came next, and the time from the
/// context's event to the goal (reached, censored, or never).
/// </summary>
/// <remarks>Symbols: 0 = the start of a run (padding only), 1..V = touchpoints, V + 1 = the end of a case (every-prefix
/// backtest only). Keys pack j symbols of 15 bits each and j in the top four bits.</remarks>
internal sealed class SequenceContexts
{
    internal const int MaxSymbols = (1 << 15) - 1;

    private readonly Dictionary<ulong, Node> _nodes = [];

    public SequenceContexts(int order) => Order = order;

    public int Order { get; }

    internal sealed class Node
    {
        public int Total;
        public readonly Dictionary<int, int> Next = [];
        public readonly Dictionary<int, List<long>> GapLists = [];
        public readonly Dictionary<int, long[]> Gaps = [];
        public long[] AllGaps = [];
        public readonly List<long> Reached = [];
        public readonly List<long> Censored = [];
        public int Never;
        public RemainingTimeCurve? Curve;

        public int TimeSamples => Reached.Count + Censored.Count + Never;
    }

    /// <summary>The key of the context of length <paramref name="length"/> ending at <paramref name="history"/>'s last symbol.</summary>
    public static ulong Key(ReadOnlySpan<int> history, int length)
    {
        ulong key = (ulong)length << 60;
        for (int j = 0; j < length; j++)
        {
            int at = history.Length - length + j;
            ulong symbol = at >= 0 ? (ulong)history[at] : 0UL;
            key |= symbol << (15 * j);
        }

        return key;
    }

    private Node NodeOf(ulong key)
    {
        if (!_nodes.TryGetValue(key, out Node? node))
        {
            node = new Node();
            _nodes.Add(key, node);
        }

        return node;
    }

    /// <summary>Counts <paramref name="next"/> after every context of <paramref name="history"/>, <paramref name="gapTicks"/> after the context's event.</summary>
    public void AddTransition(ReadOnlySpan<int> history, int next, long gapTicks)
    {
        for (int j = 0; j <= Order; j++)
        {
            Node node = NodeOf(Key(history, j));
            node.Total++;
            node.Next[next] = node.Next.GetValueOrDefault(next) + 1;
            if (!node.GapLists.TryGetValue(next, out List<long>? gaps))
            {
                gaps = [];
                node.GapLists.Add(next, gaps);
            }

            gaps.Add(gapTicks);
        }
    }

    /// <summary>How many of the sorted <paramref name="gaps"/> are longer than <paramref name="idleTicks"/>.</summary>
    public static int CountLonger(long[] gaps, long idleTicks)
    {
        int lo = 0, hi = gaps.Length; // first index with gap > idle
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (gaps[mid] > idleTicks)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return gaps.Length - lo;
    }

    /// <summary>Adds a time sample to every context of <paramref name="history"/>: reached after <paramref name="ticks"/>,
    /// censored after <paramref name="ticks"/> (followed that long without reaching), or never (<paramref name="ticks"/> ignored).</summary>
    public void AddTime(ReadOnlySpan<int> history, RemainingOutcome outcome, long ticks)
    {
        for (int j = 0; j <= Order; j++)
        {
            Node node = NodeOf(Key(history, j));
            switch (outcome)
            {
                case RemainingOutcome.Reached:
                    node.Reached.Add(ticks);
                    break;
                case RemainingOutcome.Censored:
                    node.Censored.Add(ticks);
                    break;
                default:
                    node.Never++;
                    break;
            }
        }
    }

    /// <summary>Builds every context's remaining-time curve (after the last sample is added).</summary>
    public void Complete()
    {
        foreach (Node node in _nodes.Values)
        {
            node.Curve = RemainingTimeCurve.Fit(node.Reached, node.Censored, node.Never);
            var all = new List<long>(node.Total);
            foreach ((int next, List<long> list) in node.GapLists)
            {
                long[] gaps = [.. list];
                Array.Sort(gaps);
                node.Gaps[next] = gaps;
                all.AddRange(gaps);
            }

            node.AllGaps = [.. all];
            Array.Sort(node.AllGaps);
            node.GapLists.Clear();
        }
    }

    /// <summary>The contexts of <paramref name="history"/> from the empty one to the longest (null where unseen).</summary>
    public void Lookup(ReadOnlySpan<int> history, Span<Node?> nodes)
    {
        for (int j = 0; j <= Order; j++)
        {
            nodes[j] = _nodes.GetValueOrDefault(Key(history, j));
        }
    }

    /// <summary>
    /// The interpolated probability of <paramref name="symbol"/> next: P₋₁ = 1/<paramref name="symbols"/>; for j = 0..order,
    /// Pⱼ = (nⱼ(x) + β·Pⱼ₋₁)/(nⱼ + β) where context j has transitions (counted: those that came more than
    /// <paramref name="idleTicks"/> after the context's event, when it is positive; all when it is null), else Pⱼ = Pⱼ₋₁.
    /// </summary>
    public static double Probability(ReadOnlySpan<Node?> nodes, int symbol, int symbols, double smoothing, long? idleTicks)
    {
        double p = 1.0 / symbols;
        for (int j = 0; j < nodes.Length; j++)
        {
            if (nodes[j] is not { Total: > 0 } node)
            {
                continue;
            }

            int total = node.Total, count = node.Next.GetValueOrDefault(symbol);
            if (idleTicks is > 0 and long idle)
            {
                total = CountLonger(node.AllGaps, idle);
                count = node.Gaps.TryGetValue(symbol, out long[]? gaps) ? CountLonger(gaps, idle) : 0;
            }

            if (total > 0)
            {
                p = (count + (smoothing * p)) / (total + smoothing);
            }
        }

        return p;
    }
}
