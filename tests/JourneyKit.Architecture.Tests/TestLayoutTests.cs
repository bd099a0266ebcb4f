using System.Text.RegularExpressions;

namespace JourneyKit.Architecture.Tests;

/// <summary>
/// Issue 20 item 3: tests mirror src/. A file in tests/JourneyKit.X.Tests/F/ tests something in src/JourneyKit.X/F/ (the
/// folder must exist there) and declares the namespace JourneyKit.X.Tests.F (folders joined by dots), so a test is found
/// from the code it tests and the other way round. The documented exceptions are <see cref="Unmirrored"/> (folders of
/// test-only code), <see cref="Redirected"/> (a folder that mirrors another project) and <see cref="GlobalNamespace"/>;
/// tests/Shared holds files linked into several test projects (namespace JourneyKit.Tests.Shared).
/// </summary>
public sealed partial class TestLayoutTests
{
    /// <summary>Test-only folders, per test project, with no src counterpart: FsCheck generators and their shrinking
    /// tests (tests/JourneyKit.Tests/Generators).</summary>
    private static readonly Dictionary<string, string[]> Unmirrored = new(StringComparer.Ordinal)
    {
        ["JourneyKit.Tests"] = ["Generators"],
    };

    /// <summary>A folder of a test project that mirrors another src project: JourneyKit.Tests/Cli/F is
    /// src/JourneyKit.Cli/F (the CLI's tests run in the core test project, next to the library they drive).</summary>
    private static readonly Dictionary<(string Project, string Folder), string> Redirected = new()
    {
        [("JourneyKit.Tests", "Cli")] = "JourneyKit.Cli",
    };

    /// <summary>Files without a namespace: README snippets compiled exactly as the README shows them.</summary>
    private static readonly HashSet<string> GlobalNamespace = new(StringComparer.Ordinal)
    {
        "tests/JourneyKit.Tests/ReadmeLifecycle.cs",
        "tests/JourneyKit.Tests/ReadmeQuickStart.cs",
    };

    /// <summary>Folders of tests/ that are not the test project of a src project: tools and hosts the tests start.</summary>
    private static readonly HashSet<string> NotMirroring = new(StringComparer.Ordinal)
    {
        "JourneyKit.Architecture.Tests",
        "JourneyKit.Fuzz",
        "JourneyKit.Storage.PostgreSql.CrashHost",
        "JourneyKit.Storage.Sqlite.CrashHost",
        "Shared",
        "data",
    };

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    /// <summary>What is wrong with <paramref name="relative"/> (a file of the test project <paramref name="project"/>,
    /// relative to its folder, '/'-separated) holding <paramref name="source"/>, or null when it mirrors src/.</summary>
    internal static string? Problem(string srcRoot, string project, string relative, string source)
    {
        string shown = $"tests/{project}/{relative}";
        string[] folders = relative.Split('/')[..^1];
        string expected = string.Join('.', [project, .. folders]);
        string? declared = Namespace().Match(source) is { Success: true } m ? m.Groups["name"].Value : null;
        if (declared is null && !GlobalNamespace.Contains(shown))
        {
            return $"{shown}: declares no file-scoped namespace; use namespace {expected};";
        }

        if (declared is not null && declared != expected)
        {
            return $"{shown}: namespace {declared}, but its folder says {expected}";
        }

        if (folders.Length == 0 || (Unmirrored.TryGetValue(project, out string[]? own) && own.Contains(folders[0])))
        {
            return null;
        }

        string srcProject = project[..^".Tests".Length];
        string[] rest = folders;
        if (Redirected.TryGetValue((project, folders[0]), out string? other))
        {
            (srcProject, rest) = (other, folders[1..]);
        }

        string counterpart = Path.Combine([srcRoot, srcProject, .. rest]);
        return Directory.Exists(counterpart)
            ? null
            : $"{shown}: src/{string.Join('/', [srcProject, .. rest])}/ does not exist; move the file to the folder of the code it tests (or document an exception in {nameof(TestLayoutTests)})";
    }

    private static string Tests => Path.Combine(RepoRoot.Path, "tests");

    private static string Src => Path.Combine(RepoRoot.Path, "src");

    [Fact]
    public void EveryTestProject_IsNamedAfterASrcProject_OrIsADocumentedTool()
    {
        var strays = new List<string>();
        foreach (string dir in Directory.EnumerateDirectories(Tests).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            bool mirrors = name.EndsWith(".Tests", StringComparison.Ordinal) && Directory.Exists(Path.Combine(Src, name[..^".Tests".Length]));
            if (!mirrors && !NotMirroring.Contains(name))
            {
                strays.Add($"tests/{name}: no src/{name.Replace(".Tests", string.Empty, StringComparison.Ordinal)}; name the test project after the project it tests");
            }
        }

        Assert.Empty(strays);
    }

    [Fact]
    public void EveryTestFile_SitsInTheFolderOfWhatItTests_WithThatFoldersNamespace()
    {
        var problems = new List<string>();
        int files = 0;
        foreach (string dir in Directory.EnumerateDirectories(Tests).Order(StringComparer.Ordinal))
        {
            string project = Path.GetFileName(dir);
            if (NotMirroring.Contains(project))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
                if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
                {
                    continue;
                }

                files++;
                if (Problem(Src, project, relative, File.ReadAllText(file)) is { } problem)
                {
                    problems.Add(problem);
                }
            }
        }

        Assert.True(files > 100, $"only {files} test files found under {Tests}");
        Assert.Empty(problems);
    }

    [Fact]
    public void SharedFiles_DeclareTheSharedNamespace()
    {
        string[] files = Directory.GetFiles(Path.Combine(Tests, "Shared"), "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Equal("JourneyKit.Tests.Shared", Namespace().Match(File.ReadAllText(file)).Groups["name"].Value));
    }

    /// <summary>A test run leaves nothing in the system's temporary directory: tests write under tests/Shared/TestTemp's
    /// per-process directory, which is removed at exit (tens of thousands of files had piled up in /tmp before).</summary>
    [Fact]
    public void TestFiles_WriteUnderTestTemp_NotTheSystemTempDirectory()
    {
        string allowed = Path.Combine(Tests, "Shared", "TestTemp.cs");
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Tests, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Tests, file).Replace('\\', '/');
            if (file == allowed || relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                || relative.StartsWith("JourneyKit.Architecture.Tests/", StringComparison.Ordinal))
            {
                continue;
            }

            if (File.ReadAllText(file).Contains("GetTempPath()", StringComparison.Ordinal))
            {
                offenders.Add($"tests/{relative}: uses Path.GetTempPath(); put test files under TestTemp.Root (tests/Shared/TestTemp.cs)");
            }
        }

        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("Matching/Pattern/PatternTests.cs", "namespace JourneyKit.Tests.Matching.Pattern;", null)]
    [InlineData("Generators/History.cs", "namespace JourneyKit.Tests.Generators;", null)]
    [InlineData("Cli/Commands/ScoreCommandTests.cs", "namespace JourneyKit.Tests.Cli.Commands;", null)]
    [InlineData("DurationTests.cs", "namespace JourneyKit.Tests;", null)]
    [InlineData("Matching/Nowhere/XTests.cs", "namespace JourneyKit.Tests.Matching.Nowhere;", "src/JourneyKit/Matching/Nowhere/ does not exist")]
    [InlineData("Cli/Nowhere/XTests.cs", "namespace JourneyKit.Tests.Cli.Nowhere;", "src/JourneyKit.Cli/Nowhere/ does not exist")]
    [InlineData("Matching/Pattern/PatternTests.cs", "namespace JourneyKit.Tests.Matching;", "namespace JourneyKit.Tests.Matching, but its folder says JourneyKit.Tests.Matching.Pattern")]
    [InlineData("Matching/XTests.cs", "public class XTests;", "declares no file-scoped namespace")]
    public void Problem_NamesAMisplacedFile(string relative, string source, string? expected)
    {
        string? problem = Problem(Src, "JourneyKit.Tests", relative, source);
        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.NotNull(problem);
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }
}
