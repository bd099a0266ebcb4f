using System.Text;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>A moment of truth that happened: which, when (the time of its last step) and its outcome.</summary>
/// <param name="Moment">The index of the moment of truth in the journey.</param>
/// <param name="Ticks">When it completed, UTC ticks.</param>
/// <param name="Outcome">Its outcome.</param>
public readonly record struct MomentOfTruthHit(int Moment, long Ticks, MomentOfTruthOutcome Outcome);
