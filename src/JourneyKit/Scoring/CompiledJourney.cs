using System.Collections.Immutable;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Scoring;

/// <summary>
/// A journey prepared for evaluation: touchpoints interned to ints, a touchpoint → stage table, the allowed-transition
/// matrix and the moments of truth compiled to step sequences. Get one with <see cref="JourneyCompiler.Compile"/>.
/// </summary>
/// <remarks>
/// Everything that can be done once is done here, including compiling the moments of truth's patterns
/// (docs/patterns.md).
/// <threadsafety>Immutable and thread-safe; share one instance.</threadsafety>
/// </remarks>
public sealed class CompiledJourney
{
    private readonly int[] _stageOfTouchpoint;
    private readonly int[]?[] _next; // per stage: the sorted stage indexes its 'next' list allows; null = any stage
    private readonly bool[] _terminal;
    private readonly CompiledPattern[] _moments;

    internal CompiledJourney(Journey journey, ParsedPattern[] moments)
    {
        Journey = journey;
        Touchpoints = new SymbolTable();
        foreach (Touchpoint t in journey.Touchpoints)
        {
            Touchpoints.GetOrAdd(t.Id);
        }

        int stages = journey.Stages.Count;
        _stageOfTouchpoint = new int[Touchpoints.Count];
        Array.Fill(_stageOfTouchpoint, -1);
        var goal = -1;
        for (int s = 0; s < stages; s++)
        {
            Stage stage = journey.Stages[s];
            if (stage.IsGoal && goal < 0)
            {
                goal = s;
            }

            foreach (string t in stage.Touchpoints)
            {
                if (Touchpoints.TryGetId(t, out int id) && _stageOfTouchpoint[id] < 0)
                {
                    _stageOfTouchpoint[id] = s;
                }
            }
        }

        Touchpoints.MakeReadOnly(); // a batch builder given it interns into a copy: building batches changes nothing here
        GoalStage = goal;

        // Per stage its allowed successors, sorted for a binary search: memory and time linear in the stages and their
        // 'next' entries (a stages² matrix was 10⁹ entries at 32k stages).
        var indexOf = new Dictionary<string, int>(stages, StringComparer.Ordinal);
        for (int s = 0; s < stages; s++)
        {
            indexOf.TryAdd(journey.Stages[s].Id, s);
        }

        _next = new int[]?[stages];
        _terminal = new bool[stages];
        for (int from = 0; from < stages; from++)
        {
            Stage stage = journey.Stages[from];
            _terminal[from] = stage.IsTerminal;
            if (stage.Next is { } next)
            {
                ImmutableArray<string> ids = next.AsImmutableArray();
                var targets = new List<int>(ids.Length);
                foreach (string id in ids)
                {
                    if (indexOf.TryGetValue(id, out int to))
                    {
                        targets.Add(to);
                    }
                }

                targets.Sort();
                _next[from] = [.. targets];
            }
        }

        MomentOfTruthBudget.CheckCount(journey);
        _moments = new CompiledPattern[journey.MomentsOfTruth.Count];
        for (int m = 0; m < _moments.Length; m++)
        {
            _moments[m] = CompiledPattern.FromParsed(moments[m]);
        }

        MomentOfTruthBudget.CheckTotals(_moments);

        Stages = journey.Stages.AsImmutableArray();
    }

    /// <summary>Gets the journey.</summary>
    public Journey Journey { get; }

    /// <summary>Gets the stages, in designed order.</summary>
    public ImmutableArray<Stage> Stages { get; }

    /// <summary>
    /// Gets the interned touchpoints: the catalog, in catalog order. Read-only (<see cref="SymbolTable.IsReadOnly"/>):
    /// <c>new EventBatchBuilder(compiled.Touchpoints)</c> interns into a copy, so the catalog touchpoints keep their ids
    /// in the batch and the compiled journey never changes, whatever batches are built against it.
    /// </summary>
    public SymbolTable Touchpoints { get; }

    /// <summary>Gets the index of the first goal stage, or -1.</summary>
    public int GoalStage { get; }

    /// <summary>Gets the number of moments of truth.</summary>
    public int MomentCount => _moments.Length;

    /// <summary>Gets the stage a touchpoint places a customer in, or -1 when it is out of path.</summary>
    /// <param name="touchpointId">An id from <see cref="Touchpoints"/>, or -1 for an unknown touchpoint.</param>
    /// <returns>The stage index or -1.</returns>
    public int StageOf(int touchpointId) => (uint)touchpointId < (uint)_stageOfTouchpoint.Length ? _stageOfTouchpoint[touchpointId] : -1;

    /// <summary>Gets whether the design allows moving from one stage to another (staying is always allowed).</summary>
    /// <param name="from">The stage index left.</param>
    /// <param name="to">The stage index entered.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool IsAllowed(int from, int to) =>
        from == to || (!_terminal[from] && (_next[from] is not { } next || Array.BinarySearch(next, to) >= 0));

    internal CompiledPattern Moment(int moment) => _moments[moment];
}
