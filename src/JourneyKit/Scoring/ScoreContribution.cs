namespace JourneyKit.Scoring;

/// <summary>One component's part of a score.</summary>
/// <param name="Component">The component name.</param>
/// <param name="Weight">The component's normalized weight (weights sum to 1).</param>
/// <param name="Value">The component value, 0..1.</param>
/// <param name="Points">The points it adds to the score: 100 × weight × value.</param>
/// <param name="PointsLost">The points it cost: 100 × weight × (1 − value).</param>
/// <param name="Explanation">Why.</param>
public sealed record ScoreContribution(string Component, double Weight, double Value, double Points, double PointsLost, string Explanation)
{
    /// <summary>Formats the contribution, e.g. <c>velocity -12: stuck 3d over standard in 'Verify identity'</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Component} -{Math.Round(PointsLost)}: {Explanation}");

    /// <summary>Formats the contribution as <see cref="ToString"/> does, into a span of characters (no string).</summary>
    /// <param name="destination">Where the text goes.</param>
    /// <param name="charsWritten">Receives the number of characters written.</param>
    /// <returns>False when <paramref name="destination"/> is too short (then <paramref name="charsWritten"/> is 0).</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten) =>
        destination.TryWrite(System.Globalization.CultureInfo.InvariantCulture, $"{Component} -{Math.Round(PointsLost)}: {Explanation}", out charsWritten);
}
