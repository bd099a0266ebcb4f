using JourneyKit.Events;

namespace JourneyKit.Fuzz.Targets;

/// <summary>
/// An event reader (<c>EventFile.ReadInto(Stream, …)</c>, the path the CLI takes for every events file): CSV, JSON Lines,
/// XES, or the format and gzip told from the content. The only error allowed is a located
/// <see cref="EventFormatException"/>; afterwards the builder must still build a batch whose counts agree with the
/// summary. Limits are set low (distinct keys, events) so their paths are reached by small inputs; an input of odd
/// length skips bad rows, an even one throws on the first.
/// </summary>
internal sealed class EventReaderTarget(string name, EventFileFormat? format, string description, IReadOnlyList<byte[]> tokens) : FuzzTarget
{
    private static readonly EventLimits Limits = new() { MaxDistinctAttributeKeys = 64, MaxEvents = 20_000, MaxIdLength = 256, MaxAttributeKeyLength = 128, MaxAttributeValueLength = 4_096 };

    public override string Name => name;

    public override string Description => description;

    public override IReadOnlyList<byte[]> Tokens => tokens;

    public override bool AcceptsGzip => true;

    public static EventReaderTarget Csv() => new("csv", EventFileFormat.Csv, "CSV events through EventFile.ReadInto(stream, format: Csv)", Utf8(
        "customer_id,touchpoint,timestamp,channel,event_id,value\n", "customer_id,touchpoint,timestamp\n", ",", "\n", "\r\n",
        "\"", "\"\"", "2026-01-02T03:04:05Z", "2026-01-02 03:04:05", "1767323045", "-62135596800", "9999-12-31T23:59:59Z",
        "+14:00", "NaN", "1e309", "-0", "web", "email", "\uFEFF", "\0", "attr.plan"));

    public static EventReaderTarget JsonLines() => new("jsonl", EventFileFormat.JsonLines, "JSON Lines events through EventFile.ReadInto(stream, format: JsonLines)", Utf8(
        "{\"customer_id\":\"c1\",\"touchpoint\":\"t\",\"timestamp\":\"2026-01-02T03:04:05Z\"}\n", "\n", "{", "}", "[", "]", ",", ":",
        "\"customer_id\"", "\"touchpoint\"", "\"timestamp\"", "\"channel\"", "\"event_id\"", "\"value\"", "\"attributes\"",
        "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "1767323045", "1e309", "-1", "null", "true", "\"2026-01-02T03:04:05+01:00\""));

    public static EventReaderTarget Xes() => new("xes", EventFileFormat.Xes, "XES event logs through EventFile.ReadInto(stream, format: Xes)", Utf8(
        "<?xml version=\"1.0\"?>", "<log>", "</log>", "<trace>", "</trace>", "<event>", "</event>",
        "<string key=\"concept:name\" value=\"a\"/>", "<date key=\"time:timestamp\" value=\"2026-01-02T03:04:05Z\"/>",
        "<string key=\"lifecycle:transition\" value=\"complete\"/>", "<float key=\"value\" value=\"1e309\"/>",
        "<int key=\"n\" value=\"-1\"/>", "<!DOCTYPE log [<!ENTITY a \"aaaa\">]>", "&a;", "&amp;", "<![CDATA[x]]>",
        "<global scope=\"event\">", "</global>", "<list key=\"l\">", "</list>", "&#xD800;", "<!-- c -->"));

    public static EventReaderTarget Sniffed() => new("events", null, "any events stream: gzip and the format told from the content (standard input, --events -)", [
        [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03], [0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80], .. Utf8("{", "<", "customer_id,touchpoint,timestamp\n", "c1,t,2026-01-02T03:04:05Z\n",
        "\"", "\n")]);

    public override void Run(ReadOnlySpan<byte> data)
    {
        var builder = new EventBatchBuilder { Limits = Limits };
        var options = new EventReaderOptions
        {
            BadRows = data.Length % 2 == 1 ? BadRowHandling.Skip : BadRowHandling.Fail,
            MaxRecordLength = 16_384,
            MaxEvents = 10_000,
        };
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        EventReadSummary? summary = null;
        try
        {
            summary = EventFile.ReadInto(stream, "fuzz", format, builder, options);
        }
        catch (EventFormatException e)
        {
            Check.That(Enum.IsDefined(e.Code), $"undefined error code {e.Code}");
            Check.That(e.Line >= 0 && !string.IsNullOrEmpty(e.Reason), $"error without a location or reason: {e.Message}");
            Check.That(e.FileName == "fuzz", $"error names file '{e.FileName}'");
        }

        EventBatch batch = builder.Build();
        if (summary is not null)
        {
            Check.That(summary.Added == batch.Count, $"summary says {summary.Added} added, batch has {batch.Count}");
            Check.That(summary.Rows == summary.Added + summary.Skipped + summary.Duplicates, $"rows {summary.Rows} != added {summary.Added} + skipped {summary.Skipped} + duplicates {summary.Duplicates}");
        }

        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        for (int c = 0; c + 1 < starts.Length; c++)
        {
            for (int i = starts[c] + 1; i < starts[c + 1]; i++)
            {
                Check.That(ticks[i - 1] <= ticks[i], "a customer's events are not sorted by time");
            }
        }
    }
}
