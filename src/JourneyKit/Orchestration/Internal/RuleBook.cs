using JourneyKit.Matching.Pattern;

namespace JourneyKit.Orchestration.Internal;

/// <summary>Per-rule bookkeeping for one customer.</summary>
internal sealed class RuleBook
{
    public long LastFiredTicks { get; set; } = -1;

    public List<long> FiredTicks { get; } = [];

    public PatternState? Pattern { get; set; }
}
