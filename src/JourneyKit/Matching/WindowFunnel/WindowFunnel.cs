using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Matching.Internal;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// A compiled window funnel: for each customer, the furthest step reached in order within a time window, with the
/// semantics of ClickHouse <c>windowFunnel(window, modes…)(timestamp, step1, …, stepN)</c>. See docs/funnels.md.
/// </summary>
/// <remarks>
/// <para>Each (event, step it satisfies) is one entry; entries are taken in (timestamp, step) order, so at equal
/// timestamps lower steps come first whatever the input order, and one event that satisfies several steps can advance
/// several levels (<see cref="WindowFunnelMode.StrictIncrease"/> forbids that). A chain starts at a step-1 event; a
/// later step-1 event starts a newer chain, which replaces the older one for the levels it reaches. The window is
/// inclusive: a step at exactly <c>start + window</c> counts.</para>
/// <para>Batch evaluation allocates nothing per event; streaming (<see cref="CreateState"/>) gives the same levels.</para>
/// <threadsafety>A <see cref="WindowFunnel"/> is immutable and thread-safe; a <see cref="WindowFunnelState"/> is not.</threadsafety>
/// </remarks>
public sealed class WindowFunnel
{
    /// <summary>The most steps a funnel may have (as in ClickHouse).</summary>
    public const int MaxSteps = 32;

    /// <summary>The default of <see cref="WindowFunnelOptions.MaxHeldValues"/>.</summary>
    public const int DefaultMaxHeldValues = 1024;

    private readonly EventCondition[] _steps;
    private readonly BoundConditions _streamingConditions;
    private readonly FunnelStepConstraint[] _constraints;
    private readonly long[]? _minTicks;
    private readonly long[]? _maxTicks;

    private WindowFunnel(EventCondition[] steps, WindowFunnelOptions options, FunnelStepConstraint[] constraints, (long[] Min, long[] Max)? bounds)
    {
        _steps = steps;
        Window = options.Window;
        Mode = options.Mode;
        _constraints = constraints;
        _minTicks = bounds?.Min;
        _maxTicks = bounds?.Max;
        HoldAttribute = options.HoldAttribute;
        MaxHeldValues = options.MaxHeldValues;
        Touchpoints = new SymbolTable();
        Channels = new SymbolTable();
        foreach (EventCondition step in steps)
        {
            foreach (string t in step.TouchpointSet)
            {
                Touchpoints.GetOrAdd(t);
            }

            foreach (Model.Channel c in step.ChannelSet)
            {
                Channels.GetOrAdd(c.Name);
            }
        }

        Touchpoints.MakeReadOnly();
        Channels.MakeReadOnly();
        _streamingConditions = BoundConditions.Bind(steps, Touchpoints, Channels);
    }

    /// <summary>Gets the steps.</summary>
    public ImmutableArray<EventCondition> Steps => [.. _steps];

    /// <summary>Gets the number of steps.</summary>
    public int StepCount => _steps.Length;

    /// <summary>Gets the window.</summary>
    public TimeSpan Window { get; }

    /// <summary>Gets the modes.</summary>
    public WindowFunnelMode Mode { get; }

    /// <summary>Gets the time bounds between consecutive steps (<see cref="WindowFunnelOptions.StepConstraints"/>).</summary>
    public IReadOnlyList<FunnelStepConstraint> StepConstraints => _constraints;

    /// <summary>Gets the attribute held constant across a chain's steps, or null (<see cref="WindowFunnelOptions.HoldAttribute"/>).</summary>
    public string? HoldAttribute { get; }

    /// <summary>Gets the most distinct held values per customer (<see cref="WindowFunnelOptions.MaxHeldValues"/>).</summary>
    public int MaxHeldValues { get; }

    /// <summary>Gets whether some transition has a time bound, so levels are found by the chain search rather than ClickHouse's one chain per level.</summary>
    public bool HasStepConstraints => _minTicks is not null;

    /// <summary>Gets the least time into each 0-based step (index 0 unused), or null without constraints.</summary>
    internal long[]? MinTicks => _minTicks;

    /// <summary>Gets the most time into each 0-based step (index 0 unused), or null without constraints.</summary>
    internal long[]? MaxTicks => _maxTicks;

    /// <summary>Gets the touchpoints the steps name, interned (read-only); streaming ids refer to this table.</summary>
    internal SymbolTable Touchpoints { get; }

    /// <summary>Gets the channels the steps name, interned (read-only).</summary>
    internal SymbolTable Channels { get; }

    /// <summary>Compiles a funnel whose step i matches events at the i-th touchpoint.</summary>
    /// <param name="touchpoints">The touchpoint of each step, 1 to <see cref="MaxSteps"/>.</param>
    /// <param name="window">The window; zero or positive.</param>
    /// <param name="mode">The modes.</param>
    /// <returns>The funnel.</returns>
    /// <exception cref="ArgumentException">No step, too many, an empty touchpoint, a negative window, or an invalid mode combination.</exception>
    public static WindowFunnel Create(IReadOnlyList<string> touchpoints, TimeSpan window, WindowFunnelMode mode = WindowFunnelMode.None)
    {
        ArgumentNullException.ThrowIfNull(touchpoints);
        var steps = new EventCondition[touchpoints.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i] = EventCondition.Touchpoint(touchpoints[i]);
        }

        return Create(steps, new WindowFunnelOptions { Window = window, Mode = mode });
    }

    /// <summary>Compiles a funnel from step conditions.</summary>
    /// <param name="steps">The steps, 1 to <see cref="MaxSteps"/>.</param>
    /// <param name="options">The window and modes.</param>
    /// <returns>The funnel.</returns>
    /// <exception cref="ArgumentException">No step, too many, a negative window, an invalid mode combination, a step
    /// constraint out of range (a step outside 2..N, a negative time, bounds that cannot all hold), an empty held
    /// attribute or a cap below 1.</exception>
    public static WindowFunnel Create(IReadOnlyList<EventCondition> steps, WindowFunnelOptions options)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(options);
        if (steps.Count is 0 or > MaxSteps)
        {
            throw new ArgumentException($"A window funnel has 1 to {MaxSteps} steps; got {steps.Count}.", nameof(steps));
        }

        if (options.Window < TimeSpan.Zero)
        {
            throw new ArgumentException($"The window must not be negative; got {options.Window}.", nameof(options));
        }

        if ((options.Mode & ~(WindowFunnelMode.StrictOrder | WindowFunnelMode.StrictDeduplication | WindowFunnelMode.StrictIncrease | WindowFunnelMode.AllowReentry)) != 0)
        {
            throw new ArgumentException($"Unknown window funnel mode {options.Mode}.", nameof(options));
        }

        if ((options.Mode & WindowFunnelMode.AllowReentry) != 0 && (options.Mode & WindowFunnelMode.StrictOrder) == 0)
        {
            throw new ArgumentException("allow_reentry requires strict_order (WindowFunnelMode.AllowReentry needs WindowFunnelMode.StrictOrder).", nameof(options));
        }

        var copy = new EventCondition[steps.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = steps[i] ?? throw new ArgumentException($"Step {i + 1} is null.", nameof(steps));
        }

        if (options.HoldAttribute is { } hold && string.IsNullOrWhiteSpace(hold))
        {
            throw new ArgumentException("The held attribute must not be empty.", nameof(options));
        }

        if (options.MaxHeldValues < 1)
        {
            throw new ArgumentException($"MaxHeldValues must be at least 1; got {options.MaxHeldValues}.", nameof(options));
        }

        FunnelStepConstraint[] constraints = options.StepConstraints is null ? [] : [.. options.StepConstraints];
        (long[] Min, long[] Max)? bounds = FunnelStepConstraint.Resolve(constraints, copy.Length, nameof(options));
        return new WindowFunnel(copy, options, constraints, bounds);
    }

    /// <summary>Parses modes written as ClickHouse names, comma-separated (<c>strict_order,allow_reentry</c>).</summary>
    /// <param name="text">The names; empty for none.</param>
    /// <returns>The modes.</returns>
    /// <exception cref="FormatException">An unknown name.</exception>
    public static WindowFunnelMode ParseModes(string? text)
    {
        WindowFunnelMode mode = WindowFunnelMode.None;
        foreach (string part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            mode |= part switch
            {
                "strict_order" => WindowFunnelMode.StrictOrder,
                "strict_deduplication" => WindowFunnelMode.StrictDeduplication,
                "strict_increase" => WindowFunnelMode.StrictIncrease,
                "allow_reentry" => WindowFunnelMode.AllowReentry,
                _ => throw new FormatException($"unknown window funnel mode '{part}' (use strict_order, strict_deduplication, strict_increase, allow_reentry)"),
            };
        }

        return mode;
    }

    /// <summary>Formats modes as ClickHouse names in a fixed order.</summary>
    /// <param name="mode">The modes.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> ModeNames(WindowFunnelMode mode)
    {
        var names = new List<string>(4);
        if ((mode & WindowFunnelMode.StrictOrder) != 0)
        {
            names.Add("strict_order");
        }

        if ((mode & WindowFunnelMode.StrictDeduplication) != 0)
        {
            names.Add("strict_deduplication");
        }

        if ((mode & WindowFunnelMode.StrictIncrease) != 0)
        {
            names.Add("strict_increase");
        }

        if ((mode & WindowFunnelMode.AllowReentry) != 0)
        {
            names.Add("allow_reentry");
        }

        return names;
    }

    /// <summary>Evaluates every customer of a batch.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="maxDegreeOfParallelism">How many cores to use; 1 (the default) runs on the calling thread. Results do not depend on it.</param>
    /// <returns>The level and conversion times of each customer.</returns>
    public WindowFunnelResult Evaluate(EventBatch batch, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        var levels = new byte[batch.CustomerCount];
        var conversion = new long[batch.CustomerCount * _steps.Length];
        BoundConditions bound = BoundConditions.Bind(_steps, batch);
        if (HoldAttribute is not null || _minTicks is not null)
        {
            EvaluateConstrained(batch, bound, maxDegreeOfParallelism, levels, conversion);
        }
        else
        {
            CustomerRanges.Run(batch.CustomerCount, maxDegreeOfParallelism, (from, to) => EvaluateRuns(batch, bound, from, to, levels, conversion));
        }

        return new WindowFunnelResult(this, batch, levels, conversion);
    }

    /// <summary>Evaluates every customer of a batch into a caller-owned span; allocates only to bind the steps.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="levels">Receives the level of each customer run; at least <see cref="EventBatch.CustomerCount"/> long.</param>
    public void EvaluateLevels(EventBatch batch, Span<byte> levels)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels.Length, batch.CustomerCount, nameof(levels));
        BoundConditions bound = BoundConditions.Bind(_steps, batch);
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        if (HoldAttribute is not null)
        {
            var held = new HeldRuns(this);
            for (int run = 0; run < batch.CustomerCount; run++)
            {
                levels[run] = (byte)held.Run(batch, bound, run, out _);
            }

            return;
        }

        if (_minTicks is not null)
        {
            ConstrainedFunnelCore core = CreateConstrainedCore();
            for (int run = 0; run < batch.CustomerCount; run++)
            {
                levels[run] = (byte)EvaluateRunConstrained(batch, bound, starts[run], starts[run + 1], core);
            }

            return;
        }

        Span<long> first = stackalloc long[MaxSteps];
        Span<long> last = stackalloc long[MaxSteps];
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            levels[run] = (byte)EvaluateRun(batch, bound, starts[run], starts[run + 1], first, last);
        }
    }

    /// <summary>Creates an empty streaming state for one customer.</summary>
    /// <returns>The state.</returns>
    public WindowFunnelState CreateState() => HoldAttribute is not null
        ? new(_steps.Length, Window.Ticks, Mode, null, _minTicks, _maxTicks, HoldAttribute, MaxHeldValues)
        : new(_steps.Length, Window.Ticks, Mode, _minTicks is null ? null : CreateConstrainedCore(), _minTicks, _maxTicks);

    /// <summary>The error past <see cref="MaxHeldValues"/>.</summary>
    internal static InvalidOperationException TooManyHeldValues(string customerId, string attribute, int max) =>
        new($"Customer '{customerId}' has more than {max} distinct '{attribute}' values held constant; raise WindowFunnelOptions.MaxHeldValues (CLI: --max-held-values) or hold a coarser attribute.");

    /// <summary>Creates one held value's state: the funnel's shape without the hold.</summary>
    internal WindowFunnelState CreateValueState() =>
        new(_steps.Length, Window.Ticks, Mode, _minTicks is null ? null : CreateConstrainedCore(), _minTicks, _maxTicks);

    /// <summary>Creates the chain search of a funnel with step constraints.</summary>
    internal ConstrainedFunnelCore CreateConstrainedCore() => new(_steps.Length, Window.Ticks, Mode, _minTicks!, _maxTicks!);

    /// <summary>Advances a customer's state by one event. Events must come in timestamp order (equal timestamps allowed).</summary>
    /// <param name="state">The customer's state.</param>
    /// <param name="journeyEvent">The event.</param>
    /// <exception cref="ArgumentException">The event is older than the last one (see docs/funnels.md for late events).</exception>
    public void Advance(WindowFunnelState state, JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(journeyEvent);
        CheckState(state);
        Touchpoints.TryGetId(journeyEvent.Touchpoint, out int touchpoint);
        int channel = -1;
        if (!journeyEvent.Channel.IsNone)
        {
            Channels.TryGetId(journeyEvent.Channel.Name, out channel);
        }

        ulong mask = _streamingConditions.Match(touchpoint, channel, journeyEvent.Value ?? double.NaN, journeyEvent.Attributes);
        if (HoldAttribute is not null)
        {
            string? value = journeyEvent.Attributes is { } attributes && attributes.TryGetValue(HoldAttribute, out string? v) ? v : null;
            state.AddHeld(journeyEvent.TimestampTicks, mask, value, journeyEvent.CustomerId);
            return;
        }

        state.Add(journeyEvent.TimestampTicks, mask);
    }

    /// <summary>Gets the level a streaming state has reached, counting events with the latest timestamp.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The level, 0 to <see cref="StepCount"/>.</returns>
    public int GetLevel(WindowFunnelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        CheckState(state);
        return state.Resolve(out _);
    }

    private void CheckState(WindowFunnelState state)
    {
        if (!state.IsFor(this))
        {
            throw new ArgumentException("The state was created by a funnel with other steps, window, modes or step constraints.", nameof(state));
        }
    }

    private void EvaluateConstrained(EventBatch batch, BoundConditions bound, int maxDegreeOfParallelism, byte[] levels, long[] conversion)
    {
        CustomerRanges.Run(batch.CustomerCount, maxDegreeOfParallelism, (from, to) => EvaluateRunsConstrained(batch, bound, from, to, levels, conversion));
    }

    private void EvaluateRunsConstrained(EventBatch batch, BoundConditions bound, int fromRun, int toRun, byte[] levels, long[] conversion)
    {
        int n = _steps.Length;
        if (HoldAttribute is not null)
        {
            var held = new HeldRuns(this);
            for (int run = fromRun; run < toRun; run++)
            {
                int level = held.Run(batch, bound, run, out WindowFunnelState? best);
                levels[run] = (byte)level;
                Span<long> conv = conversion.AsSpan(run * n, n);
                for (int k = 0; k < n; k++)
                {
                    (long first, long last) = k < level ? best!.ChainAt(k) : (0, -1);
                    conv[k] = k < level ? last - first : -1;
                }
            }

            return;
        }

        ConstrainedFunnelCore core = CreateConstrainedCore();
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        for (int run = fromRun; run < toRun; run++)
        {
            int level = EvaluateRunConstrained(batch, bound, starts[run], starts[run + 1], core);
            levels[run] = (byte)level;
            Span<long> conv = conversion.AsSpan(run * n, n);
            for (int k = 0; k < n; k++)
            {
                conv[k] = k < level ? core.Last[k] - core.First[k] : -1;
            }
        }
    }

    /// <summary>One customer through the chain search; the core is reset first and keeps the chains for the caller.</summary>
    internal int EvaluateRunConstrained(EventBatch batch, BoundConditions bound, int start, int end, ConstrainedFunnelCore core)
    {
        core.Reset();
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        bool strictOrder = (Mode & WindowFunnelMode.StrictOrder) != 0;
        int row = start;
        while (row < end && !core.Done)
        {
            long ts = ticks[row];
            ulong once = bound.Match(batch, row);
            bool zero = once == 0;
            ulong twice = 0;
            int j = row + 1;
            while (j < end && ticks[j] == ts)
            {
                ulong m = bound.Match(batch, j);
                zero |= m == 0;
                twice |= once & m;
                once |= m;
                j++;
            }

            core.Group(ts, zero && strictOrder, once, twice);
            row = j;
        }

        return core.Level;
    }

    /// <summary>
    /// Explains one customer's level: the chain kept for it (event id, timestamp, touchpoint per step, per-step times),
    /// the event that stopped the search under a mode, and the latest event for the next step that did not fit and why.
    /// A separate, allocating path (it replays the customer entry by entry); the level equals <see cref="Evaluate"/>'s.
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="customerId">The customer.</param>
    /// <returns>The explanation, or null when the batch has no event of the customer.</returns>
    public WindowFunnelExplanation? Explain(EventBatch batch, string customerId)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(customerId);
        int run = FindRun(batch, customerId);
        return run < 0 ? null : Explain(batch, BoundConditions.Bind(_steps, batch), run);
    }

    /// <summary>Replays a run; holding a property, the value whose chain the batch reports (the same choice as <see cref="HeldRuns"/>).</summary>
    private FunnelTrace Trace(EventBatch batch, BoundConditions bound, int run, out string? heldValue)
    {
        heldValue = null;
        if (HoldAttribute is null)
        {
            return FunnelTrace.Run(this, batch, bound, run);
        }

        var held = new HeldRuns(this);
        held.Run(batch, bound, run, out WindowFunnelState? best);
        int value = held.ValueOf(best);
        if (value < 0 || !batch.TryGetAttributeColumn(HoldAttribute, out ReadOnlySpan<int> column))
        {
            return FunnelTrace.Run(this, batch, bound, run, [], int.MaxValue); // no value: nothing to replay
        }

        heldValue = batch.AttributeValues[value];
        return FunnelTrace.Run(this, batch, bound, run, column, value);
    }

    /// <summary>Gets the run of a customer in a batch, or -1.</summary>
    internal static int FindRun(EventBatch batch, string customerId)
    {
        if (!batch.Customers.TryGetId(customerId, out int id))
        {
            return -1;
        }

        for (int run = 0; run < batch.CustomerCount; run++)
        {
            if (batch.CustomerOfRun(run) == id)
            {
                return run;
            }
        }

        return -1;
    }

    internal WindowFunnelExplanation Explain(EventBatch batch, BoundConditions bound, int run)
    {
        FunnelTrace trace = Trace(batch, bound, run, out string? heldValue);
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        var chain = new List<FunnelChainStep>();
        if (trace.Level > 0)
        {
            int[] rows = trace.Chains[trace.Level - 1]!;
            for (int k = 0; k < rows.Length; k++)
            {
                chain.Add(new FunnelChainStep(
                    k + 1,
                    batch.Touchpoints[batch.TouchpointIds[rows[k]]],
                    batch.HasEventIds ? batch.EventIds[rows[k]] : null,
                    At(ticks[rows[k]]),
                    TimeSpan.FromTicks(ticks[rows[k]] - ticks[rows[0]]),
                    k == 0 ? null : TimeSpan.FromTicks(ticks[rows[k]] - ticks[rows[k - 1]])));
            }
        }

        FunnelStopReason? stopped = null;
        if (trace.Stop != FunnelStop.None)
        {
            int row = trace.StopRow;
            string tp = batch.Touchpoints[batch.TouchpointIds[row]];
            string code = trace.Stop == FunnelStop.StrictDeduplicationRepeat ? "strict_deduplication" : "strict_order";
            stopped = new FunnelStopReason(code, trace.StopStep + 1, tp, batch.HasEventIds ? batch.EventIds[row] : null, At(ticks[row]),
                FunnelMessages.Stop(trace.Stop, tp, At(ticks[row]), trace.StopStep + 1, trace.Level));
        }

        FunnelStopReason? next = null;
        if (trace.Level < _steps.Length && trace.Level > 0 && trace.Rejected[trace.Level].Row >= 0)
        {
            (int row, string code, int chainStep) = trace.Rejected[trace.Level];
            int[] against = trace.Chains[chainStep]!;
            string tp = batch.Touchpoints[batch.TouchpointIds[row]];
            int step = trace.Level + 1;
            next = new FunnelStopReason(code, step, tp, batch.HasEventIds ? batch.EventIds[row] : null, At(ticks[row]),
                FunnelMessages.Rejected(code, tp, At(ticks[row]), step, At(ticks[against[0]]), At(ticks[against[^1]]), Window,
                    TimeSpan.FromTicks(_minTicks?[trace.Level] ?? 0), TimeSpan.FromTicks(_maxTicks?[trace.Level] ?? long.MaxValue)));
        }

        return new WindowFunnelExplanation(batch.Customers[batch.CustomerOfRun(run)], trace.Level, chain, stopped, next) { HeldValue = heldValue };

        static DateTimeOffset At(long t) => new(t, TimeSpan.Zero);
    }

    /// <summary>Gets the step timestamps of the chain kept for <paramref name="level"/> (1-based) of a run, replaying it; null when not reached.</summary>
    internal long[]? ChainTicks(EventBatch batch, BoundConditions bound, int run, int level)
    {
        FunnelTrace trace = Trace(batch, bound, run, out _);
        if (trace.Chains[level - 1] is not { } rows)
        {
            return null;
        }

        var result = new long[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            result[k] = batch.TimestampTicks[rows[k]];
        }

        return result;
    }

    /// <summary>Binds the steps to a batch (for callers in this assembly that walk customers themselves).</summary>
    internal BoundConditions Bind(EventBatch batch) => BoundConditions.Bind(_steps, batch);

    [SkipLocalsInit]
    private void EvaluateRuns(EventBatch batch, BoundConditions bound, int fromRun, int toRun, byte[] levels, long[] conversion)
    {
        Span<long> first = stackalloc long[MaxSteps];
        Span<long> last = stackalloc long[MaxSteps];
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        int n = _steps.Length;
        for (int run = fromRun; run < toRun; run++)
        {
            int level = EvaluateRun(batch, bound, starts[run], starts[run + 1], first, last);
            levels[run] = (byte)level;
            Span<long> conv = conversion.AsSpan(run * n, n);
            for (int k = 0; k < n; k++)
            {
                conv[k] = k < level ? last[k] - first[k] : -1;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int EvaluateRun(EventBatch batch, BoundConditions bound, int start, int end, Span<long> first, Span<long> last)
    {
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        bool strictOrder = (Mode & WindowFunnelMode.StrictOrder) != 0;
        var core = new FunnelCore(first, last, Window.Ticks, _steps.Length, Mode, 0, false, false);
        if (bound.ResidualMask == 0)
        {
            // Fast path: the touchpoint alone decides; one table lookup per event.
            ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
            ReadOnlySpan<ulong> table = bound.TouchpointTable;
            ulong unknown = bound.UnknownTouchpointMask;
            int i = start;
            while (i < end)
            {
                long ts = ticks[i];
                int tp = touchpoints[i];
                ulong once = (uint)tp < (uint)table.Length ? table[tp] : unknown;
                int j = i + 1;
                if (j < end && ticks[j] == ts)
                {
                    bool zero = once == 0;
                    ulong twice = 0;
                    do
                    {
                        tp = touchpoints[j];
                        ulong m = (uint)tp < (uint)table.Length ? table[tp] : unknown;
                        zero |= m == 0;
                        twice |= once & m;
                        once |= m;
                        j++;
                    }
                    while (j < end && ticks[j] == ts);
                    core.Group(ts, zero && strictOrder, once, twice);
                }
                else if (once != 0 || strictOrder)
                {
                    core.Group(ts, once == 0 && strictOrder, once, 0);
                }

                if (core.Done)
                {
                    break;
                }

                i = j;
            }

            return core.Level;
        }

        int row = start;
        while (row < end && !core.Done)
        {
            long ts = ticks[row];
            ulong once = bound.Match(batch, row);
            bool zero = once == 0;
            ulong twice = 0;
            int j = row + 1;
            while (j < end && ticks[j] == ts)
            {
                ulong m = bound.Match(batch, j);
                zero |= m == 0;
                twice |= once & m;
                once |= m;
                j++;
            }

            core.Group(ts, zero && strictOrder, once, twice);
            row = j;
        }

        return core.Level;
    }
}

/// <summary>
/// The batch path of a funnel that holds a property constant: per customer, one (reused) state per distinct value of the
/// attribute, each fed the customer's events that carry that value — linear in the events, memory per distinct value.
/// </summary>
internal sealed class HeldRuns
{
    private readonly WindowFunnel _funnel;
    private readonly Dictionary<int, int> _slots = [];
    private readonly List<WindowFunnelState> _states = [];

    public HeldRuns(WindowFunnel funnel) => _funnel = funnel;

    /// <summary>
    /// Evaluates one customer: the highest level over its held values and the state that reached it (ties: the one whose
    /// chain for that level ended first, then the value seen first).
    /// </summary>
    public int Run(EventBatch batch, BoundConditions bound, int run, out WindowFunnelState? best)
    {
        int start = batch.CustomerStarts[run];
        int end = batch.CustomerStarts[run + 1];
        best = null;
        if (!batch.TryGetAttributeColumn(_funnel.HoldAttribute!, out ReadOnlySpan<int> values))
        {
            return 0;
        }

        _slots.Clear();
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        for (int row = start; row < end; row++)
        {
            int value = values[row];
            if (value < 0)
            {
                continue;
            }

            if (!_slots.TryGetValue(value, out int slot))
            {
                if (_slots.Count >= _funnel.MaxHeldValues)
                {
                    throw WindowFunnel.TooManyHeldValues(batch.Customers[batch.CustomerOfRun(run)], _funnel.HoldAttribute!, _funnel.MaxHeldValues);
                }

                slot = _slots.Count;
                _slots.Add(value, slot);
                if (slot == _states.Count)
                {
                    _states.Add(_funnel.CreateValueState());
                }
                else
                {
                    _states[slot].Reset();
                }
            }

            _states[slot].Add(ticks[row], bound.Match(batch, row));
        }

        int bestLevel = 0;
        long bestEnd = long.MaxValue;
        for (int slot = 0; slot < _slots.Count; slot++)
        {
            WindowFunnelState state = _states[slot];
            state.Flush();
            int level = state.FlushedLevel;
            long endTicks = level == 0 ? long.MaxValue : state.ChainAt(level - 1).Last;
            if (level > bestLevel || (level == bestLevel && level > 0 && endTicks < bestEnd))
            {
                bestLevel = level;
                bestEnd = endTicks;
                best = state;
            }
        }

        return bestLevel;
    }

    /// <summary>Gets the held value id (in the batch's attribute values) of the best state of the last <see cref="Run"/>, or -1.</summary>
    public int ValueOf(WindowFunnelState? state)
    {
        foreach ((int value, int slot) in _slots)
        {
            if (ReferenceEquals(_states[slot], state))
            {
                return value;
            }
        }

        return -1;
    }
}
