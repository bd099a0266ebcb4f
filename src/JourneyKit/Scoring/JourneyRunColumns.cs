using JourneyKit.Events;

namespace JourneyKit.Scoring;

/// <summary>
/// The journey runs of one <see cref="EventBatch"/> as columns (struct of arrays), filled by
/// <see cref="JourneyEvaluator.EvaluateInto"/>: per run its customer, run number, rows, goal and failure, effort counters and
/// persona; the stage visits and the moments of truth hit of all runs in two flat
/// columns. Read a run through its view, <see cref="this[int]"/> (<see cref="JourneyRun"/>), score it with
/// <see cref="ScoringModel.Score(JourneyEvaluator, in JourneyRun, DateTimeOffset, Span{double})"/> and ask its status
/// with <see cref="JourneyEvaluator.GetStatus(in JourneyRun, DateTimeOffset)"/>: no object per customer. A
/// <see cref="JourneyInstance"/> is made only when asked for (<see cref="GetInstance"/>).
/// </summary>
/// <remarks>
/// <para>The buffers are reused: evaluating the next batch into the same columns overwrites them and allocates nothing
/// once they are large enough (a pattern with a variable, <c>{order_id=$o}</c>, makes its state per run). The columns
/// keep a reference to the last batch and evaluator; a view is valid until the next evaluation into the columns.</para>
/// <para>Runs are in batch order (customers in batch order, each customer's runs in order) — the order of
/// <see cref="JourneyEvaluator.Evaluate(EventBatch)"/>'s instances — and a run's rows are contiguous.</para>
/// <threadsafety>Not thread-safe: one writer; readers only between evaluations. Use one instance per thread.</threadsafety>
/// </remarks>
public sealed class JourneyRunColumns
{
    internal const byte GoalFlag = 1;
    internal const byte FailedFlag = 2;
    internal const byte PersonaAssignedFlag = 4;

    // Per run (Count of them; Start, VisitStart and HitStart have Count + 1 entries).
    internal int[] Customer = [];
    internal SmallColumn RunNumber = new();
    internal int[] Start = [0];
    internal SmallColumn Persona = new();
    internal byte[] Flags = [];
    internal SmallColumn Backtracks = new();
    internal SmallColumn Repeats = new();
    internal SmallColumn ChannelSwitches = new();
    internal SmallColumn AssistedContacts = new();
    internal SmallColumn OutOfPath = new();
    internal SmallColumn DisallowedTransitions = new();
    internal int[] VisitStart = [0];
    internal int[] HitStart = [0];

    // Per stage visit: the row that entered the stage (its time is the entry, the next visit's the exit), the stage and
    // the persona at entry.
    internal int[] VisitRow = [];
    internal SmallColumn VisitStage = new();
    internal SmallColumn VisitPersona = new();
    internal int VisitCount;

    // Per moment of truth hit: the moment's index and when (its outcome is the moment's).
    internal SmallColumn HitMoment = new();
    internal long[] HitTicks = [];
    internal int HitCount;

    private JourneyEvaluator.BatchBinding? _materialize;

    /// <summary>The evaluator's reusable per-batch state.</summary>
    internal JourneyEvaluator.ColumnarScratch? Scratch;

    /// <summary>Gets the number of runs.</summary>
    public int Count { get; internal set; }

    /// <summary>Gets the batch last evaluated into the columns, or null.</summary>
    public EventBatch? Batch { get; internal set; }

    /// <summary>Gets the evaluator that filled the columns, or null.</summary>
    public JourneyEvaluator? Evaluator { get; internal set; }

    /// <summary>Gets the bytes the columns' buffers hold (their capacity, not only the part in use).</summary>
    public long RetainedBytes =>
        (4L * (Customer.Length + Start.Length + VisitStart.Length + HitStart.Length + VisitRow.Length))
        + (2L * (RunNumber.Length + Persona.Length + Backtracks.Length + Repeats.Length + ChannelSwitches.Length + AssistedContacts.Length
        + OutOfPath.Length + DisallowedTransitions.Length + VisitStage.Length + VisitPersona.Length + HitMoment.Length))
        + Flags.Length + (8L * HitTicks.Length) + RunNumber.Large + Persona.Large + Backtracks.Large + Repeats.Large + ChannelSwitches.Large
        + AssistedContacts.Large + OutOfPath.Large + DisallowedTransitions.Large + VisitStage.Large + VisitPersona.Large + HitMoment.Large;

    /// <summary>Gets the view of a run.</summary>
    /// <param name="run">The run, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The view: valid until the next evaluation into these columns.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="run"/> is out of range.</exception>
    public JourneyRun this[int run]
    {
        get
        {
            if ((uint)run >= (uint)Count)
            {
                ThrowRun(run);
            }

            return new JourneyRun(this, run);
        }
    }

    /// <summary>
    /// Materialises a run as the <see cref="JourneyInstance"/> that <see cref="JourneyEvaluator.Evaluate(EventBatch)"/>
    /// gives for it (the same instance in every respect, with its pattern states, so it can be advanced further or
    /// stored): the run's customer is evaluated again. Allocates; for one customer, explanations or the store.
    /// </summary>
    /// <param name="run">The run, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>A new instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="run"/> is out of range.</exception>
    public JourneyInstance GetInstance(int run)
    {
        if ((uint)run >= (uint)Count)
        {
            ThrowRun(run);
        }

        JourneyEvaluator evaluator = Evaluator!;
        if (_materialize is null || !ReferenceEquals(_materialize.Batch, Batch))
        {
            _materialize = new JourneyEvaluator.BatchBinding(evaluator, Batch!);
        }

        var runs = new List<JourneyInstance>(1);
        evaluator.EvaluateCustomer(_materialize, Customer[run], runs);
        return runs[RunNumber[run] - 1];
    }

    /// <summary>Starts a fill for a batch: the columns become empty.</summary>
    internal void Reset(JourneyEvaluator evaluator, EventBatch batch)
    {
        Evaluator = evaluator;
        Batch = batch;
        Count = 0;
        VisitCount = 0;
        HitCount = 0;
        RunNumber.Clear();
        Persona.Clear();
        Backtracks.Clear();
        Repeats.Clear();
        ChannelSwitches.Clear();
        AssistedContacts.Clear();
        OutOfPath.Clear();
        DisallowedTransitions.Clear();
        VisitStage.Clear();
        VisitPersona.Clear();
        HitMoment.Clear();
        if (Customer.Length < batch.CustomerCount)
        {
            ResizeRuns(batch.CustomerCount); // one run per customer unless the journey lets customers re-enter
        }

        if (VisitRow.Length < batch.CustomerCount)
        {
            ResizeVisits(batch.CustomerCount);
        }

        Start[0] = 0;
        VisitStart[0] = 0;
        HitStart[0] = 0;
    }

    /// <summary>Makes room for one more run.</summary>
    internal void EnsureRun()
    {
        if (Count < Customer.Length)
        {
            return;
        }

        ResizeRuns(Math.Max(16, Customer.Length + (Customer.Length / 2)));
    }

    private void ResizeRuns(int size)
    {
        Array.Resize(ref Customer, size);
        RunNumber.Resize(size);
        Array.Resize(ref Start, size + 1);
        Persona.Resize(size);
        Array.Resize(ref Flags, size);
        Backtracks.Resize(size);
        Repeats.Resize(size);
        ChannelSwitches.Resize(size);
        AssistedContacts.Resize(size);
        OutOfPath.Resize(size);
        DisallowedTransitions.Resize(size);
        Array.Resize(ref VisitStart, size + 1);
        Array.Resize(ref HitStart, size + 1);
    }

    /// <summary>Adds a stage visit.</summary>
    internal void AddVisit(int row, int stage, int persona)
    {
        if (VisitCount == VisitRow.Length)
        {
            ResizeVisits(Math.Max(16, VisitRow.Length + (VisitRow.Length / 2)));
        }

        VisitRow[VisitCount] = row;
        VisitStage[VisitCount] = stage;
        VisitPersona[VisitCount] = persona;
        VisitCount++;
    }

    private void ResizeVisits(int size)
    {
        Array.Resize(ref VisitRow, size);
        VisitStage.Resize(size);
        VisitPersona.Resize(size);
    }

    /// <summary>Adds a moment of truth hit.</summary>
    internal void AddHit(int moment, long ticks)
    {
        if (HitCount == HitMoment.Length)
        {
            int size = Math.Max(16, HitMoment.Length + (HitMoment.Length / 2));
            HitMoment.Resize(size);
            Array.Resize(ref HitTicks, size);
        }

        HitMoment[HitCount] = moment;
        HitTicks[HitCount] = ticks;
        HitCount++;
    }

    private static void ThrowRun(int run) => throw new ArgumentOutOfRangeException(nameof(run), run, "No such run in the columns.");
}

/// <summary>
/// A column of ints kept in 16 bits each: value + 1 when that is below 65,535 (so -1, "none", is 0), otherwise 65,535
/// and the value in a side table — every int is kept exactly, and the counters, stage and persona indexes of real
/// journeys never reach the table. Read and written through the indexer.
/// </summary>
internal struct SmallColumn
{
    private ushort[] _values;
    private Dictionary<int, int>? _large;

    public SmallColumn() => _values = [];

    /// <summary>Gets the number of entries.</summary>
    public readonly int Length => _values.Length;

    /// <summary>Gets the bytes the side table holds (about 16 per value).</summary>
    public readonly long Large => 16L * (_large?.Count ?? 0);

    public int this[int i]
    {
        readonly get
        {
            ushort v = _values[i];
            return v != ushort.MaxValue ? v - 1 : _large![i];
        }

        set
        {
            uint shifted = (uint)(value + 1);
            if (shifted < ushort.MaxValue)
            {
                _values[i] = (ushort)shifted;
                return;
            }

            _values[i] = ushort.MaxValue;
            (_large ??= [])[i] = value;
        }
    }

    /// <summary>Forgets the side table (the entries are all written again before they are read).</summary>
    public readonly void Clear() => _large?.Clear();

    public void Resize(int size) => Array.Resize(ref _values, size);
}
