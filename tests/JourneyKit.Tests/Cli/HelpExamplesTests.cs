using System.CommandLine;
using System.Text;
using JourneyKit.Cli;
using JourneyKit.Events;
using JourneyKit.Storage.Sqlite;

namespace JourneyKit.Tests.Cli;

/// <summary>
/// Issue 20 item 4: every example shown under <c>--help</c> runs. The examples are read from the command tree itself
/// (<see cref="CliHelp.ExamplesOf"/>), each runs in a fresh temporary directory holding the files it names (copies of the
/// committed samples under the example's names), and must exit 0 with output on stdout (or in the file it writes).
/// </summary>
public sealed class HelpExamplesTests
{
    /// <summary>
    /// The only change made to an example before it runs: the 2,000,000-customer generation example is run with 2,000
    /// customers to keep the test fast (the example's flags and files are unchanged). The test fails if the substituted
    /// text is no longer in the example, so the list cannot go stale.
    /// </summary>
    private static readonly (string Find, string Replace)[] Shrink = [(" -n 2000000 ", " -n 2000 ")];

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        RootCommand root = JourneyKitCli.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, false));
        var pending = new Stack<(Command Command, string Path)>();
        pending.Push((root, CliMessages.ToolName));
        while (pending.Count > 0)
        {
            (Command command, string path) = pending.Pop();
            foreach (string example in CliHelp.ExamplesOf(command))
            {
                data.Add(path, example);
            }

            foreach (Command sub in command.Subcommands)
            {
                pending.Push((sub, path + " " + sub.Name));
            }
        }

        return data;
    }

    [Fact]
    public void EveryCommand_HasExamples()
    {
        RootCommand root = JourneyKitCli.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, false));
        Assert.NotEmpty(CliHelp.ExamplesOf(root));
        Assert.All(root.Subcommands, c => Assert.NotEmpty(CliHelp.ExamplesOf(c)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task HelpExample_Runs(string commandPath, string example)
    {
        Assert.StartsWith(commandPath, example, StringComparison.Ordinal);
        string line = example;
        foreach ((string find, string replace) in Shrink)
        {
            if (line.Contains(find, StringComparison.Ordinal))
            {
                line = line.Replace(find, replace, StringComparison.Ordinal);
            }
        }

        List<string> tokens = Split(line);
        Assert.Equal(CliMessages.ToolName, tokens[0]);
        string? redirect = null;
        int gt = tokens.IndexOf(">");
        if (gt >= 0)
        {
            Assert.Equal(gt + 2, tokens.Count);
            redirect = tokens[gt + 1];
            tokens.RemoveRange(gt, 2);
        }

        string dir = Path.Combine(TestTemp.Root, $"jk-help-example-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            await PrepareAsync(dir);
            string? outFile = null;
            var args = new List<string>();
            for (int i = 1; i < tokens.Count; i++)
            {
                string t = tokens[i];
                bool isOut = i > 1 && tokens[i - 1] is "--out" or "-o";
                if (isOut)
                {
                    outFile = Path.Combine(dir, t);
                    File.Delete(outFile); // a file of that name prepared for other examples: the example must write it anew
                    args.Add(outFile);
                }
                else if (!t.StartsWith('-') && File.Exists(Path.Combine(dir, t)))
                {
                    args.Add(Path.Combine(dir, t));
                }
                else
                {
                    args.Add(t);
                }
            }

            CliRun run = CliRunner.Run([.. args]);
            Assert.True(run.Exit == CliExitCode.Ok, $"exit {run.Exit}: {run.Err}");
            if (outFile is not null)
            {
                Assert.True(new FileInfo(outFile).Length > 0, $"{outFile} is empty");
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(run.Out), "no output" + (redirect is null ? "" : " for > " + redirect));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The files the examples name, each a copy of (or made from) a committed sample.</summary>
    private static async Task PrepareAsync(string dir)
    {
        string bank = TestPaths.BankJourney;
        string bankEvents = TestPaths.Sample("retail-bank-account-opening.events.csv");
        string shop = TestPaths.ShopJourney;
        string shopEvents = TestPaths.Sample("ecommerce-purchase.events.csv");
        Directory.CreateDirectory(Path.Combine(dir, "samples", "data"));
        foreach (string f in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples", "data")))
        {
            File.Copy(f, Path.Combine(dir, "samples", "data", Path.GetFileName(f)));
        }

        File.Copy(bank, Path.Combine(dir, "journey.json"));
        File.Copy(bank, Path.Combine(dir, "my.journey.json"));
        File.Copy(bankEvents, Path.Combine(dir, "events.csv"));
        File.Copy(shop, Path.Combine(dir, "shop.journey.json"));
        File.Copy(shopEvents, Path.Combine(dir, "export.csv"));
        File.Copy(TestPaths.Data("bpic2012-excerpt.xes.gz"), Path.Combine(dir, "log.xes.gz"));
        foreach (string jsonl in new[] { "events.jsonl", "events.jsonl.gz" })
        {
            CliRun made = CliRunner.Run("generate", "--journey", shop, "--customers", "200", "--seed", "1", "--out", Path.Combine(dir, jsonl));
            Assert.Equal(0, made.Exit);
        }

        DateTimeOffset t0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        foreach ((string db, string[] customers) in new[] { ("journeykit-webapi.db", new[] { "c-1042" }), ("journeys.db", new[] { "ann", "bob" }) })
        {
            var store = new SqliteJourneyStore(Path.Combine(dir, db));
            var events = new List<JourneyEvent>();
            foreach (string c in customers)
            {
                events.Add(new JourneyEvent(c, "application.start", t0) { EventId = "1" });
            }

            await store.Events.AppendAsync(events);
        }
    }

    /// <summary>Splits a command line like a POSIX shell for the quoting the examples use (double quotes, no escapes).</summary>
    private static List<string> Split(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        Assert.False(quoted, "unbalanced quote in " + line);
        if (any)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
