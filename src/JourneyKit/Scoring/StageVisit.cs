using System.Text;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>One stay in a stage: entered at, left at (null while the customer is still there).</summary>
/// <param name="Stage">The stage index.</param>
/// <param name="EnteredTicks">When the customer entered, UTC ticks.</param>
/// <param name="ExitedTicks">When the customer left, UTC ticks, or null.</param>
public readonly record struct StageVisit(int Stage, long EnteredTicks, long? ExitedTicks)
{
    /// <summary>Gets the persona the run had when it entered the stage (for segment analytics), or null.</summary>
    public string? Persona { get; init; }
}
