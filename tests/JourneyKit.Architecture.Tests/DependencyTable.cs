using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace JourneyKit.Architecture.Tests;

/// <summary>
/// A table of docs/architecture.md: the "Packages (src/)" table (which projects and packages each project may use), or
/// the "Inside `JourneyKit`" table (which namespaces each layer of the core may use).
/// </summary>
internal sealed partial class DependencyTable
{
    /// <summary>The heading of the package table.</summary>
    public const string PackagesHeading = "## Packages (src/)";

    /// <summary>The heading of the core's layer table.</summary>
    public const string LayersHeading = "## Inside `JourneyKit`";

    private readonly Dictionary<string, string[]> _allowed;

    private DependencyTable(Dictionary<string, string[]> allowed) => _allowed = allowed;

    /// <summary>Gets the projects that have a row.</summary>
    public IReadOnlyCollection<string> Projects => _allowed.Keys;

    /// <summary>Reads the table under a heading (the package table by default): rows <c>| `project` | `dep`, `dep` | … |</c>.</summary>
    public static DependencyTable Parse(string markdown, string heading = PackagesHeading)
    {
        string[] lines = markdown.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == heading);
        if (start < 0)
        {
            throw new FormatException($"docs/architecture.md has no '{heading}' section.");
        }

        var allowed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (int i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            string line = lines[i].Trim();
            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = line.Split('|');
            string project = Names(cells[1]).Single();
            if (!allowed.TryAdd(project, [.. Names(cells[2])]))
            {
                throw new FormatException($"docs/architecture.md: project '{project}' has two rows.");
            }
        }

        return new DependencyTable(allowed);
    }

    /// <summary>Gets what a row allows, or null when there is no row.</summary>
    public IReadOnlyList<string>? Allowed(string key) => _allowed.TryGetValue(key, out string[]? allowed) ? allowed : null;

    /// <summary>Every reference of the project that its row does not allow, as "project → reference".</summary>
    public IEnumerable<string> Violations(string project, string csprojXml)
    {
        if (!_allowed.TryGetValue(project, out string[]? allowed))
        {
            yield return $"{project}: no row in docs/architecture.md";
            yield break;
        }

        foreach (string reference in References(csprojXml))
        {
            if (!allowed.Any(a => Allows(a, reference)))
            {
                yield return $"{project} → {reference}: not allowed by docs/architecture.md (may depend on: {string.Join(", ", allowed)})";
            }
        }
    }

    /// <summary>The project references (by .csproj name) and package ids of a project file, conditions ignored.</summary>
    public static IEnumerable<string> References(string csprojXml)
    {
        XDocument doc = XDocument.Parse(csprojXml);
        foreach (XElement e in doc.Descendants())
        {
            string? include = e.Attribute("Include")?.Value;
            if (include is null)
            {
                continue;
            }

            if (e.Name.LocalName == "ProjectReference")
            {
                yield return Path.GetFileNameWithoutExtension(include.Replace('\\', '/'));
            }
            else if (e.Name.LocalName == "PackageReference")
            {
                yield return include;
            }
        }
    }

    private static bool Allows(string allowed, string reference) => allowed.EndsWith(".*", StringComparison.Ordinal)
        ? reference.StartsWith(allowed[..^1], StringComparison.Ordinal)
        : string.Equals(allowed, reference, StringComparison.Ordinal);

    private static IEnumerable<string> Names(string cell) => BacktickedName().Matches(cell).Select(m => m.Groups[1].Value);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickedName();
}
