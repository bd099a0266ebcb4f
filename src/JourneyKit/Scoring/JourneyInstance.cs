using System.Text;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// One customer's run through one journey version, advanced by <see cref="JourneyEvaluator"/>: stage history, goal or
/// failure, effort counters (repeats, backtracks, channel switches, assisted contacts, out-of-path touchpoints,
/// transitions the design does not allow) and moments of truth. The lifecycle state (<see cref="LifecycleState"/>) depends on the instant: see
/// <see cref="JourneyEvaluator.GetStatus(JourneyInstance, DateTimeOffset)"/>.
/// </summary>
/// <remarks>
/// The state is compact and serializable (<see cref="Serialize"/>, <see cref="Deserialize"/>, versioned): a store can
/// persist it and evaluation resumes with the same result as evaluating from scratch.
/// <threadsafety>Not thread-safe: one writer per customer.</threadsafety>
/// </remarks>
public sealed class JourneyInstance
{
    private const byte FormatVersion = 2;

    internal readonly List<StageVisit> VisitList = [];
    internal Dictionary<string, string>? LatestAttributes; // the attributes persona rules read, latest value per key
    internal int BatchStart; // the run's rows in the batch it was evaluated from (analytics)
    internal int BatchEnd;
    private string? _persona;
    internal readonly List<MomentOfTruthHit> HitList = [];
    internal TouchpointSet SeenTouchpoints;
    internal PatternState[] MomentStates;

    internal JourneyInstance(string customerId, string journeyId, int journeyVersion, PatternState[] moments, int runNumber = 1)
    {
        CustomerId = customerId;
        JourneyId = journeyId;
        JourneyVersion = journeyVersion;
        MomentStates = moments;
        RunNumber = runNumber;
    }

    /// <summary>
    /// Gets the run's number for its customer, from 1. A customer has more than one run only when the journey's
    /// <see cref="Journey.Reentry"/> policy lets them start again.
    /// </summary>
    public int RunNumber { get; }

    /// <summary>Gets the customer id.</summary>
    public string CustomerId { get; }

    /// <summary>Gets the journey id.</summary>
    public string JourneyId { get; }

    /// <summary>Gets the journey version.</summary>
    public int JourneyVersion { get; }

    /// <summary>
    /// Gets or sets the persona id, when known. The evaluator re-assigns it whenever an event brings attributes that persona
    /// rules read (the latest value of each attribute wins), unless the caller set it: a persona set here is kept.
    /// </summary>
    public string? Persona
    {
        get => _persona;
        set
        {
            _persona = value;
            PersonaSetByCaller = true;
        }
    }

    /// <summary>Gets a value indicating whether the persona rules were applied (at least one event carried attributes they read).</summary>
    public bool PersonaAssigned { get; internal set; }

    /// <summary>Gets a value indicating whether the caller set <see cref="Persona"/> (the rules then leave it alone).</summary>
    public bool PersonaSetByCaller { get; private set; }

    /// <summary>Gets the latest value of each attribute the journey's persona rules read, as seen in the run's events (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Attributes => LatestAttributes ?? (IReadOnlyDictionary<string, string>)EmptyAttributes;

    private static readonly Dictionary<string, string> EmptyAttributes = new(StringComparer.Ordinal);

    internal void SetAssignedPersona(string? persona) => _persona = persona;

    /// <summary>Gets the number of events evaluated.</summary>
    public int EventCount { get; internal set; }

    /// <summary>Gets the time of the first event, UTC ticks; 0 when none.</summary>
    public long FirstEventTicks { get; internal set; }

    /// <summary>Gets the time of the last event, UTC ticks; 0 when none.</summary>
    public long LastEventTicks { get; internal set; }

    /// <summary>Gets the touchpoint of the last event, or null.</summary>
    public string? LastTouchpoint { get; internal set; }

    /// <summary>Gets the channel of the last event.</summary>
    public Channel LastChannel { get; internal set; }

    /// <summary>Gets the first channel seen.</summary>
    public Channel FirstChannel { get; internal set; }

    /// <summary>Gets the current stage index, or -1 before the first in-path event.</summary>
    public int CurrentStage { get; internal set; } = -1;

    /// <summary>Gets the furthest stage index reached (designed order), or -1.</summary>
    public int FurthestStage { get; internal set; } = -1;

    /// <summary>Gets a value indicating whether the customer reached a goal stage (before any failure stage).</summary>
    public bool GoalReached { get; internal set; }

    /// <summary>Gets when the goal was first reached, UTC ticks, or null.</summary>
    public long? GoalReachedTicks { get; internal set; }

    /// <summary>Gets a value indicating whether the customer ended in a failure stage (entered before any goal stage).</summary>
    public bool Failed { get; internal set; }

    /// <summary>
    /// Gets a value indicating whether the run has ended: it entered a terminal stage (<see cref="GoalReached"/> or
    /// <see cref="Failed"/>, whichever came first). Later events still count but never change the stage.
    /// </summary>
    public bool IsEnded => GoalReached || Failed;

    /// <summary>Gets the number of moves to an earlier stage (designed order).</summary>
    public int Backtracks { get; internal set; }

    /// <summary>Gets the number of events at a touchpoint the customer had already used.</summary>
    public int Repeats { get; internal set; }

    /// <summary>Gets the number of times consecutive events changed channel.</summary>
    public int ChannelSwitches { get; internal set; }

    /// <summary>Gets the number of events on assisted channels (<see cref="Channel.IsAssisted"/>).</summary>
    public int AssistedContacts { get; internal set; }

    /// <summary>Gets the number of events at touchpoints that are not part of any stage.</summary>
    public int OutOfPath { get; internal set; }

    /// <summary>Gets the number of stage changes the design does not allow (<see cref="Stage.Next"/>).</summary>
    public int DisallowedTransitions { get; internal set; }

    /// <summary>Gets the stage history, oldest first.</summary>
    public IReadOnlyList<StageVisit> Visits => VisitList;

    /// <summary>Gets the moments of truth hit, in time order.</summary>
    public IReadOnlyList<MomentOfTruthHit> MomentsOfTruth => HitList;

    /// <summary>Gets when the customer entered the current stage, UTC ticks, or null.</summary>
    public long? CurrentStageEnteredTicks => VisitList.Count == 0 ? null : VisitList[^1].EnteredTicks;

    /// <summary>Copies everything but the identity, run number and pattern states from another instance (a run that continues another's history).</summary>
    internal void CopyFrom(JourneyInstance other, bool history = true)
    {
        _persona = other._persona;
        PersonaSetByCaller = other.PersonaSetByCaller;
        PersonaAssigned = other.PersonaAssigned;
        LatestAttributes = other.LatestAttributes is null ? null : new Dictionary<string, string>(other.LatestAttributes, StringComparer.Ordinal);
        if (!history)
        {
            return;
        }

        EventCount = other.EventCount;
        FirstEventTicks = other.FirstEventTicks;
        LastEventTicks = other.LastEventTicks;
        LastTouchpoint = other.LastTouchpoint;
        LastChannel = other.LastChannel;
        FirstChannel = other.FirstChannel;
        CurrentStage = other.CurrentStage;
        FurthestStage = other.FurthestStage;
        GoalReached = other.GoalReached;
        GoalReachedTicks = other.GoalReachedTicks;
        Failed = other.Failed;
        Backtracks = other.Backtracks;
        Repeats = other.Repeats;
        ChannelSwitches = other.ChannelSwitches;
        AssistedContacts = other.AssistedContacts;
        OutOfPath = other.OutOfPath;
        DisallowedTransitions = other.DisallowedTransitions;
        VisitList.AddRange(other.VisitList);
        HitList.AddRange(other.HitList);
        SeenTouchpoints = other.SeenTouchpoints;
    }

    /// <summary>Serializes the state (format version 2; version 1 states are still read).</summary>
    /// <returns>The bytes.</returns>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatVersion);
            w.Write(CustomerId);
            w.Write(JourneyId);
            w.Write(JourneyVersion);
            w.Write(Persona ?? string.Empty);
            w.Write(Persona is not null);
            w.Write(PersonaAssigned);
            w.Write(EventCount);
            w.Write(FirstEventTicks);
            w.Write(LastEventTicks);
            w.Write(LastTouchpoint ?? string.Empty);
            w.Write(LastTouchpoint is not null);
            w.Write(LastChannel.Name);
            w.Write(FirstChannel.Name);
            w.Write(CurrentStage);
            w.Write(FurthestStage);
            w.Write(GoalReached);
            w.Write(GoalReachedTicks ?? -1);
            w.Write(Failed);
            w.Write(Backtracks);
            w.Write(Repeats);
            w.Write(ChannelSwitches);
            w.Write(AssistedContacts);
            w.Write(OutOfPath);
            w.Write(DisallowedTransitions);
            w.Write(VisitList.Count);
            foreach (StageVisit v in VisitList)
            {
                w.Write(v.Stage);
                w.Write(v.EnteredTicks);
                w.Write(v.ExitedTicks ?? -1);
            }

            w.Write(HitList.Count);
            foreach (MomentOfTruthHit h in HitList)
            {
                w.Write(h.Moment);
                w.Write(h.Ticks);
                w.Write((byte)h.Outcome);
            }

            w.Write(SeenTouchpoints.Count);
            foreach (int t in SeenTouchpoints.Ordered())
            {
                w.Write(t);
            }

            w.Write(MomentStates.Length);
            foreach (PatternState p in MomentStates)
            {
                var bytes = new byte[p.SerializedSize];
                p.WriteTo(bytes);
                w.Write(bytes.Length);
                w.Write(bytes);
            }

            // Version 2: run number, who set the persona, the latest persona attributes, the persona at each stage entry.
            w.Write(RunNumber);
            w.Write(PersonaSetByCaller);
            w.Write(LatestAttributes?.Count ?? 0);
            if (LatestAttributes is not null)
            {
                foreach (KeyValuePair<string, string> a in LatestAttributes)
                {
                    w.Write(a.Key);
                    w.Write(a.Value);
                }
            }

            foreach (StageVisit v in VisitList)
            {
                w.Write(v.Persona is not null);
                w.Write(v.Persona ?? string.Empty);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads a state written by <see cref="Serialize"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="FormatException">The bytes are not an instance state of a known format version.</exception>
    public static JourneyInstance Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || data[0] is not (1 or FormatVersion))
        {
            throw new FormatException("The bytes are not a journey instance state of format version 1 or 2.");
        }

        try
        {
            using var r = new BinaryReader(new MemoryStream(data.ToArray()), Encoding.UTF8);
            byte format = r.ReadByte();
            string customer = r.ReadString();
            string journey = r.ReadString();
            int version = r.ReadInt32();
            string persona = r.ReadString();
            bool hasPersona = r.ReadBoolean();
            var instance = new JourneyInstance(customer, journey, version, [])
            {
                PersonaAssigned = r.ReadBoolean(),
                EventCount = r.ReadInt32(),
                FirstEventTicks = r.ReadInt64(),
                LastEventTicks = r.ReadInt64(),
            };
            string last = r.ReadString();
            instance.LastTouchpoint = r.ReadBoolean() ? last : null;
            instance.LastChannel = Channel.FromName(r.ReadString());
            instance.FirstChannel = Channel.FromName(r.ReadString());
            instance.CurrentStage = r.ReadInt32();
            instance.FurthestStage = r.ReadInt32();
            instance.GoalReached = r.ReadBoolean();
            long goal = r.ReadInt64();
            instance.GoalReachedTicks = goal < 0 ? null : goal;
            instance.Failed = r.ReadBoolean();
            instance.Backtracks = r.ReadInt32();
            instance.Repeats = r.ReadInt32();
            instance.ChannelSwitches = r.ReadInt32();
            instance.AssistedContacts = r.ReadInt32();
            instance.OutOfPath = r.ReadInt32();
            instance.DisallowedTransitions = r.ReadInt32();
            int visits = Count(r.ReadInt32());
            for (int i = 0; i < visits; i++)
            {
                int stage = r.ReadInt32();
                long entered = r.ReadInt64();
                long exited = r.ReadInt64();
                instance.VisitList.Add(new StageVisit(stage, entered, exited < 0 ? null : exited));
            }

            int hits = Count(r.ReadInt32());
            for (int i = 0; i < hits; i++)
            {
                instance.HitList.Add(new MomentOfTruthHit(r.ReadInt32(), r.ReadInt64(), (MomentOfTruthOutcome)r.ReadByte()));
            }

            int seen = Count(r.ReadInt32());
            for (int i = 0; i < seen; i++)
            {
                int touchpoint = r.ReadInt32();
                if (touchpoint < 0)
                {
                    throw new FormatException("The journey instance state has an invalid touchpoint id.");
                }

                instance.SeenTouchpoints.Add(touchpoint);
            }

            instance.MomentStates = new PatternState[Count(r.ReadInt32())];
            for (int i = 0; i < instance.MomentStates.Length; i++)
            {
                instance.MomentStates[i] = PatternState.ReadFrom(r.ReadBytes(Count(r.ReadInt32())));
            }

            instance.SetAssignedPersona(hasPersona ? persona : null);
            if (format == 1)
            {
                instance.PersonaSetByCaller = hasPersona && !instance.PersonaAssigned; // v1: a persona without rules was the caller's
                return instance;
            }

            int run = r.ReadInt32();
            if (run < 1)
            {
                throw new FormatException("The journey instance state has an invalid run number.");
            }

            var result = new JourneyInstance(customer, journey, version, instance.MomentStates, run);
            result.CopyFrom(instance);
            result.PersonaSetByCaller = r.ReadBoolean();
            int attributes = Count(r.ReadInt32());
            if (attributes > 0)
            {
                result.LatestAttributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
                for (int i = 0; i < attributes; i++)
                {
                    result.LatestAttributes[r.ReadString()] = r.ReadString();
                }
            }

            for (int v = 0; v < result.VisitList.Count; v++)
            {
                bool has = r.ReadBoolean();
                string p = r.ReadString();
                result.VisitList[v] = result.VisitList[v] with { Persona = has ? p : null };
            }

            return result;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The journey instance state is truncated.", e);
        }

        static int Count(int n) => n is >= 0 and <= 10_000_000 ? n : throw new FormatException("The journey instance state has an invalid count.");
    }
}
