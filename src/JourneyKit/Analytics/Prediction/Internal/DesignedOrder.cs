using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction.Internal;

/// <summary>
/// The designed order of a journey's stages for prediction: every stage that is not a failure stage, in definition order
/// (as the analytics funnel). A run progresses past stage s when it enters a stage later in this order (or the goal).
/// </summary>
internal sealed class DesignedOrder
{
    private readonly int[] _position;

    public DesignedOrder(CompiledJourney journey)
    {
        Journey = journey;
        _position = new int[journey.Stages.Length];
        int count = 0;
        for (int s = 0; s < _position.Length; s++)
        {
            _position[s] = journey.Stages[s].IsFailure ? -1 : count++;
        }

        Count = count;
    }

    public CompiledJourney Journey { get; }

    /// <summary>Gets the number of designed stages.</summary>
    public int Count { get; }

    /// <summary>Gets a stage's position in the designed order, or -1 for a failure stage (or none).</summary>
    public int Position(int stage) => stage < 0 ? -1 : _position[stage];

    /// <summary>A run in <paramref name="stage"/> can be predicted for: a non-terminal designed stage with a later designed stage.</summary>
    public bool IsPredictable(int stage) =>
        stage >= 0 && !Journey.Stages[stage].IsTerminal && _position[stage] >= 0 && _position[stage] + 1 < Count;

    /// <summary>Entering <paramref name="to"/> from a run that was in <paramref name="from"/> is progress: the goal, or a later designed stage.</summary>
    public bool IsProgress(int from, int to) =>
        to >= 0 && (Journey.Stages[to].IsGoal || (_position[to] >= 0 && _position[to] > _position[from]));

    /// <summary>Whether the run entered a stage past <paramref name="from"/> in (<paramref name="afterTicks"/>, <paramref name="untilTicks"/>].</summary>
    public bool ProgressedBetween(JourneyInstance run, int from, long afterTicks, long untilTicks)
    {
        IReadOnlyList<StageVisit> visits = run.Visits;
        for (int v = visits.Count - 1; v >= 0; v--)
        {
            long entered = visits[v].EnteredTicks;
            if (entered <= afterTicks)
            {
                break;
            }

            if (entered <= untilTicks && IsProgress(from, visits[v].Stage))
            {
                return true;
            }
        }

        return false;
    }
}
