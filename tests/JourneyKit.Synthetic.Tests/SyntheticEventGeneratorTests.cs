using System.Security.Cryptography;
using System.Text;
using JourneyKit.Events;
using JourneyKit.Synthetic;
using JourneyKit.Synthetic.Internal;

namespace JourneyKit.Synthetic.Tests;

public sealed class SyntheticEventGeneratorTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>An account-opening journey: discover → apply → verify → open (goal), with a "declined" failure stage.</summary>
    internal static GeneratorPlan BankPlan() => new()
    {
        Stages =
        [
            Stage("discover", Day * 3, false, false, ("ad.click", "web"), ("app.open", "mobile"), ("branch.enquiry", "branch")),
            Stage("apply", Day * 2, false, false, ("form.start", "web"), ("form.submit", "web"), ("app.apply", "mobile"), ("call.apply", "voice")),
            Stage("verify", Day, false, false, ("id.upload", "mobile"), ("id.check", "web")),
            Stage("open", Day, true, false, ("account.opened", "web", true)),
            Stage("declined", Day, false, true, ("application.declined", "email")),
        ],
        Personas =
        [
            PlanPersona.Fixed("digital", 3, "digital", "retail"),
            PlanPersona.Fixed("traditional", 1, "traditional", null),
        ],
        AttributeKeys = ["persona", "segment"],
    };

    private static PlanStage Stage(string id, TimeSpan standard, bool goal, bool failure, params (string Id, string Channel)[] touchpoints) =>
        Stage(id, standard, goal, failure, touchpoints.Select(t => (t.Id, t.Channel, false)).ToArray());

    private static PlanStage Stage(string id, TimeSpan standard, bool goal, bool failure, params (string Id, string Channel, bool Value)[] touchpoints) => new()
    {
        Id = id,
        StandardTicks = standard.Ticks,
        IsGoal = goal,
        IsFailure = failure,
        Touchpoints = touchpoints.Select(t => new PlanTouchpoint(t.Id, t.Channel, t.Value)).ToArray(),
    };

    private static (byte[] Bytes, SyntheticEventSummary Summary) Csv(SyntheticEventOptions options, GeneratorPlan? plan = null)
    {
        var generator = new SyntheticEventGenerator(plan ?? BankPlan(), options);
        var stream = new MemoryStream();
        SyntheticEventSummary summary;
        using (var writer = new CsvEventWriter(new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true), generator.AttributeKeys))
        {
            summary = generator.Generate(writer);
        }

        return (stream.ToArray(), summary);
    }

    [Fact]
    public void Options_Ctor_Ok()
    {
        var options = new SyntheticEventOptions();
        Assert.Equal(1000, options.Customers);
        Assert.Equal(1UL, options.Seed);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), options.Start);
        Assert.Equal(TimeSpan.FromDays(30), options.ArrivalWindow);
        Assert.Equal(TimeSpan.FromDays(1), options.DefaultStandardTime);
        Assert.Equal(0.12, options.DropOutProbability);
        Assert.Equal(0.04, options.FailureProbability);
        Assert.Equal(0.15, options.StuckProbability);
        Assert.Equal(0.08, options.BacktrackProbability);
        Assert.Equal(0.15, options.ChannelSwitchProbability);
        Assert.Equal(0.03, options.TieProbability);
        Assert.Equal(0.005, options.DuplicateProbability);
        Assert.Equal(0.005, options.OutOfOrderProbability);
        Assert.True(options.IncludeEventIds);
        options.Validate();
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var options = new SyntheticEventOptions { Customers = -1, TieProbability = 2, DropOutProbability = 0.9, FailureProbability = 0.2 };
        ArgumentException e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Customers", e.Message, StringComparison.Ordinal);
        Assert.Contains("TieProbability", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_SameSeed_IsByteIdentical_OtherSeedDiffers()
    {
        byte[] a = Csv(new SyntheticEventOptions { Customers = 300, Seed = 42 }).Bytes;
        byte[] b = Csv(new SyntheticEventOptions { Customers = 300, Seed = 42 }).Bytes;
        byte[] c = Csv(new SyntheticEventOptions { Customers = 300, Seed = 43 }).Bytes;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Generate_FileReadsBack_CountsAgree()
    {
        (byte[] bytes, SyntheticEventSummary summary) = Csv(new SyntheticEventOptions { Customers = 2000, Seed = 3 });
        EventReadResult read = EventTestHelper.Csv(bytes);

        Assert.Equal(summary.Events, read.Rows);
        Assert.Equal(summary.Duplicates, read.Duplicates);
        Assert.Equal(0, read.Skipped);
        Assert.Equal(summary.Events - summary.Duplicates, read.Batch.Count);
        Assert.Equal(2000, read.Batch.CustomerCount);
        Assert.Equal(summary.Customers, summary.Converted + summary.DroppedOut + summary.Failed);
    }

    [Fact]
    public void Generate_Counts_ArePlausible()
    {
        var options = new SyntheticEventOptions { Customers = 5000, Seed = 11 };
        var generator = new SyntheticEventGenerator(BankPlan(), options);
        var builder = new EventBatchBuilder();
        SyntheticEventSummary s = generator.Generate(builder);
        EventBatch batch = builder.Build();

        // With 4 flow stages and 12% drop-out (scaled 0.5..1.5 by persona) + 4% failure per stage left, roughly
        // (1 - 0.16)^3 ≈ 0.6 of customers reach the goal; allow a wide band.
        double conversion = (double)s.Converted / s.Customers;
        Assert.InRange(conversion, 0.4, 0.8);
        Assert.InRange((double)s.Failed / s.Customers, 0.03, 0.2);
        Assert.InRange((double)s.DroppedOut / s.Customers, 0.1, 0.5);
        Assert.InRange((double)s.Events / s.Customers, 3, 12);
        Assert.True(s.Duplicates > 0 && s.Duplicates < s.Events / 50);
        Assert.True(s.OutOfOrder > 0 && s.OutOfOrder < s.Events / 50);
        Assert.True(s.StuckStages > 0 && s.Backtracks > 0 && s.ChannelSwitches > 0);
        Assert.Equal(builder.DuplicateCount, s.Duplicates);

        // Independent check of the outcome counts from the events: the goal touchpoint and the failure touchpoint.
        int opened = 0, declined = 0;
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            bool o = false, d = false;
            for (int row = batch.CustomerStarts[run]; row < batch.CustomerStarts[run + 1]; row++)
            {
                string tp = batch.Touchpoints[batch.TouchpointIds[row]];
                o |= tp == "account.opened";
                d |= tp == "application.declined";
            }

            opened += o ? 1 : 0;
            declined += d && !o ? 1 : 0;
        }

        Assert.Equal(s.Converted, opened);
        Assert.Equal(s.Failed, declined);
    }

    [Fact]
    public void Generate_EveryCustomer_CarriesItsPersonaAttributes()
    {
        EventBatch batch = new SyntheticEventGenerator(BankPlan(), new SyntheticEventOptions { Customers = 400, Seed = 5 }).GenerateBatch();
        Assert.True(batch.TryGetAttributeColumn("persona", out ReadOnlySpan<int> persona));
        Assert.True(batch.TryGetAttributeColumn("segment", out ReadOnlySpan<int> segment));
        int digital = 0;
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            int first = batch.CustomerStarts[run];
            string p = batch.AttributeValues[persona[first]];
            for (int row = first; row < batch.CustomerStarts[run + 1]; row++)
            {
                Assert.Equal(p, batch.AttributeValues[persona[row]]);
                Assert.Equal(p == "digital" ? "retail" : null, segment[row] < 0 ? null : batch.AttributeValues[segment[row]]);
            }

            digital += p == "digital" ? 1 : 0;
        }

        // Weights 3:1 → about 75% digital.
        Assert.InRange(digital / 400.0, 0.65, 0.85);
    }

    [Fact]
    public void Generate_Timestamps_StayNearStartAndInOrderPerCustomer()
    {
        var options = new SyntheticEventOptions { Customers = 500, Seed = 9, OutOfOrderProbability = 0, TieProbability = 0.2 };
        var generator = new SyntheticEventGenerator(BankPlan(), options);
        var events = new List<(string Customer, long Ticks)>();
        var stream = new MemoryStream();
        using (var writer = new CsvEventWriter(new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true), generator.AttributeKeys))
        {
            generator.Generate(writer);
        }

        stream.Position = 0;
        EventBatch batch = CsvEventReader.Read(stream, null, null).Batch;
        long start = options.Start.UtcTicks;
        int ties = 0;
        for (int row = 0; row < batch.Count; row++)
        {
            long t = batch.TimestampTicks[row];
            Assert.True(t >= start);
            Assert.True(t < start + TimeSpan.FromDays(30 + 60).Ticks); // arrival window + at most ~4x the standard times
            Assert.Equal(0, t % TimeSpan.TicksPerSecond);
            if (row > 0 && batch.CustomerIds[row] == batch.CustomerIds[row - 1] && t == batch.TimestampTicks[row - 1])
            {
                ties++;
            }
        }

        Assert.True(ties > 0);
    }

    [Fact]
    public void Generate_WithoutOutOfOrder_WritesEachCustomerInTimeOrder()
    {
        var options = new SyntheticEventOptions { Customers = 300, Seed = 2, OutOfOrderProbability = 0 };
        (byte[] bytes, _) = Csv(options);
        string[] lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        for (int i = 1; i < lines.Length; i++)
        {
            string[] a = lines[i - 1].Split(','), b = lines[i].Split(',');
            if (a[0] == b[0])
            {
                Assert.True(string.CompareOrdinal(a[2], b[2]) <= 0, lines[i]); // ISO-8601 UTC sorts as text
            }
        }
    }

    [Fact]
    public void Generate_WriterWithOtherKeys_Throws()
    {
        var generator = new SyntheticEventGenerator(BankPlan(), new SyntheticEventOptions { Customers = 1 });
        using var writer = new CsvEventWriter(new StringWriter(), ["persona"]);
        Assert.Throws<ArgumentException>(() => generator.Generate(writer));
    }

    [Fact]
    public void Generate_NoPersonasNoFailureStage_Works()
    {
        var plan = new GeneratorPlan
        {
            Stages = [Stage("only", Day, true, false, ("visit", string.Empty))],
            Personas = [],
            AttributeKeys = [],
        };
        EventBatch batch = new SyntheticEventGenerator(plan, new SyntheticEventOptions { Customers = 10 }).GenerateBatch();
        Assert.Equal(10, batch.CustomerCount);
        Assert.All(batch.ChannelIds.ToArray(), c => Assert.Equal(-1, c));
    }

    [Fact]
    public void Generate_MillionEvents_ReadBackIntoBatch()
    {
        // About 5 events per customer with this plan: 200,000 customers ≈ 1 million events (≈ 70 MB of CSV).
        var options = new SyntheticEventOptions { Customers = 200_000, Seed = 1 };
        (byte[] bytes, SyntheticEventSummary summary) = Csv(options);
        Assert.InRange(summary.Events, 900_000, 1_200_000);
        EventReadResult read = EventTestHelper.Csv(bytes);
        Assert.Equal(summary.Events, read.Rows);
        Assert.Equal(summary.Events - summary.Duplicates, read.Batch.Count);
        Assert.Equal(200_000, read.Batch.CustomerCount);
    }

    [Fact]
    public void GeneratePath_ExistingFile_IsReplacedByRenameNotInPlace_Issue21()
    {
        // Issue 21: generate wrote in place, so a kill left a half-written CSV where the old file was. Generate(path)
        // now writes a temporary file and renames it over the target: a handle open on the old file still reads the old
        // bytes afterwards, and no temporary file is left.
        string dir = Path.Combine(TestTemp.Root, "jk-gen-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "events.csv");
        File.WriteAllText(path, "old content\n");
        using var old = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        SyntheticEventSummary summary = new SyntheticEventGenerator(BankPlan(), new SyntheticEventOptions { Customers = 20, Seed = 3 }).Generate(path);

        Assert.Equal("old content\n", new StreamReader(old).ReadToEnd());
        Assert.Equal(summary.Events, EventFile.Read(path).Batch.Count);
        Assert.Equal(["events.csv"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void GeneratePath_TargetIsADirectory_IsRefused_Issue21()
    {
        string dir = Path.Combine(TestTemp.Root, "jk-gen-" + Guid.NewGuid().ToString("N"), "out.csv");
        Directory.CreateDirectory(dir);
        var generator = new SyntheticEventGenerator(BankPlan(), new SyntheticEventOptions { Customers = 2 });
        Assert.Contains("a directory", Assert.Throws<IOException>(() => generator.Generate(dir)).Message, StringComparison.Ordinal);
    }
}
