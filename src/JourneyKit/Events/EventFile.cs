using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>Reads event files by path, choosing the format from the extension.</summary>
/// <remarks>
/// <para>Extensions (case-insensitive): <c>.csv</c> → <see cref="EventFileFormat.Csv"/>; <c>.jsonl</c> and
/// <c>.ndjson</c> → <see cref="EventFileFormat.JsonLines"/>; <c>.xes</c> → <see cref="EventFileFormat.Xes"/>. A further <c>.gz</c> (<c>events.csv.gz</c>) means the file
/// is gzip-compressed; it is decompressed while streaming and progress counts compressed bytes. Gzip data that is not
/// gzip, is truncated (cut anywhere, also at a flush boundary: each member's CRC-32 and length trailer is checked), is
/// followed by other bytes or is corrupt stops the read with <see cref="EventReadErrorCode.InvalidCompressedData"/>,
/// whatever <see cref="EventReaderOptions.BadRows"/> says. Pipes and other files that cannot seek are read as
/// streams (progress then has no total).</para>
/// <para>Error messages name the file by the path as given.</para>
/// <threadsafety>All members are thread-safe; one builder must not be filled by two reads at once.</threadsafety>
/// </remarks>
public static class EventFile
{
    /// <summary>Reads an event file into a new batch, the format chosen by <see cref="DetectFormat"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="ArgumentException">The extension is not known, or the options are not valid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid.</exception>
    public static EventReadResult Read(string path, EventReaderOptions? options) => Read(path, DetectFormat(path), options);

    /// <summary>Reads an event file into a new batch with the default options, the format chosen by <see cref="DetectFormat"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="ArgumentException">The extension is not known.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid.</exception>
    public static EventReadResult Read(string path) => Read(path, DetectFormat(path), null);

    /// <summary>Reads an event file of the given format into a new batch.</summary>
    /// <param name="path">The file path; a <c>.gz</c> extension still means gzip.</param>
    /// <param name="format">The format.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid.</exception>
    public static EventReadResult Read(string path, EventFileFormat format, EventReaderOptions? options)
    {
        var builder = new EventBatchBuilder();
        EventReadSummary summary = ReadInto(path, format, builder, options);
        return new EventReadResult(builder.Build(), summary);
    }

    /// <summary>Reads an event file into <paramref name="builder"/>, the format chosen by <see cref="DetectFormat"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="ArgumentException">The extension is not known, or the options are not valid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid; events before the bad row stay in the builder.</exception>
    public static EventReadSummary ReadInto(string path, EventBatchBuilder builder, EventReaderOptions? options) =>
        ReadInto(path, DetectFormat(path), builder, options);

    /// <summary>Reads an event file of the given format into <paramref name="builder"/>.</summary>
    /// <param name="path">The file path; a <c>.gz</c> extension still means gzip.</param>
    /// <param name="format">The format.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid; events before the bad row stay in the builder.</exception>
    public static EventReadSummary ReadInto(string path, EventFileFormat format, EventBatchBuilder builder, EventReaderOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(builder);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        options ??= EventReaderOptions.Default;
        options.Validate();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return ReadCore(file, file.CanSeek ? file.Length : null, path, format, IsGzip(path), builder, options, file.CanSeek ? file : null); // a pipe cannot seek
    }

    /// <summary>The default number of events per batch of <see cref="ReadByCustomer(string, EventReaderOptions?, int, Action{EventBatch})"/>: 262,144.</summary>
    public const int DefaultCustomerBatchEvents = 1 << 18;

    /// <summary>
    /// Reads an event file grouped by customer (every customer's events together, in any time order within the customer:
    /// the usual export) as a sequence of batches of whole customers, each handed to <paramref name="onBatch"/> as soon as
    /// it is complete, so memory holds one batch instead of the file. A batch is cut before the first event of a new
    /// customer once it holds <paramref name="batchEvents"/> events or more (a customer with more events than that is one
    /// larger batch). Each batch is what <see cref="Read(string, EventReaderOptions?)"/> gives for its customers (same
    /// sort, de-duplication and attribute columns) with its own symbol tables; the batches come in file order, so
    /// customers come in the order the whole file's batch has them.
    /// </summary>
    /// <param name="path">The file path, the format chosen by <see cref="DetectFormat"/>.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <param name="batchEvents">The number of events at or above which a batch is cut; at least 1.</param>
    /// <param name="onBatch">Called with each batch, in file order, on the calling thread.</param>
    /// <returns>The counts and errors of the whole read (as <see cref="Read(string, EventReaderOptions?)"/> gives them).</returns>
    /// <exception cref="ArgumentException">The extension is not known, or the options are not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchEvents"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid; the batches before the bad row were handed over.</exception>
    /// <exception cref="EventsNotGroupedException">A customer has events after a batch with its earlier events was handed
    /// over: the file is not grouped by customer (the batches before were handed over).</exception>
    public static EventReadSummary ReadByCustomer(string path, EventReaderOptions? options, int batchEvents, Action<EventBatch> onBatch)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchEvents, 1);
        ArgumentNullException.ThrowIfNull(onBatch);
        EventFileFormat format = DetectFormat(path);
        options ??= EventReaderOptions.Default;
        options.Validate();
        var builder = new EventBatchBuilder();
        builder.SplitByCustomer(new CustomerBatchSplitter(batchEvents, onBatch));
        EventReadSummary summary;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan))
        {
            summary = ReadCore(file, file.CanSeek ? file.Length : null, path, format, IsGzip(path), builder, options);
        }

        if (builder.Count > 0)
        {
            onBatch(builder.Build());
        }

        return summary;
    }

    /// <summary>The default number of events per sorted run of <see cref="SortByCustomer"/>: 1,048,576.</summary>
    public const int DefaultSortRunEvents = 1 << 20;

    /// <summary>
    /// Sorts an event file in any order by customer on disk, for reading it customer by customer in bounded memory
    /// (<see cref="CustomerSortedEvents.ReadByCustomer"/>) when it is not grouped by customer. The file is read once (bad
    /// rows are reported with the file's own line numbers, as <see cref="Read(string, EventReaderOptions?)"/> reports
    /// them) and cut into runs before a customer not yet in the run once the run holds <paramref name="runEvents"/>
    /// events or more; each run's customers are written to one temporary file in <paramref name="tempDirectory"/>.
    /// </summary>
    /// <param name="path">The file path, the format chosen by <see cref="DetectFormat"/>.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <param name="runEvents">The number of events at or above which a run is cut (memory holds one run); at least 1.</param>
    /// <param name="tempDirectory">The directory of the temporary file, or null for <see cref="Path.GetTempPath"/>
    /// (<c>TMPDIR</c> on Unix).</param>
    /// <returns>The sorted file; dispose it to delete the temporary file.</returns>
    /// <exception cref="ArgumentException">The extension is not known, or the options are not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="runEvents"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read, or the temporary file cannot be created or written (the
    /// disk is full, the directory is not writable: the message names the directory); nothing is left behind.</exception>
    /// <exception cref="EventFormatException">The data is not valid.</exception>
    public static CustomerSortedEvents SortByCustomer(string path, EventReaderOptions? options, int runEvents, string? tempDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(runEvents, 1);
        EventFileFormat format = DetectFormat(path);
        options ??= EventReaderOptions.Default;
        options.Validate();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var sorted = new CustomerSortedEvents(tempDirectory ?? Path.GetTempPath());
        try
        {
            var builder = new EventBatchBuilder();
            builder.SplitByCustomer(new CustomerBatchSplitter(runEvents, sorted.WriteRun, checksGrouping: false) { Rank = sorted.Rank });
            EventReadSummary summary = ReadCore(file, file.CanSeek ? file.Length : null, path, format, IsGzip(path), builder, options);
            if (builder.Count > 0)
            {
                sorted.WriteRun(builder.BuildRanked(sorted.Rank(builder.CustomerTable)));
            }

            sorted.Complete(summary);
            return sorted;
        }
        catch
        {
            sorted.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads events from a stream that need not be seekable (standard input, a pipe, a network stream) into
    /// <paramref name="builder"/>. Gzip is recognised by its signature (1f 8b) and decompressed; the format is
    /// <paramref name="format"/>, or when null, told from the first character that is not white space (or a byte-order
    /// mark): <c>{</c> JSON Lines, <c>&lt;</c> XES, else CSV. The stream is read to its end and not disposed.
    /// </summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="fileName">The name used in error messages, or null for <c>&lt;stdin&gt;</c>.</param>
    /// <param name="format">The format, or null to tell it from the content.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    /// <exception cref="EventFormatException">The data is not valid (including truncated or corrupt gzip); events
    /// before the problem stay in the builder.</exception>
    public static EventReadSummary ReadInto(Stream stream, string? fileName, EventFileFormat? format, EventBatchBuilder builder, EventReaderOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(builder);
        if (format is { } f && !Enum.IsDefined(f))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        options ??= EventReaderOptions.Default;
        options.Validate();
        using var peek = new PeekStream(stream);
        bool gzip = GzipReadStream.HasSignature(peek.Peek(2));
        return ReadCore(peek, null, fileName ?? EventReaderMessages.StandardInputName, format, gzip, builder, options);
    }

    private static EventReadSummary ReadCore(Stream source, long? totalBytes, string fileName, EventFileFormat? format, bool gzip, EventBatchBuilder builder, EventReaderOptions options, FileStream? seekable = null)
    {
        using var counting = new CountingStream(source, leaveOpen: true);
        using var gunzip = gzip ? new GzipReadStream(counting, leaveOpen: true) : null;
        Stream input = gunzip ?? (Stream)counting;
        var context = new ReadContext(fileName, options, builder, () => counting.BytesRead, totalBytes)
        {
            SeekableFile = gzip || format != EventFileFormat.Csv || builder.IsSplitting ? null : seekable, // CSV read as is may go by chunks
        };
        try
        {
            if (format is null)
            {
                var sniff = new PeekStream(input); // the (decompressed) start, read again by the parser
                format = Sniff(sniff.Peek(EventReaderConstants.SniffBytes));
                input = sniff;
            }

            if (format == EventFileFormat.Csv)
            {
                CsvEventReader.ReadCore(input, context, options.MaxRecordLength);
            }
            else if (format == EventFileFormat.Xes)
            {
                new XesParser(context, options, XesKeys.From(options.Columns)).ReadAll(input);
            }
            else
            {
                new JsonLinesEventReader.JsonLinesParser(context, options.MaxRecordLength).ReadAll(input);
            }
        }
        catch (Exception e) when (e is InvalidDataException or GzipDataException)
        {
            // Decompression problems (not gzip, truncated, trailing data, corrupt) end the read, whatever BadRows says,
            // so a skipped-rows summary never hides a cut file.
            context.Fatal(EventReadErrorCode.InvalidCompressedData, 0, null, 0, EventReaderMessages.CompressedData(e is GzipDataException ? e.Message : EventReaderMessages.CorruptCompressed(e.Message), context.Rows, counting.BytesRead), e);
        }

        return context.Finish();
    }

    /// <summary>The format told from the first character that is not white space or a byte-order mark: '{' JSON Lines,
    /// '&lt;' XES, else CSV.</summary>
    private static EventFileFormat Sniff(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith("\uFEFF"u8))
        {
            start = start[3..];
        }

        int i = start.IndexOfAnyExcept(" \t\r\n"u8);
        return i < 0 ? EventFileFormat.Csv : start[i] switch
        {
            (byte)'{' => EventFileFormat.JsonLines,
            (byte)'<' => EventFileFormat.Xes,
            _ => EventFileFormat.Csv,
        };
    }

    /// <summary>Tells the format of an event file from its extension.</summary>
    /// <param name="path">The file path or name.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException">The extension is none of <c>.csv</c>, <c>.jsonl</c>, <c>.ndjson</c>, <c>.xes</c> (optionally followed by <c>.gz</c>).</exception>
    public static EventFileFormat DetectFormat(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (TryDetectFormat(path, out EventFileFormat format))
        {
            return format;
        }

        throw new ArgumentException(EventReaderMessages.UnknownExtension(path), nameof(path));
    }

    /// <summary>Tries to tell the format of an event file from its extension.</summary>
    /// <param name="path">The file path or name.</param>
    /// <param name="format">The format, when known.</param>
    /// <returns><see langword="true"/> when the extension is known.</returns>
    public static bool TryDetectFormat(string? path, out EventFileFormat format)
    {
        format = EventFileFormat.Csv;
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        string name = IsGzip(path) ? path[..^3] : path;
        string extension = Path.GetExtension(name);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (extension.Equals(".xes", StringComparison.OrdinalIgnoreCase))
        {
            format = EventFileFormat.Xes;
            return true;
        }

        if (extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            format = EventFileFormat.JsonLines;
            return true;
        }

        return false;
    }

    private static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
}
