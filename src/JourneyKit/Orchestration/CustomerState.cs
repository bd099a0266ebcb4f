using System.Collections.Immutable;
using System.Text;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>
/// One customer's orchestration state for one journey: the journey instance (the current run), a fingerprint of the
/// events applied, the rule occurrences already handled, cooldown and cap bookkeeping, pattern states of pattern rules,
/// and the <em>outbox</em> of interventions recorded but not yet acknowledged. It is what <see cref="JourneyStep"/>
/// advances and what a driver stores (<see cref="Serialize"/>) as the opaque bytes of a
/// <see cref="Storage.StoredState"/>.
/// </summary>
/// <remarks>
/// <para><b>Format.</b> <see cref="Serialize"/> writes format <see cref="FormatVersion"/> (little-endian, a 4-byte magic
/// number <c>"JKO"</c> + version first); <see cref="Deserialize"/> reads it and every earlier format (version 2, written
/// by JourneyKit before the step was public). Changing the layout is a deliberate migration: a new version number and a
/// reader for the old one; a golden-bytes test fixture pins the current layout.</para>
/// <para>A state is never changed by <see cref="JourneyStep"/>: each step returns a new one.</para>
/// <threadsafety>Reading a state from several threads is safe; <see cref="Instance"/> must not be modified.</threadsafety>
/// </remarks>
public sealed class CustomerState
{
    /// <summary>The format version <see cref="Serialize"/> writes: 4 (format 4 adds each outbox intervention's risk and risk model).</summary>
    public const int FormatVersion = 4;

    private const uint MagicBase = 0x4F4B4A00; // "JKO" in the upper three bytes (little-endian: 'J' 'K' 'O' after the version byte)
    private const int MaxCount = 10_000_000;

    internal CustomerState(JourneyInstance instance) => Instance = instance;

    /// <summary>Gets the customer id.</summary>
    public string CustomerId => Instance.CustomerId;

    /// <summary>Gets the journey instance of the customer's current run. Do not modify it.</summary>
    public JourneyInstance Instance { get; internal set; }

    /// <summary>Gets the journey version the current run is evaluated under (<see cref="JourneyInstance.JourneyVersion"/>).</summary>
    public int JourneyVersion => Instance.JourneyVersion;

    /// <summary>
    /// Gets the instant a log read for <see cref="StepInput.LogFrom"/> starts at (inclusive): the time of the last
    /// applied event; or null when the next step needs <see cref="StepInput.WholeLog"/> (nothing applied yet).
    /// </summary>
    public DateTimeOffset? ResumeFrom => AppliedCount > 0 && AppliedAtLast > 0 ? new DateTimeOffset(Instance.LastEventTicks, TimeSpan.Zero) : null;

    /// <summary>Gets the interventions recorded but not yet acknowledged, oldest first.</summary>
    public IReadOnlyList<PendingIntervention> Outbox
    {
        get
        {
            var result = new PendingIntervention[OutboxList.Count];
            for (int i = 0; i < result.Length; i++)
            {
                OutboxEntry e = OutboxList[i];
                result[i] = new PendingIntervention(e.Intervention, e.Attempts, new DateTimeOffset(e.NextAttemptTicks, TimeSpan.Zero));
            }

            return result;
        }
    }

    /// <summary>
    /// Gets the customer's finished earlier runs, oldest first (more than one run only when the journey's re-entry policy
    /// starts new ones): at most <see cref="OrchestrationOptions.FinishedRunCapacity"/>, older ones forgotten (the current
    /// run's <see cref="JourneyInstance.RunNumber"/> still counts them).
    /// </summary>
    public IReadOnlyList<JourneyInstance> FinishedRuns
    {
        get
        {
            var runs = new JourneyInstance[FinishedRunList.Count];
            for (int i = 0; i < runs.Length; i++)
            {
                runs[i] = JourneyInstance.Deserialize(FinishedRunList[i]);
            }

            return runs;
        }
    }

    /// <summary>Gets the number of rule occurrences remembered as handled (at most <see cref="OrchestrationOptions.HandledOccurrenceCapacity"/>).</summary>
    public int HandledOccurrenceCount => Handled.Count;

    /// <summary>FNV-1a over the applied events, in log order.</summary>
    internal ulong AppliedHash { get; set; } = EventFingerprint.Seed;

    /// <summary>How many applied events have the instance's last event time (they lead a read from that time).</summary>
    internal int AppliedAtLast { get; set; }

    /// <summary>How many events of the customer's log are applied, over all runs (the log prefix the fingerprint covers).</summary>
    internal int AppliedCount { get; set; }

    /// <summary>The id of the current run's current stage (in its version), or null: what a version migration maps.</summary>
    internal string? StageId { get; set; }

    /// <summary>0, or the version whose suffix (<c>@v3</c>) occurrence ids carry after the run moved to it from another version.</summary>
    internal int OccurrenceVersion { get; set; }

    /// <summary>Handled "rule|occurrence" keys, oldest first (bounded).</summary>
    internal List<string> Handled { get; } = [];

    internal HashSet<string> HandledSet { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, RuleBook> Rules { get; } = new(StringComparer.Ordinal);

    /// <summary>Occurrence times of every intervention recorded (for the customer-wide cap), oldest first.</summary>
    internal List<long> FiredTicks { get; } = [];

    internal List<OutboxEntry> OutboxList { get; } = [];

    /// <summary>Serialized instances of finished earlier runs, oldest first (bounded); empty without re-entry.</summary>
    internal List<byte[]> FinishedRunList { get; } = [];

    /// <summary>Reads a serialized state (format <see cref="FormatVersion"/> or earlier).</summary>
    /// <param name="data">The bytes written by <see cref="Serialize"/>.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">The bytes are not a state of a known format version, or are truncated.</exception>
    public static CustomerState Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data.ToArray()), Encoding.UTF8);
            uint magic = data.Length < 4 ? 0 : r.ReadUInt32();
            int version = (int)(magic & 0xFF);
            if ((magic & 0xFFFFFF00) != MagicBase || version is < 2 or > FormatVersion)
            {
                throw new FormatException(OrchestrationMessages.StateFormat);
            }

            var state = new CustomerState(JourneyInstance.Deserialize(r.ReadBytes(Count(r.ReadInt32()))))
            {
                AppliedHash = r.ReadUInt64(),
                AppliedAtLast = r.ReadInt32(),
            };
            if (version >= 3)
            {
                state.AppliedCount = r.ReadInt32();
                state.StageId = ReadOptional(r);
                state.OccurrenceVersion = r.ReadInt32();
            }

            else
            {
                state.AppliedCount = state.Instance.EventCount; // format 2 had one run
            }

            int handled = Count(r.ReadInt32());
            for (int i = 0; i < handled; i++)
            {
                string h = r.ReadString();
                if (state.HandledSet.Add(h))
                {
                    state.Handled.Add(h);
                }
            }

            int rules = Count(r.ReadInt32());
            for (int i = 0; i < rules; i++)
            {
                var book = new RuleBook();
                state.Rules[r.ReadString()] = book;
                book.LastFiredTicks = r.ReadInt64();
                ReadTicks(r, book.FiredTicks);
                int patternLength = r.ReadInt32();
                if (patternLength >= 0)
                {
                    book.Pattern = PatternState.ReadFrom(r.ReadBytes(Count(patternLength)));
                }
            }

            ReadTicks(r, state.FiredTicks);
            int outbox = Count(r.ReadInt32());
            for (int i = 0; i < outbox; i++)
            {
                state.OutboxList.Add(ReadOutboxEntry(r, version));
            }

            if (version >= 3)
            {
                int finished = Count(r.ReadInt32());
                for (int i = 0; i < finished; i++)
                {
                    state.FinishedRunList.Add(r.ReadBytes(Count(r.ReadInt32())));
                }
            }

            return state;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException(OrchestrationMessages.StateTruncated, e);
        }
    }

    /// <summary>Serializes the state in format <see cref="FormatVersion"/>.</summary>
    /// <returns>The bytes.</returns>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(MagicBase | FormatVersion);
            byte[] instance = Instance.Serialize();
            w.Write(instance.Length);
            w.Write(instance);
            w.Write(AppliedHash);
            w.Write(AppliedAtLast);
            w.Write(AppliedCount);
            WriteOptional(w, StageId);
            w.Write(OccurrenceVersion);
            w.Write(Handled.Count);
            foreach (string h in Handled)
            {
                w.Write(h);
            }

            var names = new List<string>(Rules.Keys);
            names.Sort(StringComparer.Ordinal);
            w.Write(names.Count);
            foreach (string name in names)
            {
                RuleBook book = Rules[name];
                w.Write(name);
                w.Write(book.LastFiredTicks);
                WriteTicks(w, book.FiredTicks);
                if (book.Pattern is { } p)
                {
                    var bytes = new byte[p.SerializedSize];
                    p.WriteTo(bytes);
                    w.Write(bytes.Length);
                    w.Write(bytes);
                }
                else
                {
                    w.Write(-1);
                }
            }

            WriteTicks(w, FiredTicks);
            w.Write(OutboxList.Count);
            foreach (OutboxEntry e in OutboxList)
            {
                WriteOutboxEntry(w, e);
            }

            w.Write(FinishedRunList.Count);
            foreach (byte[] run in FinishedRunList)
            {
                w.Write(run.Length);
                w.Write(run);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A deep copy (through the serialized form, so a copy is exactly what a store would give back).</summary>
    internal CustomerState Clone() => Deserialize(Serialize());

    internal RuleBook Book(string rule)
    {
        if (!Rules.TryGetValue(rule, out RuleBook? book))
        {
            book = new RuleBook();
            Rules[rule] = book;
        }

        return book;
    }

    internal bool MarkHandled(string key, int capacity)
    {
        if (!HandledSet.Add(key))
        {
            return false;
        }

        Handled.Add(key);
        if (Handled.Count > capacity)
        {
            int drop = Handled.Count - capacity;
            for (int i = 0; i < drop; i++)
            {
                HandledSet.Remove(Handled[i]);
            }

            Handled.RemoveRange(0, drop);
        }

        return true;
    }

    private static void WriteOutboxEntry(BinaryWriter w, OutboxEntry e)
    {
        Intervention i = e.Intervention;
        w.Write(e.Attempts);
        w.Write(e.NextAttemptTicks);
        w.Write(i.Name);
        w.Write(i.CustomerId);
        w.Write(i.JourneyId);
        w.Write(i.Rule);
        w.Write(i.Channel.Name);
        WriteOptional(w, i.TemplateId);
        w.Write(i.Priority);
        w.Write(i.Parameters.Count);
        foreach (KeyValuePair<string, string> p in i.Parameters)
        {
            w.Write(p.Key);
            w.Write(p.Value);
        }

        w.Write(i.Occurrence);
        w.Write(i.OccurredAt.UtcTicks);
        WriteOptional(w, i.Stage);
        w.Write(i.IdempotencyKey);
        w.Write(i.Risk is not null);
        if (i.Risk is { } risk)
        {
            w.Write(risk);
            WriteOptional(w, i.RiskModel);
        }
    }

    private static OutboxEntry ReadOutboxEntry(BinaryReader r, int version)
    {
        int attempts = r.ReadInt32();
        long next = r.ReadInt64();
        string name = r.ReadString();
        string customer = r.ReadString();
        string journey = r.ReadString();
        string rule = r.ReadString();
        var channel = Channel.FromName(r.ReadString());
        string? template = ReadOptional(r);
        int priority = r.ReadInt32();
        int parameterCount = Count(r.ReadInt32());
        ImmutableSortedDictionary<string, string>.Builder parameters = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (int p = 0; p < parameterCount; p++)
        {
            string key = r.ReadString();
            parameters[key] = r.ReadString();
        }

        var intervention = new Intervention
        {
            Name = name,
            CustomerId = customer,
            JourneyId = journey,
            Rule = rule,
            Channel = channel,
            TemplateId = template,
            Priority = priority,
            Parameters = parameters.ToImmutable(),
            Occurrence = r.ReadString(),
            OccurredAt = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
            Stage = ReadOptional(r),
            IdempotencyKey = r.ReadString(),
        };
        if (version >= 4 && r.ReadBoolean())
        {
            intervention = intervention with { Risk = r.ReadDouble(), RiskModel = ReadOptional(r) };
        }

        return new OutboxEntry(intervention, attempts, next);
    }

    private static void WriteTicks(BinaryWriter w, List<long> ticks)
    {
        w.Write(ticks.Count);
        foreach (long t in ticks)
        {
            w.Write(t);
        }
    }

    private static void ReadTicks(BinaryReader r, List<long> ticks)
    {
        int n = Count(r.ReadInt32());
        for (int i = 0; i < n; i++)
        {
            ticks.Add(r.ReadInt64());
        }
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        w.Write(value ?? string.Empty);
    }

    private static string? ReadOptional(BinaryReader r)
    {
        bool has = r.ReadBoolean();
        string value = r.ReadString();
        return has ? value : null;
    }

    private static int Count(int n) => n is >= 0 and <= MaxCount ? n : throw new FormatException(OrchestrationMessages.StateTruncated);
}
