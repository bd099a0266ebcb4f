namespace JourneyKit.Architecture.Tests;

/// <summary>The package table in docs/architecture.md is the rule; these tests hold every src/ project to it.</summary>
public sealed class PackageDependencyTests
{
    private static readonly string Root = RepoRoot.Path;

    private static DependencyTable Table() => DependencyTable.Parse(File.ReadAllText(Path.Combine(Root, "docs", "architecture.md")));

    private static IEnumerable<string> SrcProjects() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    [Fact]
    public void SrcProjects_ReferenceOnlyWhatTheTableAllows()
    {
        DependencyTable table = Table();
        var violations = new List<string>();
        foreach (string csproj in SrcProjects())
        {
            violations.AddRange(table.Violations(Path.GetFileNameWithoutExtension(csproj), File.ReadAllText(csproj)));
        }

        Assert.True(violations.Count == 0, "Fix the reference or the table in docs/architecture.md:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Table_HasARowForEverySrcProject_AndTheCoreDependsOnNoProject()
    {
        DependencyTable table = Table();
        List<string> projects = [.. SrcProjects().Select(Path.GetFileNameWithoutExtension).OfType<string>()];
        Assert.Contains("JourneyKit", projects); // the scan found the tree
        Assert.All(projects, p => Assert.Contains(p, table.Projects));
        string core = File.ReadAllText(Path.Combine(Root, "src", "JourneyKit", "JourneyKit.csproj"));
        Assert.DoesNotContain(DependencyTable.References(core), r => r.StartsWith("JourneyKit", StringComparison.Ordinal));
    }

    [Fact]
    public void NoSrcProject_OpensItsInternalsToAnotherSrcProject()
    {
        // Providers build on public API only (e.g. JourneyConcurrencyException.StaleETag for the shared messages), so a
        // change inside the core cannot break a package that ships separately. Tests and benchmarks may see internals.
        HashSet<string> projects = [.. SrcProjects().Select(Path.GetFileNameWithoutExtension).OfType<string>()];
        var violations = new List<string>();
        foreach (string csproj in SrcProjects())
        {
            foreach (System.Xml.Linq.XElement e in System.Xml.Linq.XDocument.Load(csproj).Descendants("InternalsVisibleTo"))
            {
                string friend = e.Attribute("Include")?.Value ?? string.Empty;
                if (projects.Contains(friend))
                {
                    violations.Add($"{Path.GetFileNameWithoutExtension(csproj)} → {friend}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Expose a public factory or type instead of InternalsVisibleTo between shipped projects:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Table_NamesThePackagesOfTheDesign()
    {
        string[] expected =
        [
            "JourneyKit", "JourneyKit.Reporting", "JourneyKit.Prediction", "JourneyKit.Webhooks", "JourneyKit.Synthetic",
            "JourneyKit.Storage.Sqlite", "JourneyKit.Storage.PostgreSql", "JourneyKit.Orleans", "JourneyKit.Hosting",
            "JourneyKit.Testing", "JourneyKit.Cli",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Table().Projects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Violations_ReferenceOutsideTheRow_IsReported()
    {
        // A checker that never complains would pass the real test vacuously: show it catches each kind of reference.
        const string markdown = """
            ## Packages (src/)

            | project | may depend on | holds |
            | --- | --- | --- |
            | `Core` | `Sylvan.Data.Csv` | core |
            | `Web` | `Core`, `Microsoft.Orleans.*` | web |

            ## Next
            | `Ignored` | `Anything` | after the section |
            """;
        const string csproj = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\Core\Core.csproj" />
                <ProjectReference Include="../Other/Other.csproj" Condition="'$(X)' == 'true'" />
                <PackageReference Include="Microsoft.Orleans.Server" />
                <PackageReference Include="Microsoft.Orleans" />
                <PackageReference Include="Newtonsoft.Json" />
              </ItemGroup>
            </Project>
            """;
        DependencyTable table = DependencyTable.Parse(markdown);
        Assert.Equal(["Core", "Web"], table.Projects.Order(StringComparer.Ordinal));
        List<string> violations = [.. table.Violations("Web", csproj)];
        // Core: allowed; Other: not named; Microsoft.Orleans.Server: matches the prefix "Microsoft.Orleans.";
        // Microsoft.Orleans: does not (the prefix includes the dot); Newtonsoft.Json: not named.
        Assert.Equal(3, violations.Count);
        Assert.StartsWith("Web → Other:", violations[0], StringComparison.Ordinal);
        Assert.StartsWith("Web → Microsoft.Orleans:", violations[1], StringComparison.Ordinal);
        Assert.StartsWith("Web → Newtonsoft.Json:", violations[2], StringComparison.Ordinal);
        Assert.Equal(["Ignored: no row in docs/architecture.md"], table.Violations("Ignored", csproj));
    }
}
