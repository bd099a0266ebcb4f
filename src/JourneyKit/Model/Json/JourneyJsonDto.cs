using System.Text.Json;
using System.Text.Json.Serialization;

namespace JourneyKit.Model.Json;

// The JSON shape of a journey definition. Every member is nullable so that a missing or null value becomes a
// located problem instead of an exception; conversion to the model happens in JourneyJson. Keep in step with
// schema/journey.schema.json (a test compares them).
#pragma warning disable CA1812 // instantiated by System.Text.Json
internal sealed class JourneyDto
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public string? Id { get; set; }

    public int? Version { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Goal { get; set; }

    public List<string?>? Channels { get; set; }

    public List<TouchpointDto?>? Touchpoints { get; set; }

    public List<PersonaDto?>? Personas { get; set; }

    public List<StageDto?>? Stages { get; set; }

    public List<MomentOfTruthDto?>? MomentsOfTruth { get; set; }

    public List<KpiDto?>? Kpis { get; set; }

    public List<RuleDefinitionDto?>? Rules { get; set; }

    public ReentryDto? Reentry { get; set; }
}

internal sealed class ReentryDto
{
    public string? Policy { get; set; }

    public string? MinimumGap { get; set; }
}

internal sealed class TouchpointDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Channel { get; set; }

    public string? Kind { get; set; }
}

internal sealed class StageDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public List<string?>? Touchpoints { get; set; }

    public string? StandardTime { get; set; }

    public string? MaxTime { get; set; }

    public bool? IsGoal { get; set; }

    public bool? IsFailure { get; set; }

    public List<string?>? Next { get; set; }
}

internal sealed class PersonaDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public List<string?>? Goals { get; set; }

    public List<string?>? Motivations { get; set; }

    public List<string?>? PainPoints { get; set; }

    public RuleDto? Rule { get; set; }
}

internal sealed class RuleDto
{
    public List<ConditionDto?>? All { get; set; }
}

internal sealed class ConditionDto
{
    public string? Attribute { get; set; }

    public string? Op { get; set; }

    public JsonElement? Value { get; set; }

    public List<JsonElement>? Values { get; set; }
}

internal sealed class MomentOfTruthDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Pattern { get; set; }

    public double? Weight { get; set; }

    public string? Outcome { get; set; }
}

internal sealed class KpiDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Kind { get; set; }

    public double? Target { get; set; }

    public string? Horizon { get; set; }

    public string? Touchpoint { get; set; }

    public string? Description { get; set; }
}
internal sealed class RuleDefinitionDto
{
    public string? Name { get; set; }

    public string? When { get; set; }

    public string? Stage { get; set; }

    public double? Fraction { get; set; }

    public string? Outcome { get; set; }

    public string? MomentOfTruth { get; set; }

    public string? Pattern { get; set; }

    public double? Threshold { get; set; }

    public string? Then { get; set; }

    public string? Channel { get; set; }

    public string? Template { get; set; }

    public Dictionary<string, string?>? Parameters { get; set; }

    public int? Priority { get; set; }

    public string? Cooldown { get; set; }

    public int? MaxPerPeriod { get; set; }

    public string? CapPeriod { get; set; }

    public bool? SuppressWhenProgressed { get; set; }
}
#pragma warning restore CA1812

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    MaxDepth = JourneyJson.MaxDepth,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(JourneyDto))]
internal sealed partial class JourneyJsonContext : JsonSerializerContext;
