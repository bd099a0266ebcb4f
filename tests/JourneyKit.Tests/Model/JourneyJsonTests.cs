using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Model;

public sealed class JourneyJsonTests
{
    [Theory]
    [InlineData("retail-bank-account-opening.journey.json")]
    [InlineData("ecommerce-purchase.journey.json")]
    public void Samples_LoadValidAndRoundTrip(string file)
    {
        Journey journey = JourneyJson.LoadFile(TestPaths.Sample(file));
        Assert.Empty(journey.Validate());
        Assert.True(journey.Stages.Count >= 5);
        Assert.Equal(3, journey.MomentsOfTruth.Count);

        Journey again = JourneyJson.Load(JourneyJson.Save(journey));

        Assert.Equal(journey, again);
        Assert.Equal(JourneyJson.Save(journey), JourneyJson.Save(again));
    }

    [Theory]
    [InlineData("2d", 2 * 24 * 60)]
    [InlineData("1d12h", 36 * 60)]
    [InlineData("90m", 90)]
    [InlineData("PT36H", 36 * 60)]
    [InlineData("P2D", 2 * 24 * 60)]
    [InlineData("1w", 7 * 24 * 60)]
    public void Duration_Parse_KnownForms(string text, int minutes)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMinutes(minutes), value);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("2")]
    [InlineData("d")]
    [InlineData("2x")]
    [InlineData("")]
    public void Duration_Parse_RejectsGarbage(string text) => Assert.False(Duration.TryParse(text, out _));

    [Property(MaxTest = 200)]
    public bool Duration_FormatParse_RoundTrips(PositiveInt ms) =>
        Duration.TryParse(Duration.Format(TimeSpan.FromMilliseconds(ms.Get)), out TimeSpan back) && back == TimeSpan.FromMilliseconds(ms.Get);

    /// <summary>Random valid journeys built in code survive save → load unchanged. Knobs: stage count, id number, version,
    /// the moment's outcome and weight, the persona's age bound; per stage its standard time in minutes and whether it has a
    /// maximum time; the KPI's target (the fraction of any finite double: the JSON number must round-trip exactly). All shrink.</summary>
    [Property(MaxTest = 100)]
    public Property RandomJourney_SaveLoad_IsEqual() => Pair.ForAll(
        Small.Each((2, 6), (0, 99), (1, 3), (0, 1), (0, 4), (0, 89)),
        Pair.Of(
            Small.ArrayOf(from minutes in Gen.Choose(0, 99_999) from max in ArbMap.Default.GeneratorFor<bool>() select (Minutes: minutes, Max: max), 5, 5),
            ArbMap.Default.ArbFor<NormalFloat>()),
        (knobs, more) =>
        {
            int stages = knobs[0];
            (int Minutes, bool Max)[] times = more.First;
            var builder = new JourneyBuilder("j" + knobs[1]).Version(knobs[2]).Name("Journey \"quoted\" ünïcode");
            for (int s = 0; s < stages; s++)
            {
                int index = s;
                bool last = s == stages - 1;
                builder.Stage("s" + s, st =>
                {
                    st.Touchpoints("t" + index + "a", "t" + index + "b");
                    if (last)
                    {
                        st.Goal();
                    }
                    else
                    {
                        st.StandardTime(TimeSpan.FromMinutes(1 + times[index].Minutes));
                        if (times[index].Max)
                        {
                            st.MaxTime(TimeSpan.FromDays(100));
                        }
                    }
                });
            }

            builder.MomentOfTruth("m", "t0a t1a", knobs[3] == 0 ? MomentOfTruthOutcome.Positive : MomentOfTruthOutcome.Negative, 0.5 + knobs[4]);
            double target = Math.Abs(more.Second.Get);
            builder.Kpi("k", KpiKind.Conversion, target - Math.Floor(target)); // a conversion target is a share: the fraction, all its digits
            builder.Persona(new Persona { Id = "p", Goals = new[] { "g" }, Rule = new PersonaRule(new[] { new AttributeRule("age", RuleOperator.Ge, new[] { knobs[5].ToString(System.Globalization.CultureInfo.InvariantCulture) }) }) });
            Journey journey = builder.Build();

            return JourneyJson.Load(JourneyJson.Save(journey)) == journey;
        });

    /// <summary>The JSON Schema and the loader's DTOs name the same properties, so the schema cannot drift.</summary>
    [Fact]
    public void Schema_PropertiesMatchDtos()
    {
        JsonNode schema = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "schema", "journey.schema.json")))!;
        var assembly = typeof(Journey).Assembly;
        static string[] Names(Type t) => t.GetProperties().Select(p =>
            p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false).Cast<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name
            ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order().ToArray();
        static string[] SchemaNames(JsonNode node) => node["properties"]!.AsObject().Select(p => p.Key).Order().ToArray();
        Type Dto(string name) => assembly.GetType("JourneyKit.Model.Json." + name, throwOnError: true)!;

        JsonNode props = schema["properties"]!;
        Assert.Equal(Names(Dto("JourneyDto")), SchemaNames(schema));
        Assert.Equal(Names(Dto("TouchpointDto")), SchemaNames(props["touchpoints"]!["items"]!));
        Assert.Equal(Names(Dto("StageDto")), SchemaNames(props["stages"]!["items"]!));
        Assert.Equal(Names(Dto("PersonaDto")), SchemaNames(props["personas"]!["items"]!));
        Assert.Equal(Names(Dto("RuleDto")), SchemaNames(props["personas"]!["items"]!["properties"]!["rule"]!));
        Assert.Equal(Names(Dto("ConditionDto")), SchemaNames(props["personas"]!["items"]!["properties"]!["rule"]!["properties"]!["all"]!["items"]!));
        Assert.Equal(Names(Dto("MomentOfTruthDto")), SchemaNames(props["momentsOfTruth"]!["items"]!));
        Assert.Equal(Names(Dto("KpiDto")), SchemaNames(props["kpis"]!["items"]!));
        Assert.Equal(Names(Dto("RuleDefinitionDto")), SchemaNames(props["rules"]!["items"]!));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })] // invalid UTF-8 inside the string
    [InlineData(new byte[] { 0xC3 })] // a cut two-byte sequence
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' })] // an escaped unpaired surrogate
    public void Load_PersonaRuleValueNotValidText_IsALocatedProblem_Issue21Fuzz(byte[] inside)
    {
        // Found by the journey-json fuzz target: a persona rule value (read as a JsonElement) that is not valid text threw
        // InvalidOperationException out of Load (CLI exit 3) instead of a located problem.
        byte[] json = [.. """{"id":"j","touchpoints":[{"id":"a","name":"A","channel":"web"}],"stages":[{"id":"s","touchpoints":["a"],"isGoal":true}],"personas":[{"id":"p","name":"P","rule":{"all":[{"attribute":"plan","op":"eq","value":"x"""u8, .. inside, .. "\"}]}}]}"u8];
        var ex = Assert.Throws<JourneyValidationException>(() => JourneyJson.Load(new MemoryStream(json)));
        JourneyProblem problem = Assert.Single(ex.Problems);
        Assert.Equal("personas[0].rule.all[0].value", problem.Path);
        Assert.Contains("not valid text", problem.Message, StringComparison.Ordinal);
    }
}
