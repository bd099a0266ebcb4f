using System.Collections.Immutable;
using System.Text;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration.Internal;

/// <summary>A pending intervention in a customer's outbox.</summary>
internal sealed class OutboxEntry(Intervention intervention, int attempts, long nextAttemptTicks)
{
    public Intervention Intervention { get; } = intervention;

    public int Attempts { get; set; } = attempts;

    public long NextAttemptTicks { get; set; } = nextAttemptTicks;
}

/// <summary>Per-rule bookkeeping for one customer.</summary>
internal sealed class RuleBook
{
    public long LastFiredTicks { get; set; } = -1;

    public List<long> FiredTicks { get; } = [];

    public PatternState? Pattern { get; set; }
}

/// <summary>
/// What the engine stores per customer (the opaque bytes of <see cref="Storage.StoredState"/>): the journey instance,
/// a fingerprint of the events applied, the handled occurrences, rule bookkeeping and the outbox.
/// </summary>
internal sealed class OrchestrationState
{
    private const uint Magic = 0x4F4B4A02; // "JKO" + format version 2

    public OrchestrationState(JourneyInstance instance) => Instance = instance;

    public JourneyInstance Instance { get; set; }

    /// <summary>FNV-1a over the applied events, in log order.</summary>
    public ulong AppliedHash { get; set; } = EventFingerprint.Seed;

    /// <summary>How many applied events have the instance's last event time (they lead a read from that time).</summary>
    public int AppliedAtLast { get; set; }

    /// <summary>Handled "rule|occurrence" keys, oldest first (bounded).</summary>
    public List<string> Handled { get; } = [];

    public HashSet<string> HandledSet { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RuleBook> Rules { get; } = new(StringComparer.Ordinal);

    /// <summary>Occurrence times of every intervention recorded (for the customer-wide cap), oldest first.</summary>
    public List<long> FiredTicks { get; } = [];

    public List<OutboxEntry> Outbox { get; } = [];

    public RuleBook Book(string rule)
    {
        if (!Rules.TryGetValue(rule, out RuleBook? book))
        {
            book = new RuleBook();
            Rules[rule] = book;
        }

        return book;
    }

    public bool MarkHandled(string key, int capacity)
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

    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            byte[] instance = Instance.Serialize();
            w.Write(instance.Length);
            w.Write(instance);
            w.Write(AppliedHash);
            w.Write(AppliedAtLast);
            w.Write(Handled.Count);
            foreach (string h in Handled)
            {
                w.Write(h);
            }

            w.Write(Rules.Count);
            foreach (KeyValuePair<string, RuleBook> pair in Rules.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.Write(pair.Key);
                w.Write(pair.Value.LastFiredTicks);
                WriteTicks(w, pair.Value.FiredTicks);
                if (pair.Value.Pattern is { } p)
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
            w.Write(Outbox.Count);
            foreach (OutboxEntry e in Outbox)
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
            }
        }

        return stream.ToArray();
    }

    public static OrchestrationState Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data.ToArray()), Encoding.UTF8);
            if (data.Length < 4 || r.ReadUInt32() != Magic)
            {
                throw new FormatException(OrchestrationMessages.StateFormat);
            }

            var state = new OrchestrationState(JourneyInstance.Deserialize(r.ReadBytes(Count(r.ReadInt32()))))
            {
                AppliedHash = r.ReadUInt64(),
                AppliedAtLast = r.ReadInt32(),
            };
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
                state.Outbox.Add(new OutboxEntry(intervention, attempts, next));
            }

            return state;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException(OrchestrationMessages.StateTruncated, e);
        }
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

    private static int Count(int n) => n is >= 0 and <= 10_000_000 ? n : throw new FormatException(OrchestrationMessages.StateTruncated);
}

/// <summary>An order-sensitive 64-bit FNV-1a fingerprint of applied events (stable across processes).</summary>
internal static class EventFingerprint
{
    public const ulong Seed = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Add(ulong hash, Events.JourneyEvent e)
    {
        hash = AddString(hash, e.EventId);
        hash = AddString(hash, e.Touchpoint);
        hash = AddLong(hash, e.TimestampTicks);
        return AddString(hash, e.Channel.IsNone ? null : e.Channel.Name);
    }

    private static ulong AddString(ulong hash, string? s)
    {
        if (s is null)
        {
            return AddLong(hash, -1);
        }

        for (int i = 0; i < s.Length; i++)
        {
            hash = (hash ^ s[i]) * Prime;
        }

        return AddLong(hash, s.Length);
    }

    private static ulong AddLong(ulong hash, long value)
    {
        for (int i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * Prime;
        }

        return hash;
    }
}
