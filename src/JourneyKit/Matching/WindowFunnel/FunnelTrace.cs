using JourneyKit.Events;
using JourneyKit.Matching.Internal;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// One customer replayed through a <see cref="WindowFunnel"/> entry by entry, keeping the event rows of the chain kept for
/// every level, what stopped the search and the latest entry for the next step that did not fit. The explaining and
/// step-time path: it allocates, and gives the same level as the batch engine (a property test checks it).
/// </summary>
internal sealed class FunnelTrace
{
    private FunnelTrace(int steps)
    {
        Chains = new int[steps][];
        Rejected = new (int Row, string Code, int ChainStep)[steps];
        Array.Fill(Rejected, (-1, string.Empty, -1));
    }

    /// <summary>Gets the level reached.</summary>
    public int Level { get; private set; }

    /// <summary>Gets, per 0-based level k, the rows of the chain kept for it (k + 1 rows), or null when never reached.</summary>
    public int[]?[] Chains { get; }

    /// <summary>Gets what stopped the search early.</summary>
    public FunnelStop Stop { get; private set; }

    /// <summary>Gets the row of the event that stopped the search, or -1.</summary>
    public int StopRow { get; private set; } = -1;

    /// <summary>Gets the 0-based step of the entry that stopped the search (-1 for an event matching no step).</summary>
    public int StopStep { get; private set; } = -1;

    /// <summary>
    /// Gets, per 0-based step k, the latest entry for step k that could not extend the chain kept for level k − 1 while k
    /// was the next step: its row, why (<c>window</c>, <c>step_min</c>, <c>step_max</c>, <c>strict_increase</c>,
    /// <c>no_chain</c>) and the 0-based step of the chain it was measured against.
    /// </summary>
    public (int Row, string Code, int ChainStep)[] Rejected { get; }

    /// <summary>Replays a run; with a held value (≥ 0) only the rows whose <paramref name="held"/> column has it.</summary>
    public static FunnelTrace Run(WindowFunnel funnel, EventBatch batch, BoundConditions bound, int run, ReadOnlySpan<int> held = default, int heldValue = -1)
    {
        int start = batch.CustomerStarts[run];
        int end = batch.CustomerStarts[run + 1];
        int steps = funnel.StepCount;
        bool strictOrder = (funnel.Mode & WindowFunnelMode.StrictOrder) != 0;
        bool dedup = (funnel.Mode & WindowFunnelMode.StrictDeduplication) != 0;
        bool increase = (funnel.Mode & WindowFunnelMode.StrictIncrease) != 0;
        bool reentry = (funnel.Mode & WindowFunnelMode.AllowReentry) != 0;
        long window = funnel.Window.Ticks;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;

        // Entries (timestamp, step, row): step -1 for an event matching nothing under strict_order; (timestamp, step) order.
        var entries = new List<(long Ticks, int Step, int Row)>();
        for (int row = start; row < end; row++)
        {
            if (heldValue >= 0 && (held.IsEmpty || held[row] != heldValue))
            {
                continue;
            }

            ulong mask = bound.Match(batch, row);
            if (mask == 0 && strictOrder)
            {
                entries.Add((ticks[row], -1, row));
            }

            for (int k = 0; k < steps; k++)
            {
                if ((mask >> k & 1) != 0)
                {
                    entries.Add((ticks[row], k, row));
                }
            }
        }

        entries.Sort(static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Step != b.Step ? a.Step.CompareTo(b.Step) : a.Row.CompareTo(b.Row));

        var trace = new FunnelTrace(steps);
        ConstrainedFunnelCore? core = null;
        var arena = new List<(int Row, int Parent)>();
        int currentRow = -1;
        if (funnel.HasStepConstraints)
        {
            core = funnel.CreateConstrainedCore();
            core.LastId = new int[steps];
            core.Record = (_, _, parent) =>
            {
                arena.Add((currentRow, parent));
                return arena.Count - 1;
            };
        }

        bool firstEvent = false;
        bool done = false;
        foreach ((long t, int k, int row) in entries)
        {
            if (done)
            {
                break;
            }

            if (k < 0)
            {
                if (firstEvent)
                {
                    trace.Halt(FunnelStop.StrictOrderOtherEvent, row, -1);
                    break;
                }

                continue;
            }

            if (core is not null)
            {
                int before = core.Level;
                currentRow = row;
                core.Entry(t, k);
                firstEvent = core.FirstEvent;
                if (core.Done && core.Stop != FunnelStop.None)
                {
                    trace.Halt(core.Stop, row, k);
                    break;
                }

                if (k > 0 && k == before && core.Level == before)
                {
                    int[] chain = Rows(arena, core.LastId![k - 1], k);
                    long first = ticks[chain[0]];
                    long gap = t - ticks[chain[k - 1]];
                    long[] min = funnel.MinTicks!;
                    long[] max = funnel.MaxTicks!;
                    string code = t - first > window ? "window" : gap < Math.Max(min[k], increase ? 1 : 0) ? (increase && gap <= 0 && min[k] == 0 ? "strict_increase" : "step_min") : gap > max[k] ? "step_max" : "no_chain";
                    trace.Rejected[k] = (row, code, k - 1);
                }

                trace.Level = core.Level;
                done = core.Done;
                continue;
            }

            // ClickHouse's algorithm (FunnelCore), with the kept chain's rows per level.
            if (k == 0)
            {
                trace.Chains[0] = [row];
                trace.Level = Math.Max(trace.Level, 1);
                firstEvent = true;
            }
            else if (dedup && k < trace.Level)
            {
                trace.Halt(FunnelStop.StrictDeduplicationRepeat, row, k);
                break;
            }
            else if (k > trace.Level)
            {
                if (strictOrder && firstEvent && !reentry)
                {
                    trace.Halt(FunnelStop.StrictOrderSkippedStep, row, k);
                    break;
                }
            }
            else
            {
                int[] previous = trace.Chains[k - 1]!;
                long first = ticks[previous[0]];
                bool inWindow = t - first <= window;
                bool later = !increase || ticks[previous[k - 1]] < t;
                if (inWindow && later)
                {
                    trace.Chains[k] = [.. previous, row];
                    if (k == trace.Level)
                    {
                        trace.Level = k + 1;
                        done = trace.Level == steps;
                    }
                }
                else if (k == trace.Level)
                {
                    trace.Rejected[k] = (row, inWindow ? "strict_increase" : "window", k - 1);
                }
            }
        }

        if (core is not null)
        {
            trace.Level = core.Level;
            for (int level = 0; level < core.Level; level++)
            {
                trace.Chains[level] = Rows(arena, core.LastId![level], level + 1);
            }
        }

        return trace;
    }

    private static int[] Rows(List<(int Row, int Parent)> arena, int id, int length)
    {
        var rows = new int[length];
        for (int k = length - 1; k >= 0; k--)
        {
            rows[k] = arena[id].Row;
            id = arena[id].Parent;
        }

        return rows;
    }

    private void Halt(FunnelStop stop, int row, int step)
    {
        Stop = stop;
        StopRow = row;
        StopStep = step;
    }
}
