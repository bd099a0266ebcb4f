using System.Globalization;
using System.Text;
using JourneyKit.Events;

namespace JourneyKit.Tests.Shared;

/// <summary>Shared helpers for the event reader and writer tests (linked into several test projects).</summary>
internal static class EventTestHelper
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static EventReadResult Csv(string text, EventReaderOptions? options = null) =>
        CsvEventReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "events.csv", options);

    public static EventReadResult Csv(byte[] bytes, EventReaderOptions? options = null) =>
        CsvEventReader.Read(new MemoryStream(bytes), "events.csv", options);

    public static EventReadResult Jsonl(string text, EventReaderOptions? options = null) =>
        JsonLinesEventReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "events.jsonl", options);

    public static EventReadResult Jsonl(byte[] bytes, EventReaderOptions? options = null) =>
        JsonLinesEventReader.Read(new MemoryStream(bytes), "events.jsonl", options);

    public static readonly EventReaderOptions Skip = new() { BadRows = BadRowHandling.Skip };

    /// <summary>One event of a batch as a comparable tuple; attributes sorted by key.</summary>
    public static string Describe(EventBatch batch, int row)
    {
        JourneyEvent e = batch.GetEvent(row);
        string attributes = e.Attributes is null
            ? string.Empty
            : string.Join(";", e.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
        return $"{e.CustomerId}|{e.Touchpoint}|{e.TimestampTicks}|{e.Channel.Name}|{e.EventId}|{e.Value?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}|{attributes}";
    }

    /// <summary>The batch per customer run: customer id, then the events in order.</summary>
    public static List<string> Describe(EventBatch batch)
    {
        var lines = new List<string>();
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            lines.Add("customer " + batch.Customers[batch.CustomerOfRun(run)]);
            for (int row = batch.CustomerStarts[run]; row < batch.CustomerStarts[run + 1]; row++)
            {
                lines.Add(Describe(batch, row));
            }
        }

        return lines;
    }

    /// <summary>A read as comparable text: counts, errors, events per customer and the symbol tables in id order, or the failure.</summary>
    public static string Outcome(Func<EventReadResult> read)
    {
        try
        {
            EventReadResult result = read();
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"rows={result.Rows} events={result.Batch.Count} skipped={result.Skipped} duplicates={result.Duplicates}\n");
            foreach (EventReadError e in result.Errors)
            {
                text.Append(CultureInfo.InvariantCulture, $"error {e.Code} line {e.Line} column {e.Column} #{e.ColumnNumber}: {e.Reason}\n");
            }

            text.AppendJoin('\n', Describe(result.Batch)).Append('\n');
            text.Append("customers ").AppendJoin(',', result.Batch.Customers.ToList()).Append('\n');
            text.Append("touchpoints ").AppendJoin(',', result.Batch.Touchpoints.ToList()).Append('\n');
            text.Append("channels ").AppendJoin(',', result.Batch.Channels.ToList()).Append('\n');
            text.Append("touchpoint ids ").AppendJoin(',', result.Batch.TouchpointIds.ToArray());
            return text.ToString();
        }
        catch (EventFormatException e)
        {
            return $"fails {e.Code} line {e.Line} column {e.Error.Column} #{e.Error.ColumnNumber}: {e.Error.Reason}";
        }
    }
}
