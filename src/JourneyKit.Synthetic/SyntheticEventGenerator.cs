using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Synthetic.Internal;

namespace JourneyKit.Synthetic;

/// <summary>
/// Generates realistic, reproducible journey events for a journey: for tests, benchmarks, demos and samples.
/// </summary>
/// <remarks>
/// <para><b>Personas.</b> Each customer belongs to a persona and carries, on every event, attribute values that make
/// <see cref="Journey.AssignPersona"/> pick it (numbers are drawn anywhere in the range that keeps the persona); about
/// 10% of customers match no persona. Personas differ in pace, preferred channel and how often they drop out.</para>
/// <para><b>Paths.</b> A customer starts at <see cref="SyntheticEventOptions.Start"/> plus a random part of
/// <see cref="SyntheticEventOptions.ArrivalWindow"/> in the first stage and follows the stage graph
/// (<see cref="Stage.Next"/>; without it, the designed order), producing one to three events per stage visit from the
/// stage's touchpoints in their listed order, on its current channel or sometimes another. Between stages it waits a
/// random part of the stage's standard time, or, when stuck, 1.2 to 4 times it. On leaving a stage it may drop out (a
/// dead end), move to an allowed failure stage, go back to an allowed earlier stage, or take the designed next step;
/// the walk ends at a goal or failure stage. Events at <see cref="TouchpointKind.Transaction"/> touchpoints carry an
/// amount as their value.</para>
/// <para><b>Mess, on purpose.</b> Some events share their predecessor's timestamp, a few are written twice with the same
/// event id, and a few are written after the customer's next event. Timestamps are whole seconds.</para>
/// <para><b>Output.</b> Events are streamed customer by customer (customers in id order <c>c0001</c>, <c>c0002</c>, …;
/// each customer's events in time order except the deliberate out-of-order ones), so memory does not grow with the
/// number of customers. Event ids look like <c>e17-3</c> (customer 17, its third event).</para>
/// <para><b>Determinism.</b> The same journey, options and seed give byte-identical output on every platform and .NET
/// version: the generator uses its own xoshiro256** generator, one stream per customer, and never reads the clock.</para>
/// <threadsafety>An instance is immutable; concurrent <c>Generate</c> calls are safe (each needs its own writer or
/// builder).</threadsafety>
/// </remarks>
public sealed class SyntheticEventGenerator
{
    private const double PreferredChannelShare = 0.7;
    private const double ExtraEventProbability = 0.35;
    private const int MaxBacktracks = 2;
    private const double MainPathShare = 0.85;

    private readonly GeneratorPlan _plan;
    private readonly SyntheticEventOptions _options;
    private readonly int _start;
    private readonly StageMoves[] _moves;
    private readonly string[] _channels;
    private readonly PlanPersona[] _personas;
    private readonly double[] _personaCumulativeWeights;
    private readonly PersonaTraits[] _traits;

    /// <summary>Creates a generator for a journey.</summary>
    /// <param name="journey">The journey; it must be valid.</param>
    /// <param name="options">The options, or null for the defaults.</param>
    /// <exception cref="JourneyValidationException">The journey is not valid.</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public SyntheticEventGenerator(Journey journey, SyntheticEventOptions? options = null)
        : this(JourneyPlanner.Plan((journey ?? throw new ArgumentNullException(nameof(journey))).EnsureValid()), options)
    {
    }

    internal SyntheticEventGenerator(GeneratorPlan plan, SyntheticEventOptions? options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new SyntheticEventOptions();
        options.Validate();
        _plan = plan;
        _options = options;
        var channels = new List<string>();
        _start = -1;
        for (int s = 0; s < plan.Stages.Length; s++)
        {
            PlanStage stage = plan.Stages[s];
            if (_start < 0 && !stage.IsFailure && stage.Touchpoints.Length > 0)
            {
                _start = s;
            }

            foreach (PlanTouchpoint touchpoint in stage.Touchpoints)
            {
                if (touchpoint.Channel.Length > 0 && !channels.Contains(touchpoint.Channel))
                {
                    channels.Add(touchpoint.Channel);
                }
            }
        }

        _channels = [.. channels];
        _moves = new StageMoves[plan.Stages.Length];
        for (int s = 0; s < plan.Stages.Length; s++)
        {
            _moves[s] = StageMoves.For(plan, s);
        }

        PlanPersona[] personas = plan.Personas.Length > 0
            ? plan.Personas
            : [new PlanPersona { Id = string.Empty, Profiles = [new AttributeSlot[plan.AttributeKeys.Length]] }];
        _personas = personas;
        _personaCumulativeWeights = new double[personas.Length];
        _traits = new PersonaTraits[personas.Length];
        double total = 0;
        for (int p = 0; p < personas.Length; p++)
        {
            total += Math.Max(0, personas[p].Weight);
            _personaCumulativeWeights[p] = total;
            _traits[p] = PersonaTraits.For(p, _channels.Length);
        }

        if (total <= 0)
        {
            for (int p = 0; p < personas.Length; p++)
            {
                _personaCumulativeWeights[p] = p + 1;
            }
        }
    }

    /// <summary>Gets the options.</summary>
    public SyntheticEventOptions Options => _options;

    /// <summary>Gets the attribute keys the generated events carry (the personas' attributes); a writer must have these.</summary>
    public IReadOnlyList<string> AttributeKeys => _plan.AttributeKeys;

    /// <summary>Creates a writer for <paramref name="path"/> with <see cref="AttributeKeys"/> and writes all events to it,
    /// safely (<see cref="EventWriter.Create"/>: a temporary file renamed over the target at the end; on failure, or if the
    /// process is killed, an existing file there keeps its old content).</summary>
    /// <param name="path">The output file: <c>.csv</c>, <c>.jsonl</c> or <c>.ndjson</c>, optionally <c>.gz</c>.</param>
    /// <returns>What was generated.</returns>
    /// <exception cref="ArgumentException">The extension is not known.</exception>
    /// <exception cref="IOException">The file cannot be written, or the target is not a regular file.</exception>
    public SyntheticEventSummary Generate(string path)
    {
        using EventWriter writer = EventWriter.Create(path, _plan.AttributeKeys);
        try
        {
            return Generate(writer);
        }
        catch
        {
            writer.Abort(); // the target keeps its old content
            throw;
        }
    }

    /// <summary>Writes all events to <paramref name="writer"/>, streaming.</summary>
    /// <param name="writer">A writer whose <see cref="EventWriter.AttributeKeys"/> are <see cref="AttributeKeys"/>, in order.</param>
    /// <returns>What was generated.</returns>
    /// <exception cref="ArgumentException">The writer has other attribute keys.</exception>
    public SyntheticEventSummary Generate(EventWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!writer.AttributeKeys.SequenceEqual(_plan.AttributeKeys, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The writer's attribute keys ({string.Join(", ", writer.AttributeKeys)}) are not the generator's ({string.Join(", ", _plan.AttributeKeys)}); create it with SyntheticEventGenerator.AttributeKeys.",
                nameof(writer));
        }

        return Run(new WriterSink(writer));
    }

    /// <summary>Adds all events to <paramref name="builder"/> (duplicates are dropped by the builder, as when reading a file).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>What was generated.</returns>
    public SyntheticEventSummary Generate(EventBatchBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Run(new BuilderSink(builder, _plan.AttributeKeys));
    }

    /// <summary>Generates all events into a new batch.</summary>
    /// <returns>The batch.</returns>
    public EventBatch GenerateBatch()
    {
        var builder = new EventBatchBuilder();
        Generate(builder);
        return builder.Build();
    }

    /// <summary>
    /// Gets the true risks of every customer open at <paramref name="asOf"/>, from the process that generates the events:
    /// the probability that the customer enters no later designed stage (nor the goal) in (asOf, asOf + horizon], and
    /// that it never reaches the goal, given all the generator knows at that instant — the persona's pace and drop-out
    /// rate, the stage, when it entered it and its last event there, the backtracks so far — and that it has not moved on
    /// by then. The ranking of these probabilities is the best any model can do (the oracle AUC).
    /// </summary>
    /// <remarks>
    /// <para>Each customer's walk is replayed (the same draws as its events) up to <paramref name="asOf"/>; its future is
    /// then simulated <paramref name="samples"/> times with fresh draws from the same rules, keeping only futures whose
    /// next move comes after <paramref name="asOf"/> (rejection sampling of the condition). The probabilities carry the
    /// Monte Carlo error of that many samples (standard error at most 0.5/√samples). A customer is open when it has
    /// started by <paramref name="asOf"/> and is not in a goal or failure stage; a customer who stopped in a stage (a dead end)
    /// stays open, as the data cannot tell it apart from a slow one.</para>
    /// <para>The deliberate mess (<see cref="SyntheticEventOptions.TieProbability"/>, duplicates, out-of-order events) does not
    /// change the process, only how it is written; set it to zero to compare with a model that reads the events.</para>
    /// </remarks>
    /// <param name="asOf">The instant.</param>
    /// <param name="horizon">The horizon of not progressing; positive.</param>
    /// <param name="samples">The simulated futures per customer; at least 1. The default value is 1000.</param>
    /// <returns>One entry per open customer, in customer order.</returns>
    public IReadOnlyList<SyntheticTrueRisk> TrueRisks(DateTimeOffset asOf, TimeSpan horizon, int samples = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(horizon, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        long at = asOf.UtcTicks, until = at + horizon.Ticks;
        var counts = new Counts();
        int digits = Math.Max(4, _options.Customers.ToString(CultureInfo.InvariantCulture).Length);
        var state = new CustomerState(digits, _plan.AttributeKeys.Length, false);
        var trace = new Trace();
        var risks = new List<SyntheticTrueRisk>();
        string format = new('0', digits);
        for (int c = 0; c < _options.Customers; c++)
        {
            Simulate(c, state, NullSink.Instance, ref counts, trace);
            int k = trace.Steps.Count - 1;
            while (k >= 0 && trace.Steps[k].Entered > at)
            {
                k--;
            }

            if (k < 0 || _plan.Stages[trace.Steps[k].Stage].IsGoal || _plan.Stages[trace.Steps[k].Stage].IsFailure)
            {
                continue;
            }

            TraceStep now = trace.Steps[k];
            PersonaTraits traits = _traits[trace.Persona];
            int accepted = 0, stayed = 0, missed = 0;
            for (long tries = 0; accepted < samples && tries < 200L * samples; tries++)
            {
                var rng = new Xoshiro256(Xoshiro256.Mix(Xoshiro256.Mix(_options.Seed ^ 0x6F7261636C65UL, (ulong)c), (ulong)tries));
                Move move = Decide(now.Stage, now.Backtracks, traits, ref rng);
                if (move.Kind != MoveKind.Stop && now.Decided + move.Delay <= at)
                {
                    continue; // it would have moved on by the instant: not this customer's future
                }

                accepted++;
                (bool progressed, bool goal) = Future(now, move, traits, until, ref rng);
                stayed += progressed ? 0 : 1;
                missed += goal ? 0 : 1;
            }

            if (accepted > 0)
            {
                string id = "c" + (c + 1).ToString(format, CultureInfo.InvariantCulture);
                risks.Add(new SyntheticTrueRisk(id, _plan.Stages[now.Stage].Id, (double)stayed / accepted, (double)missed / accepted));
            }
        }

        return risks;
    }

    /// <summary>Walks one simulated future from <paramref name="first"/>, the move out of <paramref name="now"/>'s stage.</summary>
    private (bool Progressed, bool Goal) Future(TraceStep now, Move first, PersonaTraits traits, long until, ref Xoshiro256 rng)
    {
        long t = now.Decided;
        int backtracks = now.Backtracks;
        bool progressed = false;
        Move move = first;
        while (move.Kind != MoveKind.Stop)
        {
            t += move.Delay;
            backtracks += move.Kind == MoveKind.Back ? 1 : 0;
            PlanStage stage = _plan.Stages[move.Stage];
            progressed |= t <= until && (stage.IsGoal || (!stage.IsFailure && move.Stage > now.Stage));
            if (stage.IsGoal || stage.IsFailure)
            {
                return (progressed, stage.IsGoal);
            }

            // The events of the visit take a few minutes (as Simulate: up to two more, 1–45 minutes apart).
            if (rng.Chance(ExtraEventProbability))
            {
                int extra = 1 + rng.Next(2);
                for (int v = 0; v < extra; v++)
                {
                    t += (1 + rng.Next(45)) * TimeSpan.TicksPerMinute;
                }
            }

            move = Decide(move.Stage, backtracks, traits, ref rng);
        }

        return (progressed, false);
    }

    private SyntheticEventSummary Run(IEventSink sink)
    {
        var counts = new Counts();
        int digits = Math.Max(4, _options.Customers.ToString(CultureInfo.InvariantCulture).Length);
        var state = new CustomerState(digits, _plan.AttributeKeys.Length, _options.IncludeEventIds);
        for (int c = 0; c < _options.Customers; c++)
        {
            Simulate(c, state, sink, ref counts, null);
        }

        return new SyntheticEventSummary
        {
            Customers = _options.Customers,
            Events = counts.Events,
            Duplicates = counts.Duplicates,
            OutOfOrder = counts.OutOfOrder,
            Converted = counts.Converted,
            DroppedOut = counts.DroppedOut,
            Failed = counts.Failed,
            StuckStages = counts.Stuck,
            Backtracks = counts.Backtracks,
            ChannelSwitches = counts.ChannelSwitches,
        };
    }

    private void Simulate(int index, CustomerState state, IEventSink sink, ref Counts counts, Trace? trace)
    {
        var rng = new Xoshiro256(Xoshiro256.Mix(_options.Seed, (ulong)index));
        state.Begin(index);
        int persona = PickPersona(ref rng);
        PersonaTraits traits = _traits[persona];
        trace?.Begin(persona);
        AttributeSlot[][] profiles = _personas[persona].Profiles;
        AttributeSlot[] profile = profiles[rng.Next(profiles.Length)];
        for (int k = 0; k < state.Attributes.Length; k++)
        {
            state.Attributes[k] = k < profile.Length ? profile[k].Draw(ref rng) : null;
        }

        state.Channel = _channels.Length == 0 ? string.Empty
            : traits.PreferredChannel >= 0 && rng.Chance(PreferredChannelShare) ? _channels[traits.PreferredChannel]
            : _channels[rng.Next(_channels.Length)];
        long ticks = _options.Start.UtcTicks + (long)(rng.NextDouble() * _options.ArrivalWindow.Ticks);
        bool converted = false;
        bool failed = false;
        int backtracks = 0;
        int current = _start;
        while (current >= 0)
        {
            PlanStage stage = _plan.Stages[current];
            long entered = ticks;
            int visits = 1 + (rng.Chance(ExtraEventProbability) ? 1 + rng.Next(2) : 0);
            int lastTouchpoint = -1;
            for (int v = 0; v < visits; v++)
            {
                if (v > 0)
                {
                    ticks += (1 + rng.Next(45)) * TimeSpan.TicksPerMinute;
                }

                lastTouchpoint = Emit(stage, lastTouchpoint, ref ticks, state, sink, ref rng, ref counts);
                if (lastTouchpoint == stage.Touchpoints.Length - 1 && stage.Touchpoints.Length > 1)
                {
                    break; // reached the stage's last designed step
                }
            }

            trace?.Steps.Add(new TraceStep(current, entered, ticks, backtracks));
            if (stage.IsGoal)
            {
                converted = true;
                break;
            }

            if (stage.IsFailure)
            {
                failed = true;
                break;
            }

            Move move = Decide(current, backtracks, traits, ref rng);
            if (move.Kind == MoveKind.Stop)
            {
                break; // a dead end: stays in this stage
            }

            backtracks += move.Kind == MoveKind.Back ? 1 : 0;
            counts.Backtracks += move.Kind == MoveKind.Back ? 1 : 0;
            counts.Stuck += move.Kind == MoveKind.StuckForward ? 1 : 0;
            ticks += move.Delay;
            current = move.Stage;
        }

        state.Flush(sink, ref counts);
        if (converted)
        {
            counts.Converted++;
        }
        else if (failed)
        {
            counts.Failed++;
        }
        else
        {
            counts.DroppedOut++;
        }
    }

    /// <summary>
    /// The customer's move on leaving stage <paramref name="current"/> (after its events): a dead end, a failure stage, back
    /// to the nearest earlier stage, or forward (stuck or at the persona's pace), with the wait before it. The draws are the
    /// walk's own, in its order, so events and <see cref="TrueRisks"/> share one process.
    /// </summary>
    private Move Decide(int current, int backtracks, PersonaTraits traits, ref Xoshiro256 rng)
    {
        PlanStage stage = _plan.Stages[current];
        StageMoves moves = _moves[current];
        long standard = stage.StandardTicks > 0 ? stage.StandardTicks : _options.DefaultStandardTime.Ticks;
        double r = rng.NextDouble();
        double dropOut = Math.Min(1, _options.DropOutProbability * traits.DropOutFactor);
        bool canGoBack = moves.Back.Length > 0 && backtracks < MaxBacktracks;
        if (r < dropOut || (moves.Forward.Length == 0 && moves.Failure.Length == 0 && !canGoBack))
        {
            return new Move(MoveKind.Stop, -1, 0);
        }

        if (moves.Failure.Length > 0 && (r < dropOut + _options.FailureProbability || (moves.Forward.Length == 0 && !canGoBack)))
        {
            long wait = (long)(standard * (0.05 + (0.5 * rng.NextDouble())));
            return new Move(MoveKind.Failure, moves.Failure[rng.Next(moves.Failure.Length)], wait);
        }

        if (canGoBack && (rng.Chance(_options.BacktrackProbability) || moves.Forward.Length == 0))
        {
            long wait = (long)(standard * 0.2 * rng.NextDouble()) + TimeSpan.TicksPerMinute;
            return new Move(MoveKind.Back, moves.Back[^1], wait); // the nearest earlier stage
        }

        if (moves.Forward.Length == 0)
        {
            return new Move(MoveKind.Stop, -1, 0);
        }

        bool stuck = rng.Chance(_options.StuckProbability);
        long delay = stuck
            ? (long)(standard * (1.2 + (2.8 * rng.NextDouble())))
            : (long)(standard * Math.Min(0.95, traits.Pace * (0.05 + (0.9 * rng.NextDouble()))));

        // Mostly the designed next step; sometimes another allowed one (a skip).
        int next = moves.Forward.Length == 1 || rng.Chance(MainPathShare) ? moves.Forward[0] : moves.Forward[1 + rng.Next(moves.Forward.Length - 1)];
        return new Move(stuck ? MoveKind.StuckForward : MoveKind.Forward, next, delay);
    }

    /// <summary>Emits one event at a touchpoint of <paramref name="stage"/>; returns the touchpoint's index in the stage.</summary>
    private int Emit(PlanStage stage, int after, ref long ticks, CustomerState state, IEventSink sink, ref Xoshiro256 rng, ref Counts counts)
    {
        int chosen = PickTouchpoint(stage, after, state.Channel, ref rng);
        PlanTouchpoint touchpoint = stage.Touchpoints[chosen];
        if (touchpoint.Channel.Length > 0)
        {
            if (state.Channel.Length > 0 && touchpoint.Channel != state.Channel)
            {
                counts.ChannelSwitches++;
            }

            state.Channel = touchpoint.Channel;
        }

        double value = touchpoint.CarriesValue ? Amount(ref rng) : double.NaN;
        long seconds = ticks / TimeSpan.TicksPerSecond;
        long eventTicks = state.EventCount > 0 && rng.Chance(_options.TieProbability) ? state.LastTicks : seconds * TimeSpan.TicksPerSecond;
        if (eventTicks < state.LastTicks)
        {
            eventTicks = state.LastTicks; // never earlier than the previous event (rounding)
        }

        ticks = Math.Max(ticks, eventTicks);
        state.LastTicks = eventTicks;
        state.EventCount++;
        var pending = new PendingEvent(touchpoint.Id, touchpoint.Channel, eventTicks, state.EventCount, value);
        bool duplicate = _options.IncludeEventIds && rng.Chance(_options.DuplicateProbability);
        if (state.HasPending)
        {
            state.Write(pending, duplicate, sink, ref counts);
            state.WritePending(sink, ref counts);
            counts.OutOfOrder++;
        }
        else if (rng.Chance(_options.OutOfOrderProbability))
        {
            state.Hold(pending, duplicate);
        }
        else
        {
            state.Write(pending, duplicate, sink, ref counts);
        }

        return chosen;
    }

    /// <summary>
    /// Picks a touchpoint of the stage: on the customer's current channel (or, when switching, another one), and after
    /// <paramref name="after"/> in the stage's list when possible, so a visit follows the designed order
    /// (<c>form.start</c> before <c>form.submit</c>).
    /// </summary>
    private int PickTouchpoint(PlanStage stage, int after, string channel, ref Xoshiro256 rng)
    {
        PlanTouchpoint[] touchpoints = stage.Touchpoints;
        if (touchpoints.Length == 1)
        {
            return 0;
        }

        bool switchChannel = rng.Chance(_options.ChannelSwitchProbability);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            // Relax the conditions one by one: order and channel, order only, channel only, anything.
            bool useOrder = attempt is 0 or 1;
            bool useChannel = attempt is 0 or 2;
            int count = 0;
            for (int t = 0; t < touchpoints.Length; t++)
            {
                if (Fits(touchpoints[t], t, after, channel, switchChannel, useOrder, useChannel))
                {
                    count++;
                }
            }

            if (count == 0)
            {
                continue;
            }

            int pick = rng.Next(count);
            for (int t = 0; t < touchpoints.Length; t++)
            {
                if (Fits(touchpoints[t], t, after, channel, switchChannel, useOrder, useChannel) && pick-- == 0)
                {
                    return t;
                }
            }
        }

        return rng.Next(touchpoints.Length);
    }

    private static bool Fits(PlanTouchpoint touchpoint, int index, int after, string channel, bool switchChannel, bool useOrder, bool useChannel) =>
        (!useOrder || index > after) && (!useChannel || (touchpoint.Channel == channel) != switchChannel);

    private int PickPersona(ref Xoshiro256 rng)
    {
        double[] cumulative = _personaCumulativeWeights;
        double r = rng.NextDouble() * cumulative[^1];
        for (int p = 0; p < cumulative.Length; p++)
        {
            if (r < cumulative[p])
            {
                return p;
            }
        }

        return cumulative.Length - 1;
    }

    private static double Amount(ref Xoshiro256 rng) => Math.Round(Math.Exp(4.0 + (0.8 * rng.NextNormal())), 2);

    /// <summary>How a persona behaves, derived from its position so it is stable across seeds.</summary>
    private readonly record struct PersonaTraits(double Pace, double DropOutFactor, int PreferredChannel)
    {
        public static PersonaTraits For(int index, int channels)
        {
            // Golden-ratio steps spread personas over [0, 1) without clustering.
            double a = (index * 0.6180339887498949) % 1.0;
            double b = ((index * 0.3819660112501051) + 0.5) % 1.0;
            return new PersonaTraits(0.5 + a, 0.5 + b, channels == 0 ? -1 : index % channels);
        }
    }

    /// <summary>Where a customer may go from a stage: forward (designed order first), back, or to a failure stage.</summary>
    private readonly record struct StageMoves(int[] Forward, int[] Back, int[] Failure)
    {
        public static StageMoves For(GeneratorPlan plan, int s)
        {
            PlanStage[] stages = plan.Stages;
            var forward = new List<int>();
            var back = new List<int>();
            var failure = new List<int>();
            if (stages[s].Next is { } next)
            {
                foreach (int n in next)
                {
                    if (stages[n].Touchpoints.Length == 0)
                    {
                        continue; // cannot be observed
                    }

                    (stages[n].IsFailure ? failure : n > s ? forward : back).Add(n);
                }
            }
            else
            {
                // Any stage may follow: the next and previous non-failure stages in order, or any failure stage.
                for (int n = s + 1; n < stages.Length; n++)
                {
                    if (!stages[n].IsFailure && stages[n].Touchpoints.Length > 0)
                    {
                        forward.Add(n);
                        break;
                    }
                }

                for (int n = s - 1; n >= 0; n--)
                {
                    if (!stages[n].IsFailure && stages[n].Touchpoints.Length > 0)
                    {
                        back.Add(n);
                        break;
                    }
                }

                for (int n = 0; n < stages.Length; n++)
                {
                    if (stages[n].IsFailure && stages[n].Touchpoints.Length > 0)
                    {
                        failure.Add(n);
                    }
                }
            }

            forward.Sort();
            back.Sort();
            return new StageMoves([.. forward], [.. back], [.. failure]);
        }
    }

    private enum MoveKind
    {
        Stop,
        Failure,
        Back,
        Forward,
        StuckForward,
    }

    /// <summary>A move out of a stage: its kind, the stage it goes to (-1 for none) and the wait before it.</summary>
    private readonly record struct Move(MoveKind Kind, int Stage, long Delay);

    /// <summary>One stage visit of a replayed walk: the stage, when it was entered, when its events ended (the move is drawn then), the backtracks before it.</summary>
    private readonly record struct TraceStep(int Stage, long Entered, long Decided, int Backtracks);

    /// <summary>A replayed walk: the persona and the stage visits.</summary>
    private sealed class Trace
    {
        public int Persona { get; private set; }

        public List<TraceStep> Steps { get; } = [];

        public void Begin(int persona)
        {
            Persona = persona;
            Steps.Clear();
        }
    }

    private sealed class NullSink : IEventSink
    {
        public static readonly NullSink Instance = new();

        public void Write(ReadOnlySpan<char> customerId, string touchpoint, long ticks, string channel, ReadOnlySpan<char> eventId, double value, string?[] attributes)
        {
        }
    }

    private struct Counts
    {
        public long Events;
        public long Duplicates;
        public long OutOfOrder;
        public long Converted;
        public long DroppedOut;
        public long Failed;
        public long Stuck;
        public long Backtracks;
        public long ChannelSwitches;
    }

    private readonly record struct PendingEvent(string Touchpoint, string Channel, long Ticks, int Sequence, double Value);

    /// <summary>The reusable per-customer scratch: ids as chars, attributes, the last timestamp, the held-back event.</summary>
    private sealed class CustomerState(int digits, int attributeCount, bool includeIds)
    {
        private readonly char[] _customerId = new char[digits + 1];
        private readonly char[] _eventId = new char[32];
        private int _number;
        private PendingEvent _pending;
        private bool _pendingDuplicate;

        public string?[] Attributes { get; } = new string?[attributeCount];

        public string Channel { get; set; } = string.Empty;

        public long LastTicks { get; set; }

        public int EventCount { get; set; }

        public bool HasPending { get; private set; }

        private ReadOnlySpan<char> CustomerId => _customerId;

        public void Begin(int index)
        {
            _number = index + 1;
            _customerId[0] = 'c';
            _number.TryFormat(_customerId.AsSpan(1), out _, new string('0', digits), CultureInfo.InvariantCulture);
            Array.Clear(Attributes);
            Channel = string.Empty;
            LastTicks = 0;
            EventCount = 0;
            HasPending = false;
        }

        public void Hold(PendingEvent pending, bool duplicate)
        {
            _pending = pending;
            _pendingDuplicate = duplicate;
            HasPending = true;
        }

        public void WritePending(IEventSink sink, ref Counts counts)
        {
            HasPending = false;
            Write(_pending, _pendingDuplicate, sink, ref counts);
        }

        /// <summary>Writes a held-back event at the customer's end (no later event came, so it is in order after all).</summary>
        public void Flush(IEventSink sink, ref Counts counts)
        {
            if (HasPending)
            {
                WritePending(sink, ref counts);
            }
        }

        public void Write(in PendingEvent e, bool duplicate, IEventSink sink, ref Counts counts)
        {
            ReadOnlySpan<char> eventId = default;
            if (includeIds)
            {
                Span<char> id = _eventId;
                id[0] = 'e';
                _number.TryFormat(id[1..], out int n, default, CultureInfo.InvariantCulture);
                id[1 + n] = '-';
                e.Sequence.TryFormat(id[(2 + n)..], out int m, default, CultureInfo.InvariantCulture);
                eventId = id[..(2 + n + m)];
            }

            sink.Write(CustomerId, e.Touchpoint, e.Ticks, e.Channel, eventId, e.Value, Attributes);
            counts.Events++;
            if (duplicate)
            {
                sink.Write(CustomerId, e.Touchpoint, e.Ticks, e.Channel, eventId, e.Value, Attributes);
                counts.Events++;
                counts.Duplicates++;
            }
        }
    }

    private interface IEventSink
    {
        void Write(ReadOnlySpan<char> customerId, string touchpoint, long ticks, string channel, ReadOnlySpan<char> eventId, double value, string?[] attributes);
    }

    private sealed class WriterSink(EventWriter writer) : IEventSink
    {
        public void Write(ReadOnlySpan<char> customerId, string touchpoint, long ticks, string channel, ReadOnlySpan<char> eventId, double value, string?[] attributes) =>
            writer.Write(customerId, touchpoint, ticks, channel, eventId, value, attributes);
    }

    private sealed class BuilderSink(EventBatchBuilder builder, string[] keys) : IEventSink
    {
        public void Write(ReadOnlySpan<char> customerId, string touchpoint, long ticks, string channel, ReadOnlySpan<char> eventId, double value, string?[] attributes)
        {
            if (!builder.Add(customerId, touchpoint, ticks, channel, eventId, value))
            {
                return;
            }

            for (int i = 0; i < attributes.Length; i++)
            {
                if (attributes[i] is { Length: > 0 } attribute)
                {
                    builder.SetAttribute(keys[i], attribute);
                }
            }
        }
    }
}
