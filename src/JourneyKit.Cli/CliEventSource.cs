using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>
/// The events file a streamed command reads by customer batches (<see cref="CliEventStream"/>): read as it is while it
/// is grouped by customer; once a customer is found coming back, sorted by customer on disk
/// (<see cref="EventFile.SortByCustomer"/>) and read from the sorted runs from then on, so the first pass (the latest
/// event) and the second read the file once between them. Disposing deletes the temporary file.
/// </summary>
internal sealed class CliEventSource(string path, CliEventReading reading) : IDisposable
{
    /// <summary>Tests set a small number of events per sorted run to get many runs from a small file.</summary>
    internal static readonly AsyncLocal<int?> RunEventsForTests = new();

    /// <summary>Tests set the directory of the temporary file (to count what is left behind).</summary>
    internal static readonly AsyncLocal<string?> TempDirectoryForTests = new();

    /// <summary>Gets the events file.</summary>
    public string Path { get; } = path;

    /// <summary>Gets how the file is read.</summary>
    public CliEventReading Reading { get; } = reading;

    /// <summary>Gets the file sorted by customer on disk, or null while it is read as it is.</summary>
    public CustomerSortedEvents? Sorted { get; private set; }

    /// <summary>
    /// Says on stderr that the file is not grouped by customer and sorts it by customer on disk (one read, with a
    /// progress bar on a terminal); bad rows are reported when the sorted runs are read (<see cref="CliEventStream.Read"/>).
    /// </summary>
    public void Sort(CliContext context, string customer)
    {
        string directory = TempDirectoryForTests.Value ?? System.IO.Path.GetTempPath();
        context.Stderr.WriteLine(CliMessages.NotGrouped(Path, customer, directory));
        using var bar = context.StderrIsTerminal ? new CliProgressBar(context.Stderr, System.IO.Path.GetFileName(Path)) : null;
        EventReaderOptions options = CliEventInput.ReaderOptions(Reading, bar, long.MaxValue);
        Sorted = EventFile.SortByCustomer(Path, options, RunEventsForTests.Value ?? EventFile.DefaultSortRunEvents, directory);
    }

    public void Dispose() => Sorted?.Dispose();
}
