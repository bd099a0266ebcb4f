using System.Text.RegularExpressions;

namespace JourneyKit.Architecture.Tests;

/// <summary>The README each package ships: shown on the package page, where only absolute links work.</summary>
public sealed partial class PackageReadmeTests
{
    private const string Repository = "https://github.com/journeykit/journeykit/blob/main/";

    public static TheoryData<string> Readmes() => new(ReadmePaths());

    private static List<string> ReadmePaths() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "src"), "README.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoRoot.Path, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void EverySrcProject_ShipsItsOwnReadme()
    {
        // Without one, Directory.Build.props packs the repository README, whose relative links break on a package page.
        List<string> readmes = ReadmePaths();
        Assert.Contains("src/JourneyKit/README.md", readmes);
        foreach (string csproj in Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            string readme = Path.GetRelativePath(RepoRoot.Path, Path.Combine(Path.GetDirectoryName(csproj)!, "README.md")).Replace('\\', '/');
            Assert.True(readmes.Contains(readme), $"{readme} is missing: write a short package README with absolute links");
        }
    }

    [Theory]
    [MemberData(nameof(Readmes))]
    public void Readme_LinksAreAbsolute_AndRepositoryLinksNameExistingFiles(string readme)
    {
        string text = File.ReadAllText(Path.Combine(RepoRoot.Path, readme));
        MatchCollection links = MarkdownLink().Matches(text);
        Assert.NotEmpty(links); // each points at its docs
        foreach (Match link in links)
        {
            string target = link.Groups[1].Value;
            Assert.True(target.StartsWith("https://", StringComparison.Ordinal), $"{readme}: relative link '{target}' breaks on a package page");
            if (target.StartsWith(Repository, StringComparison.Ordinal))
            {
                string file = target[Repository.Length..].Split('#')[0];
                Assert.True(File.Exists(Path.Combine(RepoRoot.Path, file)), $"{readme}: '{target}' names {file}, which is not in the repository");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Readmes))]
    public void Readme_StartsWithThePackageName_AndSaysHowToInstallIt(string readme)
    {
        string project = Path.GetFileName(Path.GetDirectoryName(Path.Combine(RepoRoot.Path, readme)))!;
        string text = File.ReadAllText(Path.Combine(RepoRoot.Path, readme));
        Assert.StartsWith("# " + project + "\n", text, StringComparison.Ordinal);
        string install = project.EndsWith(".Cli", StringComparison.Ordinal) ? "dotnet tool install -g " + project : "dotnet add package " + project;
        Assert.Contains(install, text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [Fact]
    public void Packages_CarryTheCommittedIcon()
    {
        string props = File.ReadAllText(Path.Combine(RepoRoot.Path, "Directory.Build.props"));
        Assert.Contains("<PackageIcon>icon.png</PackageIcon>", props, StringComparison.Ordinal);
        Assert.Contains("eng/assets/icon.png", props, StringComparison.Ordinal);
        byte[] png = File.ReadAllBytes(Path.Combine(RepoRoot.Path, "eng", "assets", "icon.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]; // IHDR: the first chunk, width then height
        int height = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
        Assert.Equal((128, 128), (width, height)); // NuGet shows 128×128; larger icons are downscaled, smaller ones blur
        Assert.True(png.Length < 1024 * 1024, "NuGet refuses icons over 1 MB");
    }
}
