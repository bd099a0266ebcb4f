using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>Names used for unknown values in analytics results.</summary>
public static class AnalyticsNames
{
    /// <summary>The value used when a stage, persona or channel is unknown: <c>(none)</c>.</summary>
    public const string None = "(none)";

    /// <summary>The state that stands for the least visited channels or touchpoints when attribution has more than 64 (<c>(other)</c>).</summary>
    public const string Other = "(other)";

    internal static string Of(Channel channel) => channel.IsNone ? None : channel.Name;
}
