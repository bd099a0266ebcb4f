using System.Globalization;
using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Samples.WebApi;

/// <summary>
/// Validates a POST /events body, collecting every problem with its JSON path (at most <see cref="MaxErrors"/>). Never
/// throws on any parsed JSON: text that is not valid UTF-8, or a string with an unpaired surrogate, is a problem at the
/// event's path, and values quoted in messages are cut to 64 characters.
/// </summary>
public static class EventRequestParser
{
    /// <summary>The most problems reported for one request; the rest are counted in one more entry.</summary>
    public const int MaxErrors = 100;

    private const int MaxQuoted = 64;
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "customerId", "touchpoint", "timestamp", "channel", "eventId", "value", "attributes" };

    /// <summary>Parses one event object or an array of them with the default limits and at most <paramref name="maxEvents"/> events.</summary>
    /// <param name="root">The JSON.</param>
    /// <param name="maxEvents">The most events accepted.</param>
    /// <returns>The events (when there are no errors) and the errors by path.</returns>
    public static (List<JourneyEvent> Events, Dictionary<string, string[]> Errors) Parse(JsonElement root, int maxEvents) =>
        Parse(root, new WebApiLimits { MaxEventsPerRequest = maxEvents });

    /// <summary>Parses one event object or an array of them.</summary>
    /// <param name="root">The JSON.</param>
    /// <param name="limits">The limits.</param>
    /// <returns>The events (when there are no errors) and the errors by path.</returns>
    public static (List<JourneyEvent> Events, Dictionary<string, string[]> Errors) Parse(JsonElement root, WebApiLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var events = new List<JourneyEvent>();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int dropped = 0;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Error(string path, string message)
        {
            if (!errors.TryGetValue(path, out List<string>? list))
            {
                if (errors.Count >= MaxErrors)
                {
                    dropped++;
                    return;
                }

                errors[path] = list = [];
            }

            list.Add(message);
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            ParseSafely(root, "$", events, keys, limits, Error);
        }
        else if (root.ValueKind == JsonValueKind.Array)
        {
            int count = root.GetArrayLength();
            if (count == 0)
            {
                Error("$", "Send at least one event.");
            }
            else if (count > limits.MaxEventsPerRequest)
            {
                Error("$", $"Send at most {limits.MaxEventsPerRequest} events per request; got {count}.");
            }
            else
            {
                int i = 0;
                foreach (JsonElement item in root.EnumerateArray())
                {
                    ParseSafely(item, $"$[{i++}]", events, keys, limits, Error);
                }
            }
        }
        else
        {
            Error("$", $"Expected an event object or an array of event objects; got {root.ValueKind}.");
        }

        if (dropped > 0)
        {
            // on the root path, whatever the cap: the client learns the list is cut
            errors.TryAdd("$", []);
            errors["$"].Add($"{dropped} more problems not listed.");
        }

        return (events, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }

    /// <summary>
    /// Why an id cannot be stored so that the routes can address it (<c>/customers/{id}</c>), or null when it can: empty,
    /// too long, <c>.</c> or <c>..</c> (removed from paths as dot segments), a <c>/</c> or <c>\</c> (path separators), a
    /// control character or an unpaired surrogate.
    /// </summary>
    /// <param name="id">The id.</param>
    /// <param name="maxLength">The longest accepted.</param>
    /// <returns>The problem, or null.</returns>
    public static string? IdProblem(string id, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0)
        {
            return "Must be a non-empty string.";
        }

        if (id.Length > maxLength)
        {
            return $"Must be at most {maxLength} characters; got {id.Length}.";
        }

        if (id is "." or "..")
        {
            return "'.' and '..' cannot be addressed in a URL path (/customers/{id}); use another id.";
        }

        return TextProblem(id, forbidSeparators: true);
    }

    private static string? TextProblem(string text, bool forbidSeparators)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (forbidSeparators && c is '/' or '\\')
            {
                return $"Must not contain '{c}': the route /customers/{{id}} cannot address it.";
            }

            if (char.IsControl(c))
            {
                return $"Must not contain control characters (U+{(int)c:X4} at {i}).";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"Must not contain an unpaired surrogate (U+{(int)c:X4} at {i}).";
            }
        }

        return null;
    }

    private static void ParseSafely(JsonElement item, string path, List<JourneyEvent> events, HashSet<string> keys, WebApiLimits limits, Action<string, string> error)
    {
        try
        {
            ParseOne(item, path, events, keys, limits, error);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode invalid UTF-8 or an escaped unpaired surrogate (\uD800) into a string
            error(path, "Contains text that is not valid UTF-8, or a string with an unpaired surrogate (such as \\uD800).");
        }
    }

    private static void ParseOne(JsonElement item, string path, List<JourneyEvent> events, HashSet<string> keys, WebApiLimits limits, Action<string, string> error)
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
                error($"{path}.{Quote(p.Name)}", $"Unknown property '{Quote(p.Name)}'; expected one of: {string.Join(", ", Known)}.");
                ok = false;
            }
        }

        string? customer = RequiredString(item, "customerId", path, limits, error, ref ok, addressable: true);
        string? touchpoint = RequiredString(item, "touchpoint", path, limits, error, ref ok, addressable: false);
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
        else if (ts.ValueKind == JsonValueKind.String && ts.GetString() is { Length: <= 64 } text && HasOffset(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed))
        {
            timestamp = parsed;
        }
        else
        {
            error($"{path}.timestamp", $"Not a time: {Quote(ts.GetRawText())}; use ISO-8601 with an offset (2026-01-24T08:08:23Z) or Unix seconds.");
            ok = false;
        }

        Channel channel = Channel.None;
        if (item.TryGetProperty("channel", out JsonElement ch) && ch.ValueKind != JsonValueKind.Null)
        {
            if (ch.ValueKind != JsonValueKind.String || ch.GetString() is not { } name || name.Length > limits.MaxIdLength || TextProblem(name, false) is not null || !Channel.TryParse(name, out channel))
            {
                error($"{path}.channel", $"Not a channel name: {Quote(ch.GetRawText())}.");
                ok = false;
            }
        }

        string? eventId = null;
        if (item.TryGetProperty("eventId", out JsonElement id) && id.ValueKind != JsonValueKind.Null)
        {
            string? problem = id.ValueKind != JsonValueKind.String ? "Must be a non-empty string." : LengthAndText(id.GetString()!, limits.MaxIdLength);
            if (problem is not null)
            {
                error($"{path}.eventId", problem);
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
                error($"{path}.value", $"Must be a finite number; got {Quote(v.GetRawText())}.");
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
                int count = 0;
                foreach (JsonProperty p in a.EnumerateObject())
                {
                    if (++count > limits.MaxAttributesPerEvent)
                    {
                        error($"{path}.attributes", $"At most {limits.MaxAttributesPerEvent} attributes per event.");
                        ok = false;
                        break;
                    }

                    string key = p.Name;
                    string at = $"{path}.attributes.{Quote(key)}";
                    if (LengthAndText(key, limits.MaxAttributeKeyLength) is { } keyProblem)
                    {
                        error(at, "Key: " + keyProblem);
                        ok = false;
                    }
                    else if (!keys.Contains(key) && keys.Count >= limits.MaxDistinctAttributeKeys)
                    {
                        error(at, $"At most {limits.MaxDistinctAttributeKeys} distinct attribute keys per request.");
                        ok = false;
                    }
                    else if (p.Value.ValueKind != JsonValueKind.String)
                    {
                        error(at, $"Must be a string; got {p.Value.ValueKind}.");
                        ok = false;
                    }
                    else if (LengthAndText(p.Value.GetString()!, limits.MaxAttributeValueLength, allowEmpty: true) is { } valueProblem)
                    {
                        error(at, valueProblem);
                        ok = false;
                    }
                    else
                    {
                        keys.Add(key);
                        attributes[key] = p.Value.GetString()!;
                    }
                }
            }
        }

        if (ok && events.Count == before)
        {
            events.Add(new JourneyEvent(customer!, touchpoint!, timestamp, channel) { EventId = eventId, Value = value, Attributes = attributes });
        }
    }

    private static string? LengthAndText(string text, int maxLength, bool allowEmpty = false) =>
        text.Length == 0 && !allowEmpty ? "Must be a non-empty string."
        : text.Length > maxLength ? $"Must be at most {maxLength} characters; got {text.Length}."
        : TextProblem(text, forbidSeparators: false);

    private static string? RequiredString(JsonElement item, string name, string path, WebApiLimits limits, Action<string, string> error, ref bool ok, bool addressable)
    {
        if (!item.TryGetProperty(name, out JsonElement e))
        {
            error($"{path}.{name}", "Required: a non-empty string.");
            ok = false;
            return null;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            error($"{path}.{name}", $"Must be a non-empty string of at most {limits.MaxIdLength} characters; got {Quote(e.GetRawText())}.");
            ok = false;
            return null;
        }

        string s = e.GetString()!;
        string? problem = addressable ? IdProblem(s, limits.MaxIdLength) : LengthAndText(s, limits.MaxIdLength);
        if (problem is not null)
        {
            error($"{path}.{name}", problem);
            ok = false;
            return null;
        }

        return s;
    }

    private static string Quote(string text) => text.Length <= MaxQuoted ? text : string.Concat(text.AsSpan(0, MaxQuoted), "…");

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
