using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Synthetic;
using JourneyKit.Synthetic.Internal;

namespace JourneyKit.Synthetic.Tests;

/// <summary>The generator on the sample journeys: paths follow the stage graph, attributes select the personas.</summary>
public sealed class JourneyGeneratorTests
{
    public static TheoryData<string> Journeys => new() { TestPaths.BankJourney, TestPaths.ShopJourney };

    [Theory]
    [MemberData(nameof(Journeys))]
    public void Plan_EveryDrawnProfile_IsAssignedItsPersonaByTheModel(string path)
    {
        Journey journey = JourneyJson.LoadFile(path);
        GeneratorPlan plan = JourneyPlanner.Plan(journey);
        Assert.Equal(journey.Personas.Select(p => p.Id), plan.Personas.Where(p => p.Id.Length > 0).Select(p => p.Id));
        var rng = new Xoshiro256(99);
        foreach (PlanPersona persona in plan.Personas)
        {
            for (int i = 0; i < 200; i++)
            {
                AttributeSlot[] profile = persona.Profiles[rng.Next(persona.Profiles.Length)];
                var attributes = new Dictionary<string, string>();
                for (int k = 0; k < plan.AttributeKeys.Length; k++)
                {
                    if (profile[k].Draw(ref rng) is { } value)
                    {
                        attributes[plan.AttributeKeys[k]] = value;
                    }
                }

                Assert.Equal(persona.Id.Length == 0 ? null : persona.Id, journey.AssignPersona(attributes)?.Id);
            }
        }
    }

    [Fact]
    public void Plan_BankJourney_ReadsTheRuleAttributes()
    {
        GeneratorPlan plan = JourneyPlanner.Plan(JourneyJson.LoadFile(TestPaths.BankJourney));
        Assert.Equal(["age", "segment"], plan.AttributeKeys);
        Assert.Equal(["discover", "apply", "verify", "fund", "activate", "declined"], plan.Stages.Select(s => s.Id));
        Assert.Equal([0, 2, 5], plan.Stages[1].Next!); // apply → discover, verify, declined
        Assert.Contains(plan.Stages[3].Touchpoints, t => t.Id == "deposit.initial" && t.Channel == "mobile" && t.CarriesValue);
    }

    [Theory]
    [MemberData(nameof(Journeys))]
    public void Generate_Paths_FollowTheStageGraph(string path)
    {
        Journey journey = JourneyJson.LoadFile(path);
        var options = new SyntheticEventOptions { Customers = 1500, Seed = 4, OutOfOrderProbability = 0, TieProbability = 0 };
        EventBatch batch = new SyntheticEventGenerator(journey, options).GenerateBatch();
        var stageOf = new Dictionary<string, Stage>();
        foreach (Stage stage in journey.Stages)
        {
            foreach (string touchpoint in stage.Touchpoints)
            {
                stageOf[touchpoint] = stage;
            }
        }

        int goals = 0, failures = 0, stuck = 0, backtracks = 0;
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            Stage? previous = null;
            long enteredTicks = 0;
            for (int row = batch.CustomerStarts[run]; row < batch.CustomerStarts[run + 1]; row++)
            {
                Stage stage = stageOf[batch.Touchpoints[batch.TouchpointIds[row]]];
                long ticks = batch.TimestampTicks[row];
                if (previous is null)
                {
                    Assert.Equal(journey.Stages[0].Id, stage.Id); // journeys start in the first stage
                }
                else if (previous.Id != stage.Id)
                {
                    Assert.False(previous.IsTerminal, $"event after terminal stage {previous.Id}");
                    Assert.True(previous.Next is null || previous.Next.Value.Contains(stage.Id), $"{previous.Id} → {stage.Id} is not allowed");
                    stuck += ticks - enteredTicks > previous.StandardTime.Ticks ? 1 : 0;
                    backtracks += journey.IndexOfStage(stage.Id) < journey.IndexOfStage(previous.Id) ? 1 : 0;
                }

                if (previous?.Id != stage.Id)
                {
                    enteredTicks = ticks;
                }

                previous = stage;
            }

            goals += previous!.IsGoal ? 1 : 0;
            failures += previous.IsFailure ? 1 : 0;
        }

        Assert.InRange((double)goals / batch.CustomerCount, 0.2, 0.8);
        Assert.InRange((double)failures / batch.CustomerCount, 0.01, 0.3);
        Assert.True(stuck > 0, "some customers stay past the standard time");
        Assert.True(backtracks > 0, "some customers go back");
    }

    [Fact]
    public void Generate_Values_OnlyOnTransactionTouchpoints()
    {
        Journey journey = JourneyJson.LoadFile(TestPaths.ShopJourney);
        EventBatch batch = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = 500, Seed = 8 }).GenerateBatch();
        int withValue = 0;
        for (int row = 0; row < batch.Count; row++)
        {
            Touchpoint touchpoint = journey.FindTouchpoint(batch.Touchpoints[batch.TouchpointIds[row]])!;
            bool hasValue = !double.IsNaN(batch.Values[row]);
            Assert.Equal(touchpoint.Kind == TouchpointKind.Transaction, hasValue);
            withValue += hasValue ? 1 : 0;
            if (hasValue)
            {
                Assert.True(batch.Values[row] > 0);
            }
        }

        Assert.True(withValue > 0);
    }

    [Fact]
    public void Generate_Customers_GetEveryPersonaAndSomeNone()
    {
        Journey journey = JourneyJson.LoadFile(TestPaths.BankJourney);
        EventBatch batch = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = 2000, Seed = 6 }).GenerateBatch();
        var counts = new Dictionary<string, int>();
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            JourneyEvent first = batch.GetEvent(batch.CustomerStarts[run]);
            string persona = journey.AssignPersona(first.Attributes ?? new Dictionary<string, string>())?.Id ?? "(none)";
            counts[persona] = counts.GetValueOrDefault(persona) + 1;
        }

        // Three personas with equal weight and a 10% share of customers no rule matches.
        Assert.Equal(4, counts.Count);
        Assert.InRange(counts["(none)"], 100, 320);
        foreach (Persona persona in journey.Personas)
        {
            Assert.InRange(counts[persona.Id], 450, 750);
        }
    }

    [Fact]
    public void Plan_NonNegativeThresholds_GiveNonNegativeNumbers()
    {
        // ecommerce: loyal-shopper is "orders ge 3"; counts below it are 0, 1, 2 — never negative.
        GeneratorPlan plan = JourneyPlanner.Plan(JourneyJson.LoadFile(TestPaths.ShopJourney));
        int orders = Array.IndexOf(plan.AttributeKeys, "orders");
        var rng = new Xoshiro256(3);
        var seen = new HashSet<string>();
        foreach (PlanPersona persona in plan.Personas)
        {
            foreach (AttributeSlot[] profile in persona.Profiles)
            {
                for (int i = 0; i < 20; i++)
                {
                    if (profile[orders].Draw(ref rng) is { } value)
                    {
                        Assert.True(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) >= 0, value);
                        seen.Add(value);
                    }
                }
            }
        }

        Assert.Contains("0", seen);
        Assert.Contains("2", seen);
        Assert.Contains("3", seen);
    }

    [Fact]
    public void Ctor_InvalidJourney_Throws()
    {
        var journey = new Journey { Id = "empty" };
        Assert.Throws<JourneyValidationException>(() => new SyntheticEventGenerator(journey));
    }
}
