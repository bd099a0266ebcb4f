namespace JourneyKit.Prediction.Internal;

/// <summary>Maps a raw tree score to a probability: isotonic (pool-adjacent-violators) or Platt (logistic) regression, fitted on the validation split.</summary>
internal sealed class Calibrator
{
    /// <summary>Predictions stay within [Floor, 1 − Floor]: a calibrated model never says never.</summary>
    public const double Floor = 0.001;

    private readonly RiskCalibration _kind;
    private readonly double[] _scores; // isotonic: block upper score bounds; Platt: [a, b]
    private readonly double[] _values; // isotonic: block means

    private Calibrator(RiskCalibration kind, double[] scores, double[] values)
    {
        _kind = kind;
        _scores = scores;
        _values = values;
    }

    public double Probability(double score)
    {
        double p;
        if (_kind == RiskCalibration.Platt)
        {
            p = 1 / (1 + Math.Exp(-((_scores[0] * score) + _scores[1])));
        }
        else
        {
            int lo = 0, hi = _scores.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (score <= _scores[mid])
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            p = _values.Length == 0 ? 0.5 : _values[lo];
        }

        return Math.Clamp(p, Floor, 1 - Floor);
    }

    public static Calibrator Fit(RiskCalibration kind, double[] scores, bool[] labels)
    {
        if (scores.Length == 0)
        {
            return new Calibrator(RiskCalibration.Isotonic, [double.MaxValue], [0.5]);
        }

        return kind == RiskCalibration.Platt ? FitPlatt(scores, labels) : FitIsotonic(scores, labels);
    }

    /// <summary>Pool adjacent violators over the scores in increasing order (ties pooled first); each block keeps its highest score and mean label.</summary>
    private static Calibrator FitIsotonic(double[] scores, bool[] labels)
    {
        int[] order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[a].CompareTo(scores[b]) : a.CompareTo(b));
        var upper = new List<double>();
        var sum = new List<double>();
        var weight = new List<double>();
        for (int k = 0; k < order.Length;)
        {
            double s = scores[order[k]], y = 0;
            int n = 0;
            while (k < order.Length && scores[order[k]] == s)
            {
                y += labels[order[k]] ? 1 : 0;
                n++;
                k++;
            }

            upper.Add(s);
            sum.Add(y);
            weight.Add(n);
            while (sum.Count > 1 && sum[^2] / weight[^2] >= sum[^1] / weight[^1])
            {
                sum[^2] += sum[^1];
                weight[^2] += weight[^1];
                upper[^2] = upper[^1];
                sum.RemoveAt(sum.Count - 1);
                weight.RemoveAt(weight.Count - 1);
                upper.RemoveAt(upper.Count - 1);
            }
        }

        var values = new double[sum.Count];
        for (int b = 0; b < values.Length; b++)
        {
            values[b] = sum[b] / weight[b];
        }

        upper[^1] = double.MaxValue; // scores above the highest seen take the last block
        return new Calibrator(RiskCalibration.Isotonic, [.. upper], values);
    }

    /// <summary>Platt scaling: p = σ(a·s + b) by Newton's method on the log likelihood, with Platt's smoothed targets.</summary>
    private static Calibrator FitPlatt(double[] scores, bool[] labels)
    {
        int positives = 0;
        foreach (bool l in labels)
        {
            positives += l ? 1 : 0;
        }

        int negatives = labels.Length - positives;
        double hi = (positives + 1.0) / (positives + 2.0), lo = 1.0 / (negatives + 2.0);
        double a = 1, b = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
            for (int i = 0; i < scores.Length; i++)
            {
                double p = 1 / (1 + Math.Exp(-((a * scores[i]) + b)));
                double d = p - (labels[i] ? hi : lo), w = p * (1 - p);
                ga += d * scores[i];
                gb += d;
                haa += w * scores[i] * scores[i];
                hab += w * scores[i];
                hbb += w;
            }

            double det = (haa * hbb) - (hab * hab);
            double da = ((hbb * ga) - (hab * gb)) / det, db = ((haa * gb) - (hab * ga)) / det;
            double before = Loss(scores, labels, hi, lo, a, b), step = 1;
            while (step > 1e-6 && Loss(scores, labels, hi, lo, a - (step * da), b - (step * db)) > before)
            {
                step /= 2; // backtracking: a full Newton step can overshoot on large scores
            }

            a -= step * da;
            b -= step * db;
            if (step * (Math.Abs(da) + Math.Abs(db)) < 1e-10)
            {
                break;
            }
        }

        return new Calibrator(RiskCalibration.Platt, [a, b], []);
    }

    private static double Loss(double[] scores, bool[] labels, double hi, double lo, double a, double b)
    {
        double loss = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double z = (a * scores[i]) + b, t = labels[i] ? hi : lo;
            loss += Math.Log(1 + Math.Exp(-Math.Abs(z))) + Math.Max(z, 0) - (t * z); // −[t ln σ(z) + (1 − t) ln(1 − σ(z))], stable
        }

        return loss;
    }

    public void Write(BinaryWriter w)
    {
        w.Write((byte)_kind);
        w.Write(_scores.Length);
        foreach (double s in _scores)
        {
            w.Write(s);
        }

        w.Write(_values.Length);
        foreach (double v in _values)
        {
            w.Write(v);
        }
    }

    public static Calibrator Read(BinaryReader r)
    {
        var kind = (RiskCalibration)r.ReadByte();
        if (kind is not (RiskCalibration.Isotonic or RiskCalibration.Platt))
        {
            throw new FormatException("The model file is damaged: unknown calibration.");
        }

        var scores = new double[Count(r.ReadInt32())];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = r.ReadDouble();
        }

        var values = new double[Count(r.ReadInt32())];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadDouble();
        }

        if ((kind == RiskCalibration.Platt && scores.Length != 2) || (kind == RiskCalibration.Isotonic && (scores.Length == 0 || scores.Length != values.Length)))
        {
            throw new FormatException("The model file is damaged: the calibration's sizes do not match.");
        }

        return new Calibrator(kind, scores, values);
    }

    private static int Count(int value) =>
        value < 0 || value > 10_000_000 ? throw new FormatException($"The model file is damaged: a count of {value}.") : value;
}
