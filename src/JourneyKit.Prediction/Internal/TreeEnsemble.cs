namespace JourneyKit.Prediction.Internal;

/// <summary>
/// A boosted ensemble of binary regression trees, copied out of ML.NET's FastTree model so that predicting needs no
/// ML.NET pipeline, allocates nothing and can be saved in our own versioned format. Score = bias + Σ weightₜ·leafₜ(x);
/// a node goes left when x[feature] ≤ threshold (FastTree's rule); a child &lt; 0 is the leaf ~child.
/// </summary>
/// <remarks>
/// Each node also keeps the mean leaf value of the training rows that reached it, so a prediction is split into
/// per-feature contributions along its path (Saabas): score = bias + Σₜ weightₜ·rootₜ + Σ over path steps of
/// weightₜ·(value(child) − value(node)), each step credited to the node's feature.
/// </remarks>
internal sealed class TreeEnsemble
{
    // Every tree's nodes in one flat array of 16-byte nodes (feature, threshold, children: one cache line holds four), for
    // predicting: a child ≥ 0 is a node, < 0 the leaf ~child, whose value already holds the tree's weight (weight × leaf,
    // the same product the per-tree sum takes, so scores are bit-for-bit those of the trees).
    private readonly FlatNode[] _nodes;
    private readonly double[] _leaf;
    private readonly int[] _root; // per tree: its first node, or ~leaf for a tree without nodes

    public TreeEnsemble(double bias, Tree[] trees)
    {
        Bias = bias;
        Trees = trees;
        int nodes = 0, leaves = 0;
        foreach (Tree t in trees)
        {
            nodes += t.Features.Length;
            leaves += t.Leaves.Length;
        }

        _nodes = new FlatNode[nodes];
        _leaf = new double[leaves];
        _root = new int[trees.Length];
        int n0 = 0, l0 = 0;
        for (int i = 0; i < trees.Length; i++)
        {
            Tree t = trees[i];
            for (int n = 0; n < t.Features.Length; n++)
            {
                _nodes[n0 + n] = new FlatNode(
                    t.Features[n],
                    t.Thresholds[n],
                    t.Left[n] >= 0 ? n0 + t.Left[n] : ~(l0 + ~t.Left[n]),
                    t.Right[n] >= 0 ? n0 + t.Right[n] : ~(l0 + ~t.Right[n]));
            }

            for (int l = 0; l < t.Leaves.Length; l++)
            {
                _leaf[l0 + l] = t.Weight * t.Leaves[l];
            }

            _root[i] = t.Features.Length == 0 ? ~l0 : n0;
            n0 += t.Features.Length;
            l0 += t.Leaves.Length;
        }
    }

    public double Bias { get; }

    public Tree[] Trees { get; }

    public double Score(ReadOnlySpan<float> x)
    {
        FlatNode[] nodes = _nodes;
        double score = Bias;
        foreach (int root in _root)
        {
            int node = root;
            while (node >= 0)
            {
                ref readonly FlatNode n = ref nodes[node];
                node = x[n.Feature] <= n.Threshold ? n.Left : n.Right;
            }

            score += _leaf[~node];
        }

        return score;
    }

    /// <summary>A node of the flat layout.</summary>
    private readonly record struct FlatNode(int Feature, float Threshold, int Left, int Right);

    /// <summary>Adds each feature's contribution to <paramref name="contributions"/>; returns the base (bias + root values).</summary>
    public double Contributions(ReadOnlySpan<float> x, Span<double> contributions)
    {
        double baseline = Bias;
        foreach (Tree t in Trees)
        {
            if (t.Features.Length == 0)
            {
                baseline += t.Weight * t.Leaves[0];
                continue;
            }

            baseline += t.Weight * t.NodeValues[0];
            int node = 0;
            while (true)
            {
                int child = x[t.Features[node]] <= t.Thresholds[node] ? t.Left[node] : t.Right[node];
                double next = child < 0 ? t.Leaves[~child] : t.NodeValues[child];
                contributions[t.Features[node]] += t.Weight * (next - t.NodeValues[node]);
                if (child < 0)
                {
                    break;
                }

                node = child;
            }
        }

        return baseline;
    }

    /// <summary>Sets each node's value to the mean leaf value of the rows that pass through it (a node no row reaches: the mean of its children).</summary>
    public void SetNodeValues(IReadOnlyList<float[]> rows)
    {
        foreach (Tree t in Trees)
        {
            int nodes = t.Features.Length;
            var sum = new double[nodes];
            var count = new long[nodes];
            foreach (float[] x in rows)
            {
                if (nodes == 0)
                {
                    break;
                }

                int node = 0;
                int leaf = t.LeafOf(x);
                double value = t.Leaves[leaf];
                while (node >= 0)
                {
                    sum[node] += value;
                    count[node]++;
                    node = x[t.Features[node]] <= t.Thresholds[node] ? t.Left[node] : t.Right[node];
                }
            }

            t.NodeValues = new double[nodes];
            for (int n = nodes - 1; n >= 0; n--)
            {
                t.NodeValues[n] = count[n] > 0 ? sum[n] / count[n] : (ValueOf(t, t.Left[n]) + ValueOf(t, t.Right[n])) / 2;
            }
        }
    }

    private static double ValueOf(Tree t, int child) => child < 0 ? t.Leaves[~child] : t.NodeValues[child];

    public void Write(BinaryWriter w)
    {
        w.Write(Bias);
        w.Write(Trees.Length);
        foreach (Tree t in Trees)
        {
            w.Write(t.Weight);
            w.Write(t.Features.Length);
            for (int n = 0; n < t.Features.Length; n++)
            {
                w.Write(t.Features[n]);
                w.Write(t.Thresholds[n]);
                w.Write(t.Left[n]);
                w.Write(t.Right[n]);
                w.Write(t.NodeValues[n]);
            }

            w.Write(t.Leaves.Length);
            foreach (double leaf in t.Leaves)
            {
                w.Write(leaf);
            }
        }
    }

    public static TreeEnsemble Read(BinaryReader r, int features)
    {
        double bias = r.ReadDouble();
        var trees = new Tree[Count(r.ReadInt32(), 100_000)];
        for (int i = 0; i < trees.Length; i++)
        {
            double weight = r.ReadDouble();
            int nodes = Count(r.ReadInt32(), 1_000_000);
            int[] f = new int[nodes], left = new int[nodes], right = new int[nodes];
            var thresholds = new float[nodes];
            var values = new double[nodes];
            for (int n = 0; n < nodes; n++)
            {
                f[n] = r.ReadInt32();
                thresholds[n] = r.ReadSingle();
                left[n] = r.ReadInt32();
                right[n] = r.ReadInt32();
                values[n] = r.ReadDouble();
            }

            var leaves = new double[Count(r.ReadInt32(), 1_000_001)];
            for (int l = 0; l < leaves.Length; l++)
            {
                leaves[l] = r.ReadDouble();
            }

            trees[i] = new Tree(weight, f, thresholds, left, right, leaves) { NodeValues = values };
            trees[i].Validate(features);
        }

        return new TreeEnsemble(bias, trees);
    }

    private static int Count(int value, int max) =>
        value < 0 || value > max ? throw new FormatException($"The model file is damaged: a count of {value}.") : value;
}

/// <summary>One regression tree: internal nodes 0..n−1 (feature, threshold, children), leaves by ~child.</summary>
internal sealed record Tree(double Weight, int[] Features, float[] Thresholds, int[] Left, int[] Right, double[] Leaves)
{
    public double[] NodeValues { get; set; } = [];

    public int LeafOf(ReadOnlySpan<float> x)
    {
        if (Features.Length == 0)
        {
            return 0;
        }

        int node = 0;
        while (node >= 0)
        {
            node = x[Features[node]] <= Thresholds[node] ? Left[node] : Right[node];
        }

        return ~node;
    }

    public void Validate(int features)
    {
        for (int n = 0; n < Features.Length; n++)
        {
            bool ok = (uint)Features[n] < (uint)features
                && (Left[n] < 0 ? ~Left[n] < Leaves.Length : Left[n] > n && Left[n] < Features.Length)
                && (Right[n] < 0 ? ~Right[n] < Leaves.Length : Right[n] > n && Right[n] < Features.Length);
            if (!ok)
            {
                throw new FormatException($"The model file is damaged: tree node {n} points outside the tree.");
            }
        }

        if (Features.Length == 0 && Leaves.Length != 1)
        {
            throw new FormatException("The model file is damaged: a tree without nodes must have one leaf.");
        }
    }
}
