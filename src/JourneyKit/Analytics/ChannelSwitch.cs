using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>Customers switching channel between consecutive events.</summary>
/// <param name="StageId">The stage of the later event (when it is out of path: the stage the customer was in; <c>(none)</c> before any stage).</param>
/// <param name="From">The channel of the earlier event.</param>
/// <param name="To">The channel of the later event.</param>
/// <param name="Count">How many switches.</param>
/// <param name="WithinStage">True when both events belong to the same stage: a silo — the customer had to change channel to get one stage done.</param>
public sealed record ChannelSwitch(string StageId, string From, string To, int Count, bool WithinStage);
