using System.Diagnostics;
using System.Globalization;
using JourneyKit.Fuzz.Targets;
using SharpFuzz;

// journeykit fuzz targets (docs/fuzzing.md):
//   list                                   the targets
//   smoke [--seconds 30] [--seed 1] [--target T]...   every target (or the ones named), the seeds then mutations, within
//                                          the time; prints "fuzz smoke: P passed, F failed" (targets); exit 1 on a finding
//   run T [--seconds 600] [--seed S]       one target, longer, in process
//   repro T FILE|DIR...                    run saved inputs (a crash file, the corpus)
//   afl T                                  SharpFuzz entry point for afl-fuzz (instrumented build)
//   libfuzzer T                            SharpFuzz entry point for libfuzzer-dotnet (instrumented build)
// Options: --corpus DIR (default: corpus/ beside the program), --crashes DIR (default artifacts/fuzz),
//          --timeout SECONDS per input (10), --max-length BYTES (65536), --max-alloc-mb MB per input (512).
namespace JourneyKit.Fuzz
{
    internal static class Cli
    {
        public static int Main(string[] args)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help")
            {
                Console.Error.WriteLine("usage: JourneyKit.Fuzz list | smoke [--seconds N] [--seed S] [--target T]... | run T [--seconds N] | repro T FILE... | afl T | libfuzzer T");
                return 2;
            }

            var targets = new List<string>();
            var files = new List<string>();
            double seconds = args[0] == "smoke" ? 30 : 600;
            ulong seed = 1;
            string corpus = Path.Combine(AppContext.BaseDirectory, "corpus");
            string crashes = Path.Combine("artifacts", "fuzz");
            double timeout = 10;
            int maxLength = 65_536;
            long maxAllocMb = 512;
            for (int i = 1; i < args.Length; i++)
            {
                string a = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "--seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--target": targets.Add(Value()); break;
                    case "--corpus": corpus = Value(); break;
                    case "--crashes": crashes = Value(); break;
                    case "--timeout": timeout = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--max-length": maxLength = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--max-alloc-mb": maxAllocMb = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                    default:
                        if (args[0] is "run" or "afl" or "libfuzzer" or "repro" && targets.Count == 0)
                        {
                            targets.Add(a);
                        }
                        else
                        {
                            files.Add(a);
                        }

                        break;
                }
            }

            var selected = new List<FuzzTarget>();
            foreach (string name in targets)
            {
                selected.Add(FuzzTargets.Find(name) ?? throw new ArgumentException($"unknown target '{name}'; see 'list'"));
            }

            switch (args[0])
            {
                case "list":
                    foreach (FuzzTarget t in FuzzTargets.All)
                    {
                        Console.Out.WriteLine($"{t.Name,-14} {t.Description}");
                    }

                    return 0;
                case "afl":
                {
                    FuzzTarget t = Single(selected);
                    Fuzzer.OutOfProcess.Run(stream =>
                    {
                        using var buffer = new MemoryStream();
                        stream.CopyTo(buffer);
                        t.Run(buffer.ToArray());
                    });
                    return 0;
                }

                case "libfuzzer":
                {
                    FuzzTarget t = Single(selected);
                    Fuzzer.LibFuzzer.Run(span => t.Run(span));
                    return 0;
                }

                case "repro":
                    return Repro(Single(selected), files, crashes, timeout, maxAllocMb);
                case "run":
                case "smoke":
                    return Mutate(selected.Count > 0 ? selected : [.. FuzzTargets.All], corpus, crashes, seconds, seed, timeout, maxLength, maxAllocMb, args[0] == "smoke");
                default:
                    Console.Error.WriteLine($"unknown command '{args[0]}'");
                    return 2;
            }
        }

        private static FuzzTarget Single(List<FuzzTarget> selected) =>
            selected.Count == 1 ? selected[0] : throw new ArgumentException("name one target; see 'list'");

        private static int Repro(FuzzTarget target, List<string> paths, string crashes, double timeout, long maxAllocMb)
        {
            var runner = new FuzzRunner(crashes, TimeSpan.FromSeconds(timeout), maxAllocMb << 20);
            int failed = 0;
            foreach (string file in Expand(paths))
            {
                string? finding = runner.RunOne(target, File.ReadAllBytes(file));
                Console.Out.WriteLine(finding is null ? $"ok      {file}" : $"FINDING {file}\n{finding}");
                failed += finding is null ? 0 : 1;
            }

            return failed == 0 ? 0 : 1;
        }

        private static int Mutate(List<FuzzTarget> targets, string corpus, string crashes, double seconds, ulong seed, double timeout, int maxLength, long maxAllocMb, bool smoke)
        {
            var runner = new FuzzRunner(crashes, TimeSpan.FromSeconds(timeout), maxAllocMb << 20);
            TimeSpan perTarget = TimeSpan.FromSeconds(seconds / targets.Count);
            int passed = 0, failed = 0;
            foreach (FuzzTarget target in targets)
            {
                List<byte[]> seeds = [.. Expand([Path.Combine(corpus, target.Name)]).Select(File.ReadAllBytes)];
                var driver = new MutationDriver(target, seeds, seed, maxLength);
                long started = Stopwatch.GetTimestamp();
                long inputs = 0;
                var findings = new HashSet<string>(StringComparer.Ordinal);
                void One(byte[] input)
                {
                    inputs++;
                    string? finding = runner.RunOne(target, input);
                    if (finding is not null)
                    {
                        // One report per exception type and first frame of the code under test.
                        string[] lines = finding.Split('\n');
                        string type = lines[0].Split(':')[0];
                        string frame = lines.FirstOrDefault(l => l.TrimStart().StartsWith("at JourneyKit.", StringComparison.Ordinal) && !l.Contains("JourneyKit.Fuzz.", StringComparison.Ordinal))?.Trim() ?? lines[0];
                        int cut = frame.IndexOf(" in ", StringComparison.Ordinal);
                        string key = type + " " + (cut > 0 ? frame[..cut] : frame);
                        if (findings.Add(key))
                        {
                            string path = FuzzRunner.Save(target, input, "crash", finding);
                            Console.Out.WriteLine($"fuzz {target.Name}: FINDING at input {inputs} (seed {seed}), saved {path}\n{finding}");
                        }
                    }
                }

                foreach (byte[] s in seeds)
                {
                    One(s);
                }

                while (Stopwatch.GetElapsedTime(started) < perTarget && findings.Count < 5)
                {
                    One(driver.Next());
                }

                double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz {target.Name}: {inputs} inputs ({seeds.Count} seeds) in {elapsed:F1} s, {(findings.Count == 0 ? "no findings" : findings.Count + " FINDINGS")}"));
                if (findings.Count == 0)
                {
                    passed++;
                }
                else
                {
                    failed++;
                }
            }

            Console.Out.WriteLine($"fuzz {(smoke ? "smoke" : "run")}: {passed} targets passed, {failed} targets failed");
            return failed == 0 ? 0 : 1;
        }

        private static IEnumerable<string> Expand(IEnumerable<string> paths)
        {
            foreach (string p in paths)
            {
                if (Directory.Exists(p))
                {
                    foreach (string f in Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    {
                        yield return f;
                    }
                }
                else if (File.Exists(p))
                {
                    yield return p;
                }
            }
        }
    }
}
