using System.CommandLine;
using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>
/// The options of every command that reads an events file, spelled and checked the same everywhere:
/// <c>--skip-bad-rows</c>, <c>--columns</c>, <c>--timestamp-format</c>, <c>--time-zone</c>, <c>--lifecycle</c>.
/// </summary>
internal sealed class CliEventOptions
{
    public Option<bool> Skip { get; } = CliOptions.SkipBadRows();

    public Option<string> Columns { get; } = new("--columns")
    {
        Description = "When the file names the fields differently: which column (CSV), field (JSON Lines) or key (XES) holds each, as FIELD=COLUMN pairs, e.g. customer_id=user,touchpoint=event,timestamp=time. Fields: customer_id, touchpoint, timestamp, channel, event_id, value.",
        HelpName = "field=column,…",
    };

    public Option<string> TimestampFormat { get; } = new("--timestamp-format")
    {
        Description = "How the file writes timestamps: iso (the default: ISO 8601 with an offset, or Unix seconds), unix-seconds, unix-ms, or a .NET pattern such as \"dd/MM/yyyy HH:mm\" (a pattern without an offset needs --time-zone). Not used for XES.",
        HelpName = "format",
    };

    public Option<string> TimeZone { get; } = new("--time-zone")
    {
        Description = "The time zone of local timestamps (without an offset): an IANA name such as Europe/Amsterdam, or UTC. At a daylight-saving change a skipped local time is an error and a repeated one is the earlier instant.",
        HelpName = "zone",
    };

    public Option<string> Lifecycle { get; } = new("--lifecycle")
    {
        Description = "XES: what lifecycle:transition does: ignore (every event, the default), complete (only complete events), append (touchpoint 'A_SUBMITTED+complete').",
        HelpName = "ignore|complete|append",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Skip);
        command.Options.Add(Columns);
        command.Options.Add(TimestampFormat);
        command.Options.Add(TimeZone);
        command.Options.Add(Lifecycle);
    }

    /// <summary>Reads and checks the options; a bad value is a usage error that says how to write it.</summary>
    /// <exception cref="CliUsageException">A value is not valid.</exception>
    public CliEventReading Get(ParseResult parse)
    {
        EventColumnMapping? columns = null;
        if (parse.GetValue(Columns) is { } columnsText)
        {
            try
            {
                columns = EventColumnMapping.Parse(columnsText);
            }
            catch (FormatException e)
            {
                throw new CliUsageException("--columns: " + e.Message);
            }
        }

        EventTimestampFormat format = EventTimestampFormat.Default;
        if (parse.GetValue(TimestampFormat) is { } formatText)
        {
            try
            {
                format = EventTimestampFormat.Parse(formatText);
            }
            catch (FormatException e)
            {
                throw new CliUsageException("--timestamp-format: " + e.Message);
            }
        }

        TimeZoneInfo? zone = null;
        if (parse.GetValue(TimeZone) is { } zoneText)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(zoneText.Trim());
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
            {
                throw new CliUsageException(CliMessages.UnknownTimeZone(zoneText));
            }
        }

        if (!format.HasOffset && zone is null)
        {
            throw new CliUsageException(CliMessages.FormatNeedsTimeZone(format.Name));
        }

        LifecycleTransitionHandling lifecycle = parse.GetValue(Lifecycle)?.Trim().ToLowerInvariant() switch
        {
            null or "ignore" => LifecycleTransitionHandling.Ignore,
            "complete" or "complete-only" => LifecycleTransitionHandling.CompleteOnly,
            "append" => LifecycleTransitionHandling.AppendToTouchpoint,
            { } other => throw new CliUsageException(CliMessages.BadLifecycle(other)),
        };
        return new CliEventReading(parse.GetValue(Skip), columns, format, zone, lifecycle);
    }
}

/// <summary>How a command reads its events file (from <see cref="CliEventOptions.Get"/>).</summary>
internal sealed record CliEventReading(bool SkipBadRows, EventColumnMapping? Columns, EventTimestampFormat TimestampFormat, TimeZoneInfo? TimeZone, LifecycleTransitionHandling Lifecycle)
{
    /// <summary>The defaults: fail on bad rows, standard names, ISO or Unix seconds, no zone.</summary>
    public static CliEventReading Default { get; } = new(false, null, EventTimestampFormat.Default, null, LifecycleTransitionHandling.Ignore);
}
