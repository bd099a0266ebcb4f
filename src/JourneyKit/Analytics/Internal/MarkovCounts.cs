using System.Runtime.InteropServices;

namespace JourneyKit.Analytics.Internal;

/// <summary>
/// Transition counts of a first-order Markov chain over paths start → s₁ → … → sₙ → conversion | null, mergeable, and the
/// absorbing-chain arithmetic on them: P(conversion) by solving (I − Q)·x = r, and removal effects (a removed state
/// sends everything to null).
/// </summary>
internal sealed class MarkovCounts
{
    /// <summary>At most this many states are solved (removal effects cost one O(n³) solve per state); the least visited
    /// beyond it share one state, <see cref="AnalyticsNames.Other"/>, so hostile data with many distinct names stays cheap.</summary>
    public const int MaxStates = 64;

    private const string Start = "\u0000start";
    private const string Conversion = "\u0000conversion";
    private const string Null = "\u0000null";
    private readonly Dictionary<(string From, string To), int> _transitions = [];
    private readonly Dictionary<string, int> _visits = new(StringComparer.Ordinal);

    public int Paths { get; private set; }

    public int Conversions { get; private set; }

    public void AddPath(List<string> states, bool converted)
    {
        string previous = Start;
        for (int i = 0; i < states.Count; i++)
        {
            Count(previous, states[i], 1);
            CollectionsMarshal.GetValueRefOrAddDefault(_visits, states[i], out _)++;
            previous = states[i];
        }

        Count(previous, converted ? Conversion : Null, 1);
        Paths++;
        Conversions += converted ? 1 : 0;
    }

    public void Merge(MarkovCounts other)
    {
        foreach (KeyValuePair<(string From, string To), int> t in other._transitions)
        {
            Count(t.Key.From, t.Key.To, t.Value);
        }

        foreach (KeyValuePair<string, int> v in other._visits)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_visits, v.Key, out _) += v.Value;
        }

        Paths += other.Paths;
        Conversions += other.Conversions;
    }

    /// <summary>P(conversion | in <paramref name="state"/>); 0 for a state never seen.</summary>
    public double ConversionProbabilityFrom(string state)
    {
        (string[] names, double[,] q, double[] r, _) = Build();
        int index = Array.IndexOf(names, state);
        return index < 0 ? 0 : Solve(q, r, removed: -1)[index];
    }

    public AttributionResult Attribute()
    {
        (string[] names, double[,] q, double[] r, int[] visits) = Build();
        double total = names.Length == 0 ? 0 : Solve(q, r, removed: -1)[0];
        var effects = new double[names.Length];
        double sum = 0;
        for (int k = 1; k < names.Length; k++)
        {
            double without = Solve(q, r, removed: k)[0];
            effects[k] = total <= 0 ? 0 : Math.Max(0, 1 - (without / total));
            sum += effects[k];
        }

        var states = new List<StateAttribution>(names.Length);
        for (int k = 1; k < names.Length; k++)
        {
            double attributed = sum <= 0 ? 0 : effects[k] / sum * Conversions;
            states.Add(new StateAttribution(names[k], visits[k], effects[k], attributed));
        }

        states.Sort(static (a, b) =>
        {
            int c = b.RemovalEffect.CompareTo(a.RemovalEffect);
            return c != 0 ? c : string.CompareOrdinal(a.State, b.State);
        });
        return new AttributionResult(total, Conversions, Paths, states);
    }

    private void Count(string from, string to, int n) => CollectionsMarshal.GetValueRefOrAddDefault(_transitions, (from, to), out _) += n;

    /// <summary>Transient states (index 0 = start, then the states in ordinal order), Q between them and r into conversion.</summary>
    private (string[] Names, double[,] Q, double[] R, int[] Visits) Build()
    {
        if (Paths == 0)
        {
            return ([], new double[0, 0], [], []);
        }

        // The most visited states by name; the rest (if more than MaxStates) fold into "(other)".
        var byVisits = new List<KeyValuePair<string, int>>(_visits);
        byVisits.Sort(static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        bool fold = byVisits.Count > MaxStates;
        var list = new List<string>(MaxStates + 1);
        for (int i = 0; i < byVisits.Count && list.Count < (fold ? MaxStates - 1 : MaxStates); i++)
        {
            list.Add(byVisits[i].Key);
        }

        list.Sort(StringComparer.Ordinal);
        if (fold)
        {
            list.Add(AnalyticsNames.Other);
        }

        list.Insert(0, Start);
        string[] names = [.. list];
        var index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            index[names[i]] = i;
        }

        int IndexOf(string state) => index.TryGetValue(state, out int i) ? i : index[AnalyticsNames.Other];

        var visits = new int[names.Length];
        foreach (KeyValuePair<string, int> v in _visits)
        {
            visits[IndexOf(v.Key)] += v.Value;
        }

        var outgoing = new double[names.Length];
        foreach (KeyValuePair<(string From, string To), int> t in _transitions)
        {
            outgoing[IndexOf(t.Key.From)] += t.Value;
        }

        var q = new double[names.Length, names.Length];
        var r = new double[names.Length];
        foreach (KeyValuePair<(string From, string To), int> t in _transitions)
        {
            int from = IndexOf(t.Key.From);
            double p = t.Value / outgoing[from];
            if (t.Key.To == Conversion)
            {
                r[from] += p;
            }
            else if (t.Key.To != Null)
            {
                q[from, IndexOf(t.Key.To)] += p;
            }
        }

        return (names, q, r, visits);
    }

    /// <summary>Solves (I − Q)·x = r by Gaussian elimination with partial pivoting; a removed state has x = 0.</summary>
    private static double[] Solve(double[,] q, double[] r, int removed)
    {
        int n = r.Length;
        var a = new double[n, n + 1];
        for (int i = 0; i < n; i++)
        {
            if (i == removed)
            {
                a[i, i] = 1;
                continue;
            }

            for (int j = 0; j < n; j++)
            {
                a[i, j] = (i == j ? 1 : 0) - q[i, j];
            }

            a[i, n] = r[i];
        }

        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }

            if (Math.Abs(a[pivot, col]) < 1e-300)
            {
                continue; // a state that never leaves itself: it can never convert, x stays 0.
            }

            if (pivot != col)
            {
                for (int j = 0; j <= n; j++)
                {
                    (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                }
            }

            for (int row = 0; row < n; row++)
            {
                if (row == col || a[row, col] == 0)
                {
                    continue;
                }

                double f = a[row, col] / a[col, col];
                for (int j = col; j <= n; j++)
                {
                    a[row, j] -= f * a[col, j];
                }
            }
        }

        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Math.Abs(a[i, i]) < 1e-300 ? 0 : a[i, n] / a[i, i];
        }

        return x;
    }
}
