using System.Diagnostics;
using System.Globalization;

namespace JourneyKit.Tests.Shared;

/// <summary>What a crash test saw: kills, acknowledged batches, and every way a batch went wrong.</summary>
internal sealed record CrashTestReport(int Kills, int AcknowledgedBatches, int BatchesFound, int AcknowledgedLost, int PartialBatches, int IntegrityChecks, int IntegrityFailures, int Databases, TimeSpan Elapsed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kills} kills (SIGKILL) over {Databases} database(s) in {Elapsed.TotalSeconds:F0} s: {AcknowledgedBatches} batches acknowledged, {BatchesFound} found, {AcknowledgedLost} acknowledged batches lost, {PartialBatches} partial batches, {IntegrityFailures} integrity failures in {IntegrityChecks} checks");
}

/// <summary>
/// The crash-durability test, shared by the SQLite and PostgreSQL stores: a child process appends 2,000-event batches
/// (ids <c>b&lt;batch&gt;-&lt;i&gt;</c>) and prints <c>ack &lt;batch&gt;</c> after each acknowledged append; it is killed
/// (SIGKILL) at a random point — before its first ack, or a few milliseconds after one, mid-way through the next
/// append — and the store is read back: every acknowledged batch must be there in full and no batch in part. The
/// next child goes on with the next batch number on the same database; every <c>rotateEvery</c> kills the database
/// gets an integrity check and a new one is started.
/// </summary>
/// <remarks>
/// The short mode (CI) runs a few kills. The long mode runs <c>JOURNEYKIT_CRASH_KILLS</c> kills (1,000 or more; see
/// docs/storage.md). The kill points come from a seeded <see cref="Random"/>; where they land depends on the machine.
/// </remarks>
internal static class CrashTestDriver
{
    /// <summary>The environment variable that sets the number of kills (the long mode).</summary>
    public const string KillsVariable = "JOURNEYKIT_CRASH_KILLS";

    /// <summary>The batch size of the crash hosts.</summary>
    public const int BatchSize = 2_000;

    /// <summary>Gets the number of kills: <see cref="KillsVariable"/> when set, else <paramref name="shortMode"/>.</summary>
    public static int Kills(int shortMode) =>
        int.TryParse(Environment.GetEnvironmentVariable(KillsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int kills) && kills > 0 ? kills : shortMode;

    /// <param name="kills">The number of kills.</param>
    /// <param name="rotateEvery">Kills per database.</param>
    /// <param name="newDatabase">Makes a new, empty database; returns its handle for the other delegates.</param>
    /// <param name="startChild">The child process for (database, first batch number).</param>
    /// <param name="countPerBatch">Reads the database back: events per batch number.</param>
    /// <param name="integrityCheck">Checks the database's physical integrity (null: none); true when sound.</param>
    /// <param name="log">Progress lines.</param>
    public static async Task<CrashTestReport> RunAsync(
        int kills,
        int rotateEvery,
        Func<Task<string>> newDatabase,
        Func<string, int, ProcessStartInfo> startChild,
        Func<string, Task<Dictionary<int, int>>> countPerBatch,
        Func<string, Task<bool>>? integrityCheck,
        Action<string> log)
    {
        var random = new Random(20260121);
        var clock = Stopwatch.StartNew();
        int acknowledgedTotal = 0, foundTotal = 0, lost = 0, partial = 0, checks = 0, integrityFailures = 0, databases = 0;
        string database = "";
        var acknowledged = new HashSet<int>();
        int nextBatch = 0;
        for (int kill = 0; kill < kills; kill++)
        {
            if (kill % rotateEvery == 0)
            {
                if (kill > 0 && integrityCheck is not null)
                {
                    checks++;
                    integrityFailures += await integrityCheck(database) ? 0 : 1;
                }

                database = await newDatabase();
                databases++;
                acknowledged.Clear();
                nextBatch = 0;
            }

            // Where to kill: before the first ack (start-up, schema creation, the first append), or 0–15 ms after the
            // 1st to 3rd ack, most likely mid-way through the next append.
            int acksBeforeKill = kill == 0 ? 5 : random.Next(0, 4);
            int delayMs = acksBeforeKill == 0 ? random.Next(100, 1_500) : random.Next(0, 16);
            ProcessStartInfo start = startChild(database, nextBatch);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            using Process child = Process.Start(start)!;
            Task<string> stderr = child.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            int seen = 0;
            while (seen < acksBeforeKill)
            {
                string? line = await child.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    throw new InvalidOperationException("the crash host ended early: " + await stderr);
                }

                acknowledged.Add(int.Parse(line.AsSpan("ack ".Length), CultureInfo.InvariantCulture));
                seen++;
            }

            await Task.Delay(delayMs, timeout.Token);
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(timeout.Token);

            // Acks the child printed before it died are acknowledged too.
            while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acknowledged.Add(int.Parse(line.AsSpan("ack ".Length), CultureInfo.InvariantCulture));
                }
            }

            Dictionary<int, int> perBatch = await countPerBatch(database);
            foreach (int b in acknowledged)
            {
                if (perBatch.GetValueOrDefault(b) != BatchSize)
                {
                    lost++;
                    log(string.Create(CultureInfo.InvariantCulture, $"kill {kill}: acknowledged batch {b} has {perBatch.GetValueOrDefault(b)} of {BatchSize} events"));
                }
            }

            foreach ((int b, int count) in perBatch)
            {
                if (count != BatchSize)
                {
                    partial++;
                    log(string.Create(CultureInfo.InvariantCulture, $"kill {kill}: batch {b} is there in part: {count} of {BatchSize} events"));
                }
            }

            int max = -1;
            foreach (int b in perBatch.Keys)
            {
                max = Math.Max(max, b);
            }

            foreach (int b in acknowledged)
            {
                max = Math.Max(max, b);
            }

            nextBatch = max + 1;
            if ((kill + 1) % rotateEvery == 0 || kill + 1 == kills)
            {
                acknowledgedTotal += acknowledged.Count;
                foundTotal += perBatch.Count;
            }

            if ((kill + 1) % 100 == 0)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"{kill + 1} kills, {clock.Elapsed.TotalSeconds:F0} s: {lost} lost, {partial} partial, {integrityFailures} integrity failures"));
            }
        }

        if (integrityCheck is not null && kills > 0)
        {
            checks++;
            integrityFailures += await integrityCheck(database) ? 0 : 1;
        }

        return new CrashTestReport(kills, acknowledgedTotal, foundTotal, lost, partial, checks, integrityFailures, databases, clock.Elapsed);
    }

    /// <summary>The batch number of an event id <c>b&lt;batch&gt;-&lt;i&gt;</c>.</summary>
    public static int BatchOf(string eventId) => int.Parse(eventId.AsSpan(1, eventId.IndexOf('-', StringComparison.Ordinal) - 1), CultureInfo.InvariantCulture);
}
