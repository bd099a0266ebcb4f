using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace JourneyKit.Cli;

/// <summary>
/// The one JSON style of every command (docs/cli.md): snake_case names and enum values, durations as seconds (up to
/// millisecond precision) under a name ending in <c>_seconds</c>, instants as UTC ISO-8601 text
/// (<see cref="DisplayFormat.Instant(DateTimeOffset)"/>), shares as fractions from 0 to 1.
/// </summary>
internal static class CliJson
{
    /// <summary>The snake_case name of an enum value: <c>Ordered</c> is <c>ordered</c>, <c>TimeToComplete</c> is <c>time_to_complete</c>.</summary>
    public static string Name(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>A duration in seconds, rounded to milliseconds (the precision of the duration syntax).</summary>
    public static double Seconds(TimeSpan value) => Math.Round(value.TotalSeconds, 3);

    /// <summary>Writes <c>"name_seconds": seconds</c>; <paramref name="name"/> must end in <c>_seconds</c>.</summary>
    public static void WriteSeconds(Utf8JsonWriter json, string name, TimeSpan value)
    {
        Debug.Assert(name.EndsWith("_seconds", StringComparison.Ordinal), "a duration's JSON name ends in _seconds");
        json.WriteNumber(name, Seconds(value));
    }

    /// <summary>Writes <c>"name": "2026-03-12T04:45:53Z"</c>.</summary>
    public static void WriteInstant(Utf8JsonWriter json, string name, DateTimeOffset value) => json.WriteString(name, DisplayFormat.Instant(value));

    /// <summary>
    /// Options for documents serialized from library types (analyze): snake_case names and enum values, durations as
    /// seconds under <c>…_seconds</c>, instants as ISO-8601 UTC text, nulls left out.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions(IJsonTypeInfoResolver resolver) => new()
    {
        TypeInfoResolver = resolver.WithAddedModifier(static info =>
        {
            if (info.Kind != JsonTypeInfoKind.Object)
            {
                return;
            }

            foreach (JsonPropertyInfo property in info.Properties)
            {
                if ((property.PropertyType == typeof(TimeSpan) || property.PropertyType == typeof(TimeSpan?)) && !property.Name.EndsWith("_seconds", StringComparison.Ordinal))
                {
                    property.Name += "_seconds";
                }
            }
        }),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new SecondsConverter(), new InstantConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes durations as seconds (a number, millisecond precision).</summary>
    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(Seconds(value));
    }

    /// <summary>Writes instants as UTC ISO-8601 text, the fraction only when there is one.</summary>
    private sealed class InstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(DisplayFormat.Instant(value));
    }
}
