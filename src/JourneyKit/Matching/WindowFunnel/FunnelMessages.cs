using System.Globalization;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>The explanation texts of window funnels, in one place.</summary>
internal static class FunnelMessages
{
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Stop(FunnelStop stop, string touchpoint, DateTimeOffset at, int step, int level) => stop switch
    {
        FunnelStop.StrictDeduplicationRepeat => string.Create(CultureInfo.InvariantCulture, $"strict_deduplication: a repeated '{touchpoint}' at {Instant(at)} stopped the chain at level {level}"),
        FunnelStop.StrictOrderOtherEvent => string.Create(CultureInfo.InvariantCulture, $"strict_order: '{touchpoint}' at {Instant(at)} matches no step and came after step 1; it stopped the chain at level {level}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"strict_order: '{touchpoint}' at {Instant(at)} is step {step} but step {step - 1} was never reached; it stopped the chain at level {level}"),
    };

    public static string Rejected(string code, string touchpoint, DateTimeOffset at, int step, DateTimeOffset start, DateTimeOffset previous, TimeSpan window, TimeSpan min, TimeSpan max) => code switch
    {
        "window" => string.Create(CultureInfo.InvariantCulture, $"window: '{touchpoint}' at {Instant(at)} (step {step}) is {Duration.Format(at - start, 2)} after step 1 at {Instant(start)}, outside the window of {Duration.Format(window)}"),
        "step_min" => string.Create(CultureInfo.InvariantCulture, $"step_min: '{touchpoint}' at {Instant(at)} (step {step}) is {Duration.Format(at - previous, 2)} after step {step - 1} at {Instant(previous)}, less than the {Duration.Format(min)} minimum"),
        "step_max" => string.Create(CultureInfo.InvariantCulture, $"step_max: '{touchpoint}' at {Instant(at)} (step {step}) is {Duration.Format(at - previous, 2)} after step {step - 1} at {Instant(previous)}, more than the {Duration.Format(max)} maximum"),
        "strict_increase" => string.Create(CultureInfo.InvariantCulture, $"strict_increase: '{touchpoint}' at {Instant(at)} (step {step}) is not later than step {step - 1} at {Instant(previous)}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"no_chain: '{touchpoint}' at {Instant(at)} (step {step}) fits no chain that reached step {step - 1} within the bounds and the window"),
    };
}
