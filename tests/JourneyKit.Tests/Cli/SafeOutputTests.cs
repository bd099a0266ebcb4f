using System.Runtime.InteropServices;
using System.Text;
using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

/// <summary>Issue 21: output files are written to an exclusive temporary file, flushed and renamed; devices,
/// directories and inputs are refused; a link at a temporary name is never followed.</summary>
public sealed class SafeOutputTests : IDisposable
{
    private static readonly string Events = TestPaths.Sample("retail-bank-account-opening.events.csv");
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-safe-out-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    private CliRun Report(string output, string? events = null) =>
        CliRunner.Run("report", "-j", TestPaths.BankJourney, "-e", events ?? Events, "--as-of", "2026-01-20T00:00:00Z", "--out", output);

    [Fact]
    public void Report_OutIsTheEventsFile_RefusedAndInputUnchanged_Issue21()
    {
        string events = Path.Combine(_dir, "events.csv");
        File.Copy(Events, events);
        byte[] before = File.ReadAllBytes(events);
        foreach (string output in new[] { events, Path.Combine(_dir, ".", "events.csv") })
        {
            CliRun run = Report(output, events);
            Assert.Equal(2, run.Exit);
            Assert.Contains("is the input", run.Err, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            // Through a link, the same inode: still the input.
            string link = Path.Combine(_dir, "link.html");
            File.CreateSymbolicLink(link, events);
            Assert.Equal(2, Report(link, events).Exit);
        }

        Assert.Equal(before, File.ReadAllBytes(events));
    }

    [Fact]
    public void Generate_OutIsTheJourney_Refused_Issue21()
    {
        // The loader does not mind the extension, so a journey saved as j.csv could be overwritten by its own events.
        string journey = Path.Combine(_dir, "j.csv");
        File.Copy(TestPaths.BankJourney, journey);
        string text = File.ReadAllText(journey);
        CliRun run = CliRunner.Run("generate", "-j", journey, "-n", "5", "--out", journey);
        Assert.Equal(2, run.Exit);
        Assert.Contains("is the input", run.Err, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(journey));
    }

    [Fact]
    public void Report_OutIsNotARegularFile_Refused_Issue21()
    {
        Assert.Equal(2, Report(_dir).Exit); // a directory
        Assert.True(Directory.Exists(_dir));
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A named pipe stands for any special file (a device like /dev/full is one too): replacing it was the bug.
        string fifo = Path.Combine(_dir, "pipe.html");
        Assert.Equal(0, MkFifo(fifo, Convert.ToUInt32("600", 8)));
        CliRun run = Report(fifo);
        Assert.Equal(2, run.Exit);
        Assert.Contains("is a named pipe; journeykit writes only regular files", run.Err, StringComparison.Ordinal);
        Assert.Equal(FileAttributes.Normal, File.GetAttributes(fifo) & ~FileAttributes.ReadOnly);
        Assert.Equal(0, new FileInfo(fifo).Length); // still the pipe, not an HTML file

        CliRun device = Report("/dev/null");
        Assert.Equal(2, device.Exit);
        Assert.Contains("is a character device", device.Err, StringComparison.Ordinal);

        string linkToDevice = Path.Combine(_dir, "null.html");
        File.CreateSymbolicLink(linkToDevice, "/dev/null");
        Assert.Equal(2, Report(linkToDevice).Exit);

        string csvFifo = Path.Combine(_dir, "pipe.csv");
        Assert.Equal(0, MkFifo(csvFifo, Convert.ToUInt32("600", 8)));
        Assert.Equal(2, CliRunner.Run("generate", "-j", TestPaths.BankJourney, "-n", "5", "--out", csvFifo).Exit);
    }

    [Fact]
    public void Report_LinkAtTheOldTempName_IsNotFollowed_Issue21()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Another user's file, and a link to it where the old code wrote its fixed "<out>.tmp".
        string victim = Path.Combine(_dir, "victim.txt");
        File.WriteAllText(victim, "someone else's");
        string output = Path.Combine(_dir, "report.html");
        File.CreateSymbolicLink(output + ".tmp", victim);

        CliRun run = Report(output);
        Assert.Equal(0, run.Exit);
        Assert.Equal("someone else's", File.ReadAllText(victim));
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal(new[] { "report.html", "report.html.tmp", "victim.txt" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Write_Failure_LeavesTheTargetAndNoTemporaryFile_Issue21()
    {
        string output = Path.Combine(_dir, "out.html");
        File.WriteAllText(output, "old");
        Assert.Throws<IOException>(() => CliOutputFile.Write(output, "--out", [], stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("half a report"));
            throw new IOException("No space left on device");
        }));
        Assert.Equal("old", File.ReadAllText(output));
        Assert.Equal(new[] { "out.html" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).ToArray());

        string written = CliOutputFile.Write(output, "--out", [], stream => stream.Write("new"u8));
        Assert.Equal((output, "new"), (written, File.ReadAllText(output)));
        Assert.Single(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void Generate_ReplacesTheFileWhole_AndGzipIsComplete_Issue21()
    {
        foreach (string name in new[] { "events.csv", "events.jsonl.gz" })
        {
            string output = Path.Combine(_dir, name);
            File.WriteAllText(output, "old");
            CliRun run = CliRunner.Run("generate", "-j", TestPaths.BankJourney, "-n", "50", "--seed", "3", "--out", output);
            Assert.Equal(0, run.Exit);
            CliRun read = CliRunner.Run("events", output); // the gzip trailer is checked by the reader
            Assert.Equal(0, read.Exit);
        }

        Assert.Equal(2, Directory.GetFileSystemEntries(_dir).Length); // no temporary file left
    }
}
