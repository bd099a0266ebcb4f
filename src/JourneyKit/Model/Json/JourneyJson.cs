using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JourneyKit.Model.Internal;

namespace JourneyKit.Model.Json;

/// <summary>
/// Loads and saves journey definitions as JSON (camelCase; comments and trailing commas allowed on read; nesting
/// bounded by <see cref="MaxDepth"/>). The format is described by <c>schema/journey.schema.json</c>.
/// </summary>
/// <remarks>
/// Loading validates: any problem — malformed JSON, a wrong type, an unknown property, a bad duration, or a model
/// rule such as an unknown touchpoint — throws one <see cref="JourneyValidationException"/> listing every problem found
/// with its location. Load → save → load gives an equal <see cref="Journey"/>.
/// <threadsafety>All members are thread-safe.</threadsafety>
/// </remarks>
public static class JourneyJson
{
    /// <summary>The maximum nesting depth of a journey file.</summary>
    public const int MaxDepth = 32;

    /// <summary>Loads a journey from JSON text.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The valid journey.</returns>
    /// <exception cref="JourneyValidationException">The JSON is malformed or the journey invalid; lists every problem.</exception>
    public static Journey Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Load(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Loads a journey from a UTF-8 stream.</summary>
    /// <param name="utf8Json">The stream.</param>
    /// <returns>The valid journey.</returns>
    /// <exception cref="JourneyValidationException">The JSON is malformed or the journey invalid; lists every problem.</exception>
    public static Journey Load(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var buffer = new MemoryStream();
        utf8Json.CopyTo(buffer);
        return Load(buffer.ToArray());
    }

    /// <summary>Loads a journey from a file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The valid journey.</returns>
    /// <exception cref="JourneyValidationException">The JSON is malformed or the journey invalid; lists every problem.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Journey LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(File.ReadAllBytes(path));
    }

    /// <summary>Reads a journey without validating the model rules (JSON and value errors still throw).</summary>
    /// <param name="utf8Json">The UTF-8 JSON.</param>
    /// <returns>The journey, possibly invalid: call <see cref="Journey.Validate"/>.</returns>
    /// <exception cref="JourneyValidationException">The JSON is malformed or has invalid values.</exception>
    public static Journey Read(ReadOnlySpan<byte> utf8Json)
    {
        var problems = new List<JourneyProblem>();
        Journey journey = Read(utf8Json, problems);
        return problems.Count == 0 ? journey : throw new JourneyValidationException(problems);
    }

    /// <summary>Saves a journey as indented JSON.</summary>
    /// <param name="journey">The journey.</param>
    /// <returns>The JSON text.</returns>
    public static string Save(Journey journey) => Encoding.UTF8.GetString(SaveToUtf8(journey));

    /// <summary>Saves a journey as indented UTF-8 JSON to a stream.</summary>
    /// <param name="journey">The journey.</param>
    /// <param name="utf8Json">The stream.</param>
    public static void Save(Journey journey, Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        utf8Json.Write(SaveToUtf8(journey));
    }

    /// <summary>Saves a journey to a file.</summary>
    /// <param name="journey">The journey.</param>
    /// <param name="path">The file path.</param>
    public static void SaveFile(Journey journey, string path) => File.WriteAllBytes(path, SaveToUtf8(journey));

    private static Journey Load(byte[] utf8)
    {
        ReadOnlySpan<byte> span = utf8;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        if (span.Trim((byte)' ').IsEmpty)
        {
            throw new JourneyValidationException([new JourneyProblem(JourneyProblemCodes.Json, "$", "the document is empty; expected a journey object")]);
        }

        var problems = new List<JourneyProblem>();
        Journey journey = Read(span, problems);
        problems.AddRange(journey.Validate());
        return problems.Count == 0 ? journey : throw new JourneyValidationException(problems);
    }

    private static Journey Read(ReadOnlySpan<byte> utf8Json, List<JourneyProblem> problems)
    {
        JourneyDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(utf8Json, JourneyJsonContext.Default.JourneyDto);
        }
        catch (JsonException ex)
        {
            throw new JourneyValidationException([FromJsonException(ex)]);
        }

        if (dto is null)
        {
            throw new JourneyValidationException([new JourneyProblem(JourneyProblemCodes.Json, "$", "the document is null; expected a journey object")]);
        }

        return FromDto(dto, problems);
    }

    private static byte[] SaveToUtf8(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        return JsonSerializer.SerializeToUtf8Bytes(ToDto(journey), JourneyJsonContext.Default.JourneyDto);
    }

    private static JourneyProblem FromJsonException(JsonException ex)
    {
        string message = ex.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        string where = ex.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: ")
            : string.Empty;
        string path = ex.Path ?? "$";
        if (path.StartsWith("$.", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return new JourneyProblem(JourneyProblemCodes.Json, path, where + message);
    }

    private static Journey FromDto(JourneyDto dto, List<JourneyProblem> problems)
    {
        void Add(string code, string path, string message) => problems.Add(new JourneyProblem(code, path, message));

        TimeSpan ParseDuration(string? text, string path, bool required)
        {
            if (text is null)
            {
                if (required)
                {
                    Add(JourneyProblemCodes.Required, path, ModelMessages.Required(path[(path.LastIndexOf('.') + 1)..]));
                }

                return TimeSpan.Zero;
            }

            if (Duration.TryParse(text, DurationStyles.None, out TimeSpan value, out DurationParseError error))
            {
                return value;
            }

            // A negative duration is the model's "negative duration" fault (JK0110, as from code); text that is no duration is an invalid value.
            Add(error == DurationParseError.Negative ? JourneyProblemCodes.InvalidDuration : JourneyProblemCodes.InvalidValue, path, error == DurationParseError.NotADuration
                ? $"expected a duration like '2d', '36h', '90m' or 'PT36H', got '{text}'"
                : Duration.ErrorMessage(text, error));
            return TimeSpan.Zero;
        }

        TEnum ParseEnum<TEnum>(string? text, string path, TEnum fallback)
            where TEnum : struct, Enum =>
            ParseName(text, path, Array.ConvertAll(Enum.GetValues<TEnum>(), v => (Camel(v.ToString()), v)), fallback);

        T ParseName<T>(string? text, string path, (string Name, T Value)[] known, T fallback)
        {
            if (text is null)
            {
                return fallback;
            }

            foreach ((string name, T value) in known)
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            string[] names = Array.ConvertAll(known, k => k.Name);
            string? suggestion = JourneyValidator.Suggest(text, names);
            Add(JourneyProblemCodes.InvalidValue, path, $"unknown value '{text}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)") + $"; expected one of {string.Join(", ", names)}");
            return fallback;
        }

        Channel ParseChannel(string? text, string path)
        {
            if (text is null)
            {
                return Channel.None;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                Add(JourneyProblemCodes.InvalidValue, path, "a channel name cannot be empty");
                return Channel.None;
            }

            return new Channel(text);
        }

        var touchpoints = new List<Touchpoint>();
        for (int i = 0; i < (dto.Touchpoints?.Count ?? 0); i++)
        {
            TouchpointDto? t = dto.Touchpoints![i];
            string path = $"touchpoints[{i}]";
            if (t is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("touchpoint"));
                continue;
            }

            touchpoints.Add(new Touchpoint(
                t.Id ?? string.Empty,
                t.Name ?? t.Id ?? string.Empty,
                ParseChannel(t.Channel, path + ".channel"),
                ParseEnum(t.Kind, path + ".kind", TouchpointKind.Interaction)));
        }

        var channels = new List<Channel>();
        for (int i = 0; i < (dto.Channels?.Count ?? 0); i++)
        {
            Channel c = ParseChannel(dto.Channels![i] ?? string.Empty, $"channels[{i}]");
            if (!c.IsNone)
            {
                channels.Add(c);
            }
        }

        var personas = new List<Persona>();
        for (int i = 0; i < (dto.Personas?.Count ?? 0); i++)
        {
            PersonaDto? p = dto.Personas![i];
            string path = $"personas[{i}]";
            if (p is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("persona"));
                continue;
            }

            var rules = new List<AttributeRule>();
            for (int r = 0; r < (p.Rule?.All?.Count ?? 0); r++)
            {
                ConditionDto? c = p.Rule!.All![r];
                string rpath = $"{path}.rule.all[{r}]";
                if (c is null)
                {
                    Add(JourneyProblemCodes.Required, rpath, ModelMessages.Required("condition"));
                    continue;
                }

                var values = new List<string>();
                if (c.Value is { } single)
                {
                    values.Add(Scalar(single, rpath + ".value"));
                }

                for (int v = 0; v < (c.Values?.Count ?? 0); v++)
                {
                    values.Add(Scalar(c.Values![v], $"{rpath}.values[{v}]"));
                }

                rules.Add(new AttributeRule(c.Attribute ?? string.Empty, ParseEnum(c.Op, rpath + ".op", RuleOperator.Eq), values.ToArray()));
            }

            personas.Add(new Persona
            {
                Id = p.Id ?? string.Empty,
                Name = p.Name ?? p.Id ?? string.Empty,
                Goals = NonNull(p.Goals),
                Motivations = NonNull(p.Motivations),
                PainPoints = NonNull(p.PainPoints),
                Rule = rules.Count == 0 ? PersonaRule.Always : new PersonaRule(rules.ToArray()),
            });
        }

        var stages = new List<Stage>();
        for (int i = 0; i < (dto.Stages?.Count ?? 0); i++)
        {
            StageDto? s = dto.Stages![i];
            string path = $"stages[{i}]";
            if (s is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("stage"));
                continue;
            }

            bool terminal = s.IsGoal == true || s.IsFailure == true;
            stages.Add(new Stage
            {
                Id = s.Id ?? string.Empty,
                Name = s.Name ?? s.Id ?? string.Empty,
                Touchpoints = (s.Touchpoints ?? []).ConvertAll(t => t ?? string.Empty).ToArray(),
                StandardTime = ParseDuration(s.StandardTime, path + ".standardTime", required: !terminal),
                MaxTime = s.MaxTime is null ? null : ParseDuration(s.MaxTime, path + ".maxTime", required: false),
                IsGoal = s.IsGoal ?? false,
                IsFailure = s.IsFailure ?? false,
                Next = s.Next is null ? default(EquatableArray<string>?) : new EquatableArray<string>(s.Next.ConvertAll(t => t ?? string.Empty)),
            });
        }

        var moments = new List<MomentOfTruth>();
        for (int i = 0; i < (dto.MomentsOfTruth?.Count ?? 0); i++)
        {
            MomentOfTruthDto? m = dto.MomentsOfTruth![i];
            string path = $"momentsOfTruth[{i}]";
            if (m is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("moment of truth"));
                continue;
            }

            moments.Add(new MomentOfTruth
            {
                Id = m.Id ?? string.Empty,
                Name = m.Name ?? m.Id ?? string.Empty,
                Pattern = m.Pattern ?? string.Empty,
                Weight = m.Weight ?? 1,
                Outcome = ParseEnum(m.Outcome, path + ".outcome", MomentOfTruthOutcome.Positive),
            });
        }

        var kpis = new List<Kpi>();
        for (int i = 0; i < (dto.Kpis?.Count ?? 0); i++)
        {
            KpiDto? k = dto.Kpis![i];
            string path = $"kpis[{i}]";
            if (k is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("KPI"));
                continue;
            }

            kpis.Add(new Kpi
            {
                Id = k.Id ?? string.Empty,
                Name = k.Name ?? k.Id ?? string.Empty,
                Kind = ParseEnum(k.Kind, path + ".kind", KpiKind.Custom),
                Target = k.Target,
                Horizon = k.Horizon is null ? null : ParseDuration(k.Horizon, path + ".horizon", required: false),
                Touchpoint = k.Touchpoint,
                Description = k.Description,
            });
        }

        var journeyRules = new List<JourneyRule>();
        for (int i = 0; i < (dto.Rules?.Count ?? 0); i++)
        {
            RuleDefinitionDto? r = dto.Rules![i];
            string path = $"rules[{i}]";
            if (r is null)
            {
                Add(JourneyProblemCodes.Required, path, ModelMessages.Required("rule"));
                continue;
            }

            if (r.When is null)
            {
                Add(JourneyProblemCodes.Required, path + ".when", ModelMessages.Required("when"));
            }

            var parameters = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string?> p in r.Parameters ?? [])
            {
                parameters[p.Key] = p.Value ?? string.Empty;
            }

            RuleTriggerKind kind = ParseName(r.When, path + ".when", RuleTriggerKinds, RuleTriggerKind.EnteredStage);
            MomentOfTruthOutcome? outcome = r.Outcome is null ? null : ParseEnum(r.Outcome, path + ".outcome", MomentOfTruthOutcome.Positive);
            journeyRules.Add(new JourneyRule
            {
                Name = r.Name ?? string.Empty,
                When = RuleTrigger.FromParts(kind, r.Stage, r.Fraction, outcome, r.MomentOfTruth, r.Pattern, r.Threshold),
                Then = new InterventionTemplate(r.Then ?? string.Empty, r.Channel is null ? Channel.None : ParseChannel(r.Channel, path + ".channel"), r.Template, parameters.ToImmutable()),
                Priority = r.Priority ?? 0,
                Cooldown = r.Cooldown is null ? TimeSpan.Zero : ParseDuration(r.Cooldown, path + ".cooldown", required: false),
                MaxPerPeriod = r.MaxPerPeriod ?? 0,
                CapPeriod = r.CapPeriod is null ? TimeSpan.Zero : ParseDuration(r.CapPeriod, path + ".capPeriod", required: false),
                SuppressWhenProgressed = r.SuppressWhenProgressed ?? true,
            });
        }

        return new Journey
        {
            Id = dto.Id ?? string.Empty,
            Version = dto.Version ?? 1,
            Name = dto.Name ?? dto.Id ?? string.Empty,
            Description = dto.Description,
            Goal = dto.Goal,
            Channels = channels.ToArray(),
            Touchpoints = touchpoints.ToArray(),
            Personas = personas.ToArray(),
            Stages = stages.ToArray(),
            MomentsOfTruth = moments.ToArray(),
            Kpis = kpis.ToArray(),
            Rules = journeyRules.ToArray(),
            Reentry = dto.Reentry is null ? ReentryPolicy.Never : ParseEnum(dto.Reentry.Policy, "reentry.policy", ReentryPolicy.Never),
            ReentryMinimumGap = dto.Reentry?.MinimumGap is { } gap ? ParseDuration(gap, "reentry.minimumGap", required: false) : TimeSpan.Zero,
        };

        string Scalar(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    try
                    {
                        return element.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        // Invalid UTF-8 or an escaped unpaired surrogate inside the string (a fuzz finding: it escaped
                        // as InvalidOperationException, CLI exit 3).
                        Add(JourneyProblemCodes.InvalidValue, path, ModelMessages.InvalidText);
                        return string.Empty;
                    }

                case JsonValueKind.Number:
                case JsonValueKind.True:
                case JsonValueKind.False:
                    return element.GetRawText();
                default:
                    Add(JourneyProblemCodes.InvalidValue, path, $"expected a string or number, got {element.ValueKind.ToString().ToLowerInvariant()}");
                    return string.Empty;
            }
        }
    }

    private static EquatableArray<string> NonNull(List<string?>? items) => items is null ? default : items.ConvertAll(s => s ?? string.Empty).ToArray();

    private static JourneyDto ToDto(Journey j) => new()
    {
        Id = j.Id,
        Version = j.Version,
        Name = j.Name,
        Description = j.Description,
        Goal = j.Goal,
        Channels = j.Channels.Count == 0 ? null : [.. j.Channels.Select(c => (string?)c.Name)],
        Touchpoints = [.. j.Touchpoints.Select(t => (TouchpointDto?)new TouchpointDto
        {
            Id = t.Id,
            Name = t.Name == t.Id ? null : t.Name,
            Channel = t.Channel.IsNone ? null : t.Channel.Name,
            Kind = t.Kind == TouchpointKind.Interaction ? null : Camel(t.Kind.ToString()),
        })],
        Personas = j.Personas.Count == 0 ? null : [.. j.Personas.Select(p => (PersonaDto?)new PersonaDto
        {
            Id = p.Id,
            Name = p.Name == p.Id ? null : p.Name,
            Goals = p.Goals.Count == 0 ? null : [.. p.Goals],
            Motivations = p.Motivations.Count == 0 ? null : [.. p.Motivations],
            PainPoints = p.PainPoints.Count == 0 ? null : [.. p.PainPoints],
            Rule = p.Rule.All.Count == 0 ? null : new RuleDto
            {
                All = [.. p.Rule.All.Select(r => (ConditionDto?)new ConditionDto
                {
                    Attribute = r.Attribute,
                    Op = Camel(r.Op.ToString()),
                    Values = [.. r.Values.Select(v => JsonSerializer.SerializeToElement(v, JourneyJsonElementContext.Default.String))],
                })],
            },
        })],
        Stages = [.. j.Stages.Select(s => (StageDto?)new StageDto
        {
            Id = s.Id,
            Name = s.Name == s.Id ? null : s.Name,
            Touchpoints = [.. s.Touchpoints],
            StandardTime = s.StandardTime == TimeSpan.Zero && s.IsTerminal ? null : Duration.Format(s.StandardTime),
            MaxTime = s.MaxTime is { } max ? Duration.Format(max) : null,
            IsGoal = s.IsGoal ? true : null,
            IsFailure = s.IsFailure ? true : null,
            Next = s.Next is { } next ? [.. next] : null,
        })],
        MomentsOfTruth = j.MomentsOfTruth.Count == 0 ? null : [.. j.MomentsOfTruth.Select(m => (MomentOfTruthDto?)new MomentOfTruthDto
        {
            Id = m.Id,
            Name = m.Name == m.Id ? null : m.Name,
            Pattern = m.Pattern,
            Weight = m.Weight,
            Outcome = Camel(m.Outcome.ToString()),
        })],
        Kpis = j.Kpis.Count == 0 ? null : [.. j.Kpis.Select(k => (KpiDto?)new KpiDto
        {
            Id = k.Id,
            Name = k.Name == k.Id ? null : k.Name,
            Kind = Camel(k.Kind.ToString()),
            Target = k.Target,
            Horizon = k.Horizon is { } horizon ? Duration.Format(horizon) : null,
            Touchpoint = k.Touchpoint,
            Description = k.Description,
        })],
        Reentry = j.Reentry == ReentryPolicy.Never ? null : new ReentryDto
        {
            Policy = Camel(j.Reentry.ToString()),
            MinimumGap = j.ReentryMinimumGap == TimeSpan.Zero ? null : Duration.Format(j.ReentryMinimumGap),
        },
        Rules = j.Rules.Count == 0 ? null : [.. j.Rules.Select(r => (RuleDefinitionDto?)new RuleDefinitionDto
        {
            Name = r.Name,
            When = WhenName(r.When.Kind),
            Stage = r.When.Stage,
            Fraction = r.When.StandardTimeFraction == 1 ? null : r.When.StandardTimeFraction,
            Outcome = r.When.Outcome is { } o ? Camel(o.ToString()) : null,
            MomentOfTruth = r.When.MomentOfTruthId,
            Pattern = r.When.Pattern,
            Threshold = r.When.Threshold == 0 ? null : r.When.Threshold,
            Then = r.Then.Name,
            Channel = r.Then.Channel.IsNone ? null : r.Then.Channel.Name,
            Template = r.Then.TemplateId,
            Parameters = r.Then.Parameters.Count == 0 ? null : r.Then.Parameters.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal),
            Priority = r.Priority == 0 ? null : r.Priority,
            Cooldown = r.Cooldown == TimeSpan.Zero ? null : Duration.Format(r.Cooldown),
            MaxPerPeriod = r.MaxPerPeriod == 0 ? null : r.MaxPerPeriod,
            CapPeriod = r.CapPeriod == TimeSpan.Zero ? null : Duration.Format(r.CapPeriod),
            SuppressWhenProgressed = r.SuppressWhenProgressed ? null : false,
        })],
    };

    /// <summary>The JSON names of the rule trigger kinds (<c>when</c>).</summary>
    private static readonly (string Name, RuleTriggerKind Value)[] RuleTriggerKinds =
    [
        ("entered", RuleTriggerKind.EnteredStage),
        ("left", RuleTriggerKind.LeftStage),
        ("stuck", RuleTriggerKind.StuckInStage),
        ("momentOfTruth", RuleTriggerKind.MomentOfTruth),
        ("pattern", RuleTriggerKind.PatternMatched),
        ("risk", RuleTriggerKind.RiskAtLeast),
    ];

    private static string WhenName(RuleTriggerKind kind) => Array.Find(RuleTriggerKinds, k => k.Value == kind).Name ?? Camel(kind.ToString());

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class JourneyJsonElementContext : System.Text.Json.Serialization.JsonSerializerContext;
