using System.Text.Json.Serialization;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>Source-generated JSON for event attributes.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PostgreSqlJsonContext : JsonSerializerContext;
