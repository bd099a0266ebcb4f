namespace JourneyKit.Analytics.Statistics;

/// <summary>The standard normal distribution: CDF, two-sided p-values and quantiles (no dependency beyond the BCL).</summary>
public static class NormalDistribution
{
    /// <summary>Gets P(Z ≤ <paramref name="z"/>) for a standard normal Z (absolute error below 1.2e-7).</summary>
    /// <param name="z">The value.</param>
    /// <returns>The probability.</returns>
    public static double Cdf(double z) => z >= 0 ? 1 - (0.5 * Erfc(z / Math.Sqrt(2))) : 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>Gets the two-sided p-value P(|Z| ≥ |<paramref name="z"/>|).</summary>
    /// <param name="z">The statistic.</param>
    /// <returns>The p-value, 0..1.</returns>
    public static double TwoSidedPValue(double z) => double.IsNaN(z) ? double.NaN : Math.Min(1, Erfc(Math.Abs(z) / Math.Sqrt(2)));

    /// <summary>Gets the upper-tail p-value of a chi-square statistic with one degree of freedom: P(X ≥ <paramref name="chiSquare"/>).</summary>
    /// <param name="chiSquare">The statistic (non-negative).</param>
    /// <returns>The p-value.</returns>
    public static double ChiSquare1PValue(double chiSquare) => chiSquare <= 0 ? 1 : Math.Min(1, Erfc(Math.Sqrt(chiSquare / 2)));

    /// <summary>Gets z such that P(Z ≤ z) = <paramref name="p"/> (Acklam's rational approximation refined by one Halley step).</summary>
    /// <param name="p">The probability, strictly between 0 and 1.</param>
    /// <returns>The quantile.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not strictly between 0 and 1.</exception>
    public static double Quantile(double p)
    {
        if (!(p is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must be strictly between 0 and 1.");
        }

        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        double x;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - low)
        {
            double q = p - 0.5, r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        double e = Cdf(x) - p; // one Halley refinement step
        double u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - (u / (1 + (x * u / 2)));
    }

    /// <summary>The complementary error function (Numerical Recipes' Chebyshev fit, fractional error below 1.2e-7).</summary>
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double poly = 0.17087277;
        poly = (poly * t) - 0.82215223;
        poly = (poly * t) + 1.48851587;
        poly = (poly * t) - 1.13520398;
        poly = (poly * t) + 0.27886807;
        poly = (poly * t) - 0.18628806;
        poly = (poly * t) + 0.09678418;
        poly = (poly * t) + 0.37409196;
        poly = (poly * t) + 1.00002368;
        poly = (poly * t) - 1.26551223;
        double r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}
