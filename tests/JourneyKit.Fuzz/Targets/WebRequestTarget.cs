using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Samples.WebApi;

namespace JourneyKit.Fuzz.Targets;

/// <summary>
/// The web sample's request parser, as <c>POST /events</c> runs it: <see cref="JsonDocument"/> over the body (a
/// <see cref="JsonException"/> is the sample's 400), then <c>EventRequestParser.Parse</c> with the sample's default <see cref="WebApiLimits"/>, whose problems are the
/// sample's 400 too. Anything else thrown would be a 500. Accepted events must go into a batch (the ingestion path).
/// </summary>
internal sealed class WebRequestTarget : FuzzTarget
{
    /// <summary>The sample's default limits (request size, events per request, id, key and value lengths).</summary>
    private static readonly WebApiLimits Limits = new();

    public override string Name => "web-events";

    public override string Description => "the web sample's POST /events body: JsonDocument.Parse, EventRequestParser.Parse";

    public override IReadOnlyList<byte[]> Tokens { get; } = Utf8(
        "{", "}", "[", "]", ",", ":", "\"customerId\"", "\"touchpoint\"", "\"timestamp\"", "\"channel\"", "\"eventId\"",
        "\"value\"", "\"attributes\"", "\"c1\"", "\"app.open\"", "\"2026-01-24T08:08:23Z\"", "\"2026-01-24T08:08:23\"",
        "1769242103", "-1", "253402300800", "1e309", "\"web\"", "\"fax\"", "null", "true", "\"\\ud800\"", "\"\\udfff\"",
        "\"\\u0000\"", "\"a/b\"", "\"..\"", "\"\\/\"");

    public override void Run(ReadOnlySpan<byte> data)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data.ToArray());
        }
        catch (JsonException)
        {
            return; // 400: not JSON
        }

        using (document)
        {
            (List<JourneyEvent> events, Dictionary<string, string[]> errors) = EventRequestParser.Parse(document.RootElement, Limits);
            if (errors.Count > 0)
            {
                foreach (KeyValuePair<string, string[]> e in errors)
                {
                    Check.That(e.Key.StartsWith('$') && e.Value.Length > 0, $"error without a path or message: {e.Key}");
                }

                return;
            }

            Check.That(events.Count > 0, "no events and no errors");
            var builder = new EventBatchBuilder();
            foreach (JourneyEvent e in events)
            {
                builder.Add(e);
            }

            builder.Build();
        }
    }
}
