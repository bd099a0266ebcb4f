using System.Globalization;

namespace JourneyKit;

/// <summary>
/// The one text style for numbers people read — every <c>journeykit</c> command's table and the HTML report use it:
/// counts with thousands separators (<c>2,000</c>), shares as a percentage with one decimal and no space
/// (<c>65.8%</c>), durations in their two largest units (<c>2d 3h</c>, <see cref="JourneyKit.Duration.Format(TimeSpan, int)"/>)
/// and instants in UTC ISO-8601 with a fraction only when there is one (<c>2026-03-12T04:45:53Z</c>, the form
/// <c>JourneyKit.Events.JourneyTimestamp</c> reads back). A missing value is <see cref="Missing"/>. Culture-invariant.
/// </summary>
/// <remarks>
/// JSON output does not use these texts: there counts and shares are plain numbers (a share is a fraction from 0 to 1),
/// durations are seconds under a name ending in <c>_seconds</c> and instants are the same ISO-8601 text as
/// <see cref="Instant(DateTimeOffset)"/> (docs/cli.md).
/// <threadsafety>All members are thread-safe.</threadsafety>
/// </remarks>
public static class DisplayFormat
{
    /// <summary>The text of a missing value (no share of zero customers, no percentile of no visits): <c>-</c>.</summary>
    public const string Missing = "-";

    /// <summary>Formats a count with thousands separators: <c>2,000</c>, <c>-1,234</c>, <c>0</c>.</summary>
    /// <param name="value">The count.</param>
    /// <returns>The text.</returns>
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Formats a share, a fraction from 0 to 1, as a percentage with one decimal and no space: 0.6578 is <c>65.8%</c>,
    /// 1 is <c>100.0%</c>; <see cref="Missing"/> when <see langword="null"/> or not a number.
    /// </summary>
    /// <param name="fraction">The share as a fraction (0.5 is half).</param>
    /// <returns>The text.</returns>
    public static string Share(double? fraction) =>
        fraction is { } v && !double.IsNaN(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : Missing;

    /// <summary>
    /// Formats the share <paramref name="part"/> / <paramref name="whole"/> like <see cref="Share(double?)"/>;
    /// <see cref="Missing"/> when <paramref name="whole"/> is zero.
    /// </summary>
    /// <param name="part">The part (e.g. customers who converted).</param>
    /// <param name="whole">The whole (e.g. all customers).</param>
    /// <returns>The text.</returns>
    public static string Share(long part, long whole) => whole == 0 ? Missing : Share(part / (double)whole);

    /// <summary>
    /// Formats a duration for people, rounded to its two largest units: <c>2d 3h</c>, <c>37m 36s</c>, <c>3m</c>,
    /// <c>0s</c>, <c>unbounded</c> (<see cref="JourneyKit.Duration.Format(TimeSpan, int)"/> with 2);
    /// <see cref="Missing"/> when <see langword="null"/>.
    /// </summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan? value) => value is { } v ? JourneyKit.Duration.Format(v, 2) : Missing;

    /// <summary>
    /// Formats an instant in UTC ISO-8601, with the fraction of a second only when there is one and without trailing
    /// zeros: <c>2026-03-12T04:45:53Z</c>, <c>2026-03-12T04:45:53.25Z</c>. The offset of <paramref name="value"/> is
    /// converted away, so two texts of the same instant are equal.
    /// </summary>
    /// <param name="value">The instant.</param>
    /// <returns>The text.</returns>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats an instant like <see cref="Instant(DateTimeOffset)"/>; <see cref="Missing"/> when <see langword="null"/>.</summary>
    /// <param name="value">The instant, or <see langword="null"/>.</param>
    /// <returns>The text.</returns>
    public static string Instant(DateTimeOffset? value) => value is { } v ? Instant(v) : Missing;
}
