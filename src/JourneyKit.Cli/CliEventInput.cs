using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>Reads an events file for a command, with a progress bar on stderr when stderr is a terminal.</summary>
internal static class CliEventInput
{
    /// <summary>Whether an events path means standard input.</summary>
    public static bool IsStdin(string path) => path == "-";

    /// <summary>Whether an events path names a stream whose format is told from its content (stdin, /dev/fd/N).</summary>
    public static bool IsStreamPath(string path) =>
        IsStdin(path) || path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/proc/self/fd/", StringComparison.Ordinal);

    /// <summary>Reads <paramref name="path"/> into a new batch (or into <paramref name="builder"/>).</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="path">The events file.</param>
    /// <param name="reading">How to read: skip bad rows (and print the first few to stderr) instead of failing, the
    /// column mapping, timestamp format, time zone and XES lifecycle handling.</param>
    /// <param name="builder">A builder sharing symbol tables, or null for a new one.</param>
    /// <returns>The batch and the read summary.</returns>
    /// <exception cref="EventFormatException">The data is not valid (mapped to exit code 1).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (mapped to exit code 2).</exception>
    /// <exception cref="CliUsageException">The file name has no known extension (mapped to exit code 2).</exception>
    public static (EventBatch Batch, EventReadSummary Summary) Read(CliContext context, string path, CliEventReading reading, EventBatchBuilder? builder = null)
    {
        using var bar = context.StderrIsTerminal ? new CliProgressBar(context.Stderr, IsStdin(path) ? "<stdin>" : Path.GetFileName(path)) : null;
        EventReaderOptions options = ReaderOptions(reading, bar);
        builder ??= new EventBatchBuilder();
        EventReadSummary summary;
        if (IsStdin(path))
        {
            using Stream stdin = context.OpenStdin();
            summary = EventFile.ReadInto(stdin, null, null, builder, options); // gzip and format told from the content
        }
        else if (!EventFile.TryDetectFormat(path, out _))
        {
            if (!IsStreamPath(path))
            {
                throw new CliUsageException(CliMessages.UnknownEventFile(path));
            }

            // A pipe without an extension (/dev/fd/63 from a shell's <(…)): read it as a stream, format from the content.
            using var pipe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            summary = EventFile.ReadInto(pipe, path, null, builder, options);
        }
        else
        {
            summary = EventFile.ReadInto(path, builder, options);
        }
        bar?.Dispose();
        Report(context, summary);
        return (builder.Build(), summary);
    }

    /// <summary>The reader options of a command's event options.</summary>
    internal static EventReaderOptions ReaderOptions(CliEventReading reading, IProgress<EventReadProgress>? progress, long? maxEvents = null) => new()
    {
        MaxEvents = maxEvents ?? new EventReaderOptions().MaxEvents,
        BadRows = reading.SkipBadRows ? BadRowHandling.Skip : BadRowHandling.Fail,
        Columns = reading.Columns,
        TimestampFormat = reading.TimestampFormat,
        TimeZone = reading.TimeZone,
        LifecycleTransitions = reading.Lifecycle,
        Progress = progress,
    };

    /// <summary>Writes the skipped bad rows (the first few, then the count) to stderr.</summary>
    internal static void Report(CliContext context, EventReadSummary summary)
    {
        foreach (EventReadError error in summary.Errors)
        {
            context.Stderr.WriteLine(error.Message);
        }

        if (summary.Skipped > summary.Errors.Count)
        {
            context.Stderr.WriteLine(CliMessages.Summary("bad rows skipped", summary.Skipped));
        }
    }
}
