using System.Text.Json;
using JourneyKit.Events;

namespace JourneyKit.WebLoad;

/// <summary>The JSON body of <c>POST /events</c> (the web sample's ingestion endpoint), written from events: an array of
/// objects with customerId, touchpoint, timestamp, and channel, eventId and value when set. The load run and the
/// Hosting tests send their events with it.</summary>
public static class EventsJson
{
    /// <summary>The UTF-8 JSON array of <paramref name="events"/>.</summary>
    public static byte[] Serialize(IReadOnlyList<JourneyEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (JourneyEvent e in events)
            {
                w.WriteStartObject();
                w.WriteString("customerId", e.CustomerId);
                w.WriteString("touchpoint", e.Touchpoint);
                w.WriteString("timestamp", e.Timestamp);
                if (!e.Channel.IsNone)
                {
                    w.WriteString("channel", e.Channel.Name);
                }

                if (e.EventId is not null)
                {
                    w.WriteString("eventId", e.EventId);
                }

                if (e.Value is { } v)
                {
                    w.WriteNumber("value", v);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return buffer.ToArray();
    }
}
