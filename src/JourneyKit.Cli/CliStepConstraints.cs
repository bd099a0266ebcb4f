using System.CommandLine;
using System.Globalization;
using JourneyKit.Matching;

namespace JourneyKit.Cli;

/// <summary>
/// <c>--step-within 1-2:1d,2-3:20d</c> and <c>--step-after 2-3:7d</c>: time bounds between consecutive matched steps,
/// shared by <c>funnel</c> and <c>analyze --funnel</c>. Each item is <c>I-J:DURATION</c> with J = I + 1 (1-based steps).
/// </summary>
internal static class CliStepConstraints
{
    public static Option<string[]> Within() => new("--step-within")
    {
        Description = "Per transition, the most time between the matched steps (inclusive), whatever lies between: I-J:DURATION with J = I + 1, comma-separated or repeated (1-2:1d,2-3:20d).",
        HelpName = "i-j:duration",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> After() => new("--step-after")
    {
        Description = "Per transition, the least time between the matched steps (inclusive): I-J:DURATION with J = I + 1 (2-3:7d = step 3 at least 7 days after step 2).",
        HelpName = "i-j:duration",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Parses both options into constraints for a funnel of <paramref name="steps"/> steps.</summary>
    /// <exception cref="CliUsageException">A malformed item, a transition that is not between consecutive steps, or a bad duration.</exception>
    public static List<FunnelStepConstraint> Parse(string[]? within, string[]? after, int steps)
    {
        var list = new List<FunnelStepConstraint>();
        Add(list, within, steps, "--step-within", isMax: true);
        Add(list, after, steps, "--step-after", isMax: false);
        return list;
    }

    private static void Add(List<FunnelStepConstraint> list, string[]? values, int steps, string option, bool isMax)
    {
        foreach (string value in values ?? [])
        {
            foreach (string item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int colon = item.IndexOf(':', StringComparison.Ordinal);
                int dash = colon < 0 ? -1 : item.IndexOf('-', StringComparison.Ordinal);
                if (colon < 0 || dash <= 0 || dash > colon
                    || !int.TryParse(item.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                    || !int.TryParse(item.AsSpan(dash + 1, colon - dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int to))
                {
                    throw new CliUsageException($"{option} '{item}': expected I-J:DURATION such as 1-2:1d (from step I to step J = I + 1)");
                }

                if (to != from + 1 || from < 1 || to > steps)
                {
                    throw new CliUsageException($"{option} '{item}': a constraint is between consecutive steps I-(I+1) with 1 <= I < {steps}; got {from}-{to}");
                }

                string text = item[(colon + 1)..];
                if (!Duration.TryParse(text, DurationStyles.PlainSeconds, out TimeSpan duration, out DurationParseError error))
                {
                    throw new CliUsageException($"{option} '{item}': {Duration.ErrorMessage(text, error, DurationStyles.PlainSeconds)}");
                }

                list.Add(isMax ? FunnelStepConstraint.Within(to, duration) : FunnelStepConstraint.After(to, duration));
            }
        }
    }
}
