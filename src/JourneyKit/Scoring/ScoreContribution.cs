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
        $"{Component} -{Math.Round(PointsLost).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {Explanation}";
}
