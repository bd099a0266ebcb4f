using System.Globalization;
using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Samples.WebApi;

/// <summary>Validates a POST /events body, collecting every problem with its JSON path.</summary>
public static class EventRequestParser
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "customerId", "touchpoint", "timestamp", "channel", "eventId", "value", "attributes" };

    /// <summary>Parses one event object or an array of them.</summary>
    /// <param name="root">The JSON.</param>
    /// <param name="maxEvents">The most events accepted.</param>
    /// <returns>The events (when there are no errors) and the errors by path.</returns>
    public static (List<JourneyEvent> Events, Dictionary<string, string[]> Errors) Parse(JsonElement root, int maxEvents)
    {
        var events = new List<JourneyEvent>();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Error(string path, string message)
        {
            if (!errors.TryGetValue(path, out List<string>? list))
            {
                errors[path] = list = [];
            }

            list.Add(message);
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            ParseOne(root, "$", events, Error);
        }
        else if (root.ValueKind == JsonValueKind.Array)
        {
            int count = root.GetArrayLength();
            if (count == 0)
            {
                Error("$", "Send at least one event.");
            }
            else if (count > maxEvents)
            {
                Error("$", $"Send at most {maxEvents} events per request; got {count}.");
            }
            else
            {
                int i = 0;
                foreach (JsonElement item in root.EnumerateArray())
                {
                    ParseOne(item, $"$[{i++}]", events, Error);
                }
            }
        }
        else
        {
            Error("$", $"Expected an event object or an array of event objects; got {root.ValueKind}.");
        }

        return (events, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }

    private static void ParseOne(JsonElement item, string path, List<JourneyEvent> events, Action<string, string> error)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            error(path, $"Expected an event object; got {item.ValueKind}.");
            return;
        }

        int before = events.Count;
        bool ok = true;
        foreach (JsonProperty p in item.EnumerateObject())
        {
            if (!Known.Contains(p.Name))
            {
                error($"{path}.{p.Name}", $"Unknown property '{p.Name}'; expected one of: {string.Join(", ", Known)}.");
                ok = false;
            }
        }

        string? customer = RequiredString(item, "customerId", path, error, ref ok);
        string? touchpoint = RequiredString(item, "touchpoint", path, error, ref ok);
        DateTimeOffset timestamp = default;
        if (!item.TryGetProperty("timestamp", out JsonElement ts))
        {
            error($"{path}.timestamp", "Required: an ISO-8601 time with an offset (2026-01-24T08:08:23Z) or Unix seconds.");
            ok = false;
        }
        else if (ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out long seconds) && seconds is >= 0 and <= 253_402_300_799)
        {
            timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        else if (ts.ValueKind == JsonValueKind.String && HasOffset(ts.GetString()!) && DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed))
        {
            timestamp = parsed;
        }
        else
        {
            error($"{path}.timestamp", $"Not a time: {ts.GetRawText()}; use ISO-8601 with an offset (2026-01-24T08:08:23Z) or Unix seconds.");
            ok = false;
        }

        Channel channel = Channel.None;
        if (item.TryGetProperty("channel", out JsonElement ch) && ch.ValueKind != JsonValueKind.Null)
        {
            if (ch.ValueKind != JsonValueKind.String || !Channel.TryParse(ch.GetString(), out channel))
            {
                error($"{path}.channel", $"Not a channel name: {ch.GetRawText()}.");
                ok = false;
            }
        }

        string? eventId = null;
        if (item.TryGetProperty("eventId", out JsonElement id) && id.ValueKind != JsonValueKind.Null)
        {
            if (id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
            {
                error($"{path}.eventId", "Must be a non-empty string.");
                ok = false;
            }
            else
            {
                eventId = id.GetString();
            }
        }

        double? value = null;
        if (item.TryGetProperty("value", out JsonElement v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
            {
                error($"{path}.value", $"Must be a finite number; got {v.GetRawText()}.");
                ok = false;
            }
            else
            {
                value = v.GetDouble();
            }
        }

        Dictionary<string, string>? attributes = null;
        if (item.TryGetProperty("attributes", out JsonElement a) && a.ValueKind != JsonValueKind.Null)
        {
            if (a.ValueKind != JsonValueKind.Object)
            {
                error($"{path}.attributes", "Must be an object of string values.");
                ok = false;
            }
            else
            {
                attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (JsonProperty p in a.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String)
                    {
                        error($"{path}.attributes.{p.Name}", $"Must be a string; got {p.Value.ValueKind}.");
                        ok = false;
                    }
                    else
                    {
                        attributes[p.Name] = p.Value.GetString()!;
                    }
                }
            }
        }

        if (ok && events.Count == before)
        {
            events.Add(new JourneyEvent(customer!, touchpoint!, timestamp, channel) { EventId = eventId, Value = value, Attributes = attributes });
        }
    }

    private static string? RequiredString(JsonElement item, string name, string path, Action<string, string> error, ref bool ok)
    {
        if (item.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 and <= 256 } s)
        {
            return s;
        }

        error($"{path}.{name}", e.ValueKind == JsonValueKind.Undefined ? "Required: a non-empty string." : $"Must be a non-empty string of at most 256 characters; got {e.GetRawText()}.");
        ok = false;
        return null;
    }

    /// <summary>True when an ISO-8601 text carries a zone: a trailing Z or a ±hh:mm after the time.</summary>
    private static bool HasOffset(string text)
    {
        int t = text.IndexOf('T', StringComparison.Ordinal);
        if (t < 0)
        {
            return false;
        }

        string time = text[t..];
        return time.EndsWith('Z') || time.EndsWith('z') || time.Contains('+', StringComparison.Ordinal) || time.LastIndexOf('-') > 0;
    }
}
