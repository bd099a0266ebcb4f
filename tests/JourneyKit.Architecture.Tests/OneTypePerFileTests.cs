using System.Text.RegularExpressions;

namespace JourneyKit.Architecture.Tests;

/// <summary>
/// Issue 20 item 2: a shipped source file (src/) declares at most one public top-level type, named like the file, so a
/// type is found by its name. Files use file-scoped namespaces (checked too), so a top-level declaration starts at
/// column 0 and a nested type (indented) is not counted.
/// </summary>
public sealed partial class OneTypePerFileTests
{
    [GeneratedRegex(@"^public\s+(?:(?:sealed|static|abstract|partial|readonly|ref|unsafe|file)\s+)*(?:class|struct|interface|enum|record(?:\s+class|\s+struct)?|delegate\s+[^(]+?)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex PublicTopLevelType();

    /// <summary>
    /// Files not split yet, each with its reason; the list only shrinks (empty: every shipped file holds one public type).
    /// </summary>
    private static readonly HashSet<string> Pending = new(StringComparer.Ordinal);

    [GeneratedRegex(@"^namespace\s+[\w.]+\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    /// <summary>The public top-level type names <paramref name="source"/> declares, in order.</summary>
    internal static List<string> PublicTypes(string source) => [.. PublicTopLevelType().Matches(source).Select(m => m.Groups["name"].Value)];

    private static IEnumerable<(string Relative, string Text)> ShippedSources()
    {
        string src = Path.Combine(RepoRoot.Path, "src");
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(RepoRoot.Path, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            yield return (relative, File.ReadAllText(file));
        }
    }

    [Fact]
    public void EveryShippedFile_DeclaresAtMostOnePublicTopLevelType_NamedLikeTheFile()
    {
        var violations = new List<string>();
        foreach ((string relative, string text) in ShippedSources())
        {
            if (Pending.Contains(relative))
            {
                continue;
            }

            List<string> types = PublicTypes(text);
            string name = Path.GetFileNameWithoutExtension(relative);
            if (types.Count > 1)
            {
                violations.Add($"{relative}: {types.Count} public types ({string.Join(", ", types)}); move each into its own file");
            }
            else if (types.Count == 1 && types[0] != name && !name.StartsWith(types[0] + "{", StringComparison.Ordinal) && !name.StartsWith(types[0] + ".", StringComparison.Ordinal))
            {
                violations.Add($"{relative}: declares {types[0]}; name the file {types[0]}.cs");
            }
        }

        Assert.True(violations.Count == 0, "One public type per file (issue 20):" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void EveryShippedFile_UsesAFileScopedNamespace()
    {
        // The count above relies on it: in a block-scoped namespace a top-level type would be indented like a nested one.
        var violations = new List<string>();
        foreach ((string relative, string text) in ShippedSources())
        {
            if (Regex.IsMatch(text, @"^namespace\s", RegexOptions.Multiline) && !FileScopedNamespace().IsMatch(text))
            {
                violations.Add(relative);
            }
        }

        Assert.True(violations.Count == 0, "Use a file-scoped namespace (namespace X;):" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void PublicTypes_CountsTopLevelDeclarations_NotNestedOrInternalOnes()
    {
        const string source = """
            namespace X;

            /// <summary>A.</summary>
            public sealed class A
            {
                public sealed class Nested { }
            }

            internal sealed class Helper { }

            public readonly record struct B(int Value);

            public static partial class C { }

            public enum D { One }

            public delegate void E(int value);

            public sealed record F(string Name);
            """;
        Assert.Equal(["A", "B", "C", "D", "E", "F"], PublicTypes(source));
        Assert.Empty(PublicTypes("namespace X;\n\ninternal sealed class A { public sealed class B { } }\n"));
    }
}
