using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>A component's value (0 = worst, 1 = best) and a human explanation.</summary>
/// <param name="Value">The value, clamped to 0..1 by the model.</param>
/// <param name="Explanation">Why, e.g. "stuck 3d over standard in 'Verify identity'".</param>
public readonly record struct ComponentValue(double Value, string Explanation);
