using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Reads journey events from XES (IEEE 1849-2016, the process-mining event log format): one customer per
/// <c>&lt;trace&gt;</c>, one event per <c>&lt;event&gt;</c>.
/// </summary>
/// <remarks>
/// <para><b>Fields.</b> The trace's <c>concept:name</c> is the customer id; the event's <c>concept:name</c> is the
/// touchpoint and its <c>time:timestamp</c> the timestamp. <see cref="EventReaderOptions.LifecycleTransitions"/> says
/// what <c>lifecycle:transition</c> does (by default nothing: every event is read under its name).</para>
/// <para><b>Attributes.</b> Every other <c>string</c>, <c>date</c>, <c>int</c>, <c>float</c>, <c>boolean</c> or
/// <c>id</c> attribute of an event becomes an event attribute with the same key, its value kept as written. The
/// trace's attributes (other than its <c>concept:name</c>) are copied to each of its events; when an event has an
/// attribute with the same key, the event's value wins. <c>list</c> and <c>container</c> attributes and nested
/// (meta-)attributes are not read; log-level attributes, extensions, globals and classifiers are skipped. An empty
/// <c>value</c> means absent. Element names are matched without regard to the namespace.</para>
/// <para><b>Timestamps</b> are <c>xs:dateTime</c> and must carry an offset (<c>2011-10-01T00:38:44.546+02:00</c>),
/// unless <see cref="EventReaderOptions.TimeZone"/> says where local times are; <see cref="EventReaderOptions.TimestampFormat"/> does not apply. <see cref="EventReaderOptions.Columns"/> maps other keys (see <see cref="EventColumnMapping"/>).</para>
/// <para><b>Errors.</b> An event without a touchpoint or timestamp, with a bad date, or a trace without an id is a
/// bad row (one per event; a bad trace makes all its events bad and is described once) following
/// <see cref="EventReaderOptions.BadRows"/>; the error names the line, the character position of the element and the
/// trace (<c>log.xes:215:3: trace '173688', event 3 ('A_SUBMITTED') has no 'time:timestamp' …</c>). XML that is not
/// well-formed, a document type declaration (DTDs are prohibited: no entity expansion, no external resources), a root
/// element other than <c>log</c>, and a single node (attribute value, text, white space) longer than
/// <see cref="EventReaderOptions.MaxRecordLength"/> bytes stop reading with <see cref="EventFormatException"/> even
/// with <see cref="BadRowHandling.Skip"/>. <see cref="EventReadSummary.Rows"/> counts events.</para>
/// <para>The input is streamed with <see cref="System.Xml.XmlReader"/>: memory holds the read buffer, one trace (its
/// events and attributes, until its end tag) and the growing batch. Events are added in file order. Attribute values
/// are strings in <see cref="System.Xml.XmlReader"/>'s API, so reading allocates per attribute (unlike the CSV and
/// JSON Lines readers).</para>
/// <threadsafety>All members are thread-safe; one builder must not be filled by two reads at once.</threadsafety>
/// </remarks>
public static class XesEventReader
{
    /// <summary>Reads XES events from a stream into a new batch. The stream is read to its end and not disposed.</summary>
    /// <param name="stream">The XES bytes (not compressed; <see cref="EventFile"/> decompresses <c>.xes.gz</c>).</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid (see <see cref="EventReaderOptions.BadRows"/>).</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadResult Read(Stream stream, string? fileName = null, EventReaderOptions? options = null)
    {
        var builder = new EventBatchBuilder();
        EventReadSummary summary = ReadInto(stream, builder, fileName, options);
        return new EventReadResult(builder.Build(), summary);
    }

    /// <summary>Reads XES events from a stream into <paramref name="builder"/>. The stream is read to its end and not disposed.</summary>
    /// <param name="stream">The XES bytes.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid; events of the traces before the bad one stay in the builder.</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadSummary ReadInto(Stream stream, EventBatchBuilder builder, string? fileName = null, EventReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(builder);
        options ??= EventReaderOptions.Default;
        options.Validate();
        long? total = stream.CanSeek ? stream.Length - stream.Position : null;
        using var counting = new CountingStream(stream, leaveOpen: true);
        var context = new ReadContext(fileName, options, builder, () => counting.BytesRead, total);
        new XesParser(context, options, XesKeys.From(options.Columns)).ReadAll(counting);
        return context.Finish();
    }
}
