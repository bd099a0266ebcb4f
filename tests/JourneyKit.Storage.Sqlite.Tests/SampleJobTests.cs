using System.Diagnostics;

namespace JourneyKit.Storage.Sqlite.Tests;

/// <summary>The README's first command: the hosting sample loads the bundled bank sample into SQLite, scores it and writes the report.</summary>
public sealed class SampleJobTests
{
    [Fact]
    public void HostingSample_LoadsScoresAnalysesAndWritesTheReport()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "JourneyKit.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("JourneyKit.sln not found above the test directory.");
        }

        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string sample = Path.Combine(root, "samples", "JourneyKit.Samples.Hosting", "bin", configuration, "net10.0", "JourneyKit.Samples.Hosting.dll");
        Assert.True(File.Exists(sample), $"{sample} is missing: build the solution ({configuration}) first.");

        string workDir = Directory.CreateTempSubdirectory("jk-sample-").FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(sample);
        start.ArgumentList.Add(root);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the sample did not finish within 2 minutes");
        Assert.True(process.ExitCode == 0, stderr.Result);

        // The bundled sample has 2,000 customers (generated with --customers 2000).
        Assert.Contains("2000 customers", stdout.Result, StringComparison.Ordinal);
        string report = Path.Combine(workDir, "journey-report.html");
        Assert.Contains("journey report: " + report, stdout.Result, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(report), StringComparison.Ordinal);
    }
}
