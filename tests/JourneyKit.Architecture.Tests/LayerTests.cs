using System.Reflection;
using System.Text.RegularExpressions;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;
using JourneyKit.Scoring;

namespace JourneyKit.Architecture.Tests;

/// <summary>
/// Inside the core package, the "Inside `JourneyKit`" table of docs/architecture.md is the rule: each layer (namespace)
/// uses only the layers its row names, no namespace uses another folder's <c>Internal</c>, and every folder is its
/// namespace. Dependencies are read from the compiled assembly (signatures, locals and IL, lambdas included), so a
/// fully qualified name or a dependency inside a method body is found as well as a <c>using</c>.
/// </summary>
public sealed partial class LayerTests
{
    private const string Root = "JourneyKit";
    private const string DependencyInjection = "Microsoft.Extensions.DependencyInjection";
    private static readonly Assembly Core = typeof(Duration).Assembly;

    private static DependencyTable Table() =>
        DependencyTable.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "architecture.md")), DependencyTable.LayersHeading);

    [Fact]
    public void CoreLayers_UseOnlyWhatTheTableAllows()
    {
        DependencyTable table = Table();
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((Type type, HashSet<Type> used) in TypeDependencies.Of(Core))
        {
            string? from = LayerOf(TypeDependencies.NamespaceOf(type));
            if (from is null)
            {
                continue;
            }

            IReadOnlyList<string>? allowed = table.Allowed(from);
            if (allowed is null)
            {
                violations.Add($"{from}: no row in docs/architecture.md (## Inside `JourneyKit`)");
                continue;
            }

            foreach (Type u in used)
            {
                string? to = LayerOf(TypeDependencies.NamespaceOf(u));
                if (to is not null && to != from && to != Root && !allowed.Contains(to))
                {
                    violations.Add($"{from} → {to}: {Name(type)} uses {Name(u)}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Fix the dependency or the table in docs/architecture.md:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void LayerTable_IsAcyclic()
    {
        // The rows themselves must not allow a cycle (A may use B and B may use A), or the rule above allows one.
        DependencyTable table = Table();
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string layer, string path)
        {
            Assert.False(visiting.Contains(layer), "docs/architecture.md allows a cycle: " + path);
            if (!done.Add(layer))
            {
                return;
            }

            visiting.Add(layer);
            foreach (string next in table.Allowed(layer) ?? [])
            {
                Visit(next, path + " → " + next);
            }

            visiting.Remove(layer);
        }

        foreach (string layer in table.Projects)
        {
            Visit(layer, layer);
        }

        Assert.Contains("JourneyKit.Model", table.Projects);
        Assert.DoesNotContain("JourneyKit.Matching", table.Allowed("JourneyKit.Model")!);
    }

    [Fact]
    public void NoNamespace_UsesAnotherFoldersInternal()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((Type type, HashSet<Type> used) in TypeDependencies.Of(Core))
        {
            string from = TypeDependencies.NamespaceOf(type);
            foreach (Type u in used)
            {
                string to = TypeDependencies.NamespaceOf(u);
                int at = to.IndexOf(".Internal", StringComparison.Ordinal);
                if (at >= 0 && !IsWithin(from, to[..at]))
                {
                    violations.Add($"{from} → {to}: {Name(type)} uses {Name(u)}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Only a folder and its subfolders may use its Internal types; expose what is needed through an internal member of a public type instead:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void EveryFolder_IsItsNamespace()
    {
        // src/<Project>/<A>/<B>/File.cs declares namespace <Project>.<A>.<B>. The one exception is the DI convention:
        // a file of extension classes (*Extensions) may declare Microsoft.Extensions.DependencyInjection.
        var violations = new List<string>();
        string src = Path.Combine(RepoRoot.Path, "src");
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(src, file).Replace('\\', '/');
            string[] parts = relative.Split('/');
            if (parts.Contains("obj") || parts.Contains("bin"))
            {
                continue;
            }

            string expected = string.Join('.', parts[..^1]);
            string text = File.ReadAllText(file);
            foreach (Match m in NamespaceDeclaration().Matches(text))
            {
                string declared = m.Groups[1].Value;
                bool diExtensions = declared == DependencyInjection && TypeDeclaration().Matches(text).All(t => t.Groups[1].Value.EndsWith("Extensions", StringComparison.Ordinal));
                if (declared != expected && !diExtensions)
                {
                    violations.Add($"src/{relative}: namespace {declared}, folder {expected}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Move the file or change its namespace:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void TypeDependencies_FindsUsesInSignaturesBodiesAndLambdas()
    {
        // The checks above are only as good as the scanner: show it finds each kind of use on known types.
        Dictionary<Type, HashSet<Type>> deps = TypeDependencies.Of(typeof(LayerTests).Assembly);
        Assert.Contains(typeof(ScannerTarget), deps[typeof(ScannerInSignature)]);
        Assert.Contains(typeof(ScannerTarget), deps[typeof(ScannerInBody)]);
        Assert.Contains(typeof(ScannerTarget), deps[typeof(ScannerInLambda)]);
        Assert.DoesNotContain(typeof(ScannerTarget), deps[typeof(ScannerUnrelated)]);

        // And on the core: the evaluator steps compiled patterns; compiling a journey reuses validation's parsed patterns.
        Dictionary<Type, HashSet<Type>> core = TypeDependencies.Of(Core);
        Assert.Contains(typeof(CompiledPattern), core[typeof(JourneyEvaluator)]);
        Assert.Contains(typeof(EventCondition), core[typeof(CompiledPattern)]);
        Assert.DoesNotContain(core, kv => TypeDependencies.NamespaceOf(kv.Key).StartsWith("JourneyKit.Model", StringComparison.Ordinal)
            && kv.Value.Any(u => TypeDependencies.NamespaceOf(u).StartsWith("JourneyKit.Matching", StringComparison.Ordinal)));
    }

    [Fact]
    public void LayerOf_RollsSubNamespacesUpToTheFirstFolder()
    {
        Assert.Equal("JourneyKit.Model", LayerOf("JourneyKit.Model.Patterns"));
        Assert.Equal("JourneyKit.Matching", LayerOf("JourneyKit.Matching.Internal"));
        Assert.Equal(Root, LayerOf("JourneyKit"));
        Assert.Equal(Root, LayerOf("JourneyKit.Internal"));
        Assert.Equal(DependencyInjection, LayerOf(DependencyInjection));
        Assert.Null(LayerOf(string.Empty)); // compiler-generated types (<PrivateImplementationDetails>)
        Assert.Null(LayerOf("System.Text.RegularExpressions.Generated"));
        Assert.True(IsWithin("JourneyKit.Matching.Pattern", "JourneyKit.Matching"));
        Assert.False(IsWithin("JourneyKit.MatchingX", "JourneyKit.Matching"));
    }

    /// <summary>The layer of a namespace: JourneyKit.X.Y → JourneyKit.X; the DI namespace is its own; others (generated code) are not checked.</summary>
    private static string? LayerOf(string ns)
    {
        if (ns == Root || ns == DependencyInjection)
        {
            return ns;
        }

        if (ns == Root + ".Internal")
        {
            return Root; // the root's helpers (ColumnBuilder) are part of the root layer
        }

        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        int dot = ns.IndexOf('.', Root.Length + 1);
        return dot < 0 ? ns : ns[..dot];
    }

    private static string Name(Type t) => (t.IsGenericType ? t.GetGenericTypeDefinition() : t).FullName ?? t.Name;

    private static bool IsWithin(string ns, string folder) => ns == folder || ns.StartsWith(folder + ".", StringComparison.Ordinal);

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^(?:public|internal)\s+(?:[a-z]+\s+)*(?:class|struct|record|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}

#pragma warning disable CA1812, CA1822, SA1402 // fixtures for the scanner test: top-level (nested types count as their outer type), used only by reflection
internal sealed class ScannerTarget
{
    public static int Value => 1;
}

internal sealed class ScannerInSignature
{
    public ScannerTarget? Get() => null;
}

internal sealed class ScannerInBody
{
    public int Read() => ScannerTarget.Value;
}

internal sealed class ScannerInLambda
{
    public Func<int> Make() => () => ScannerTarget.Value;
}

internal sealed class ScannerUnrelated
{
    public int Read() => 2;
}
#pragma warning restore CA1812, CA1822, SA1402
