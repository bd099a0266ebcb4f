using System.Text;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Fuzz.Targets;

/// <summary>
/// The pattern parser and compiler (<c>CompiledPattern.Compile</c>, as <c>match --pattern</c> and every moment of truth
/// call it). The only error allowed is a <see cref="PatternSyntaxException"/> whose offset lies within the text. A
/// pattern that compiles is run over a small batch made of the names in its text, in batch and streaming form, which
/// must agree, and through a state saved and read back mid-stream.
/// </summary>
internal sealed class PatternTarget : FuzzTarget
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Channel[] Channels = [Channel.None, Channel.Web, Channel.Email, Channel.Mobile];

    public override string Name => "pattern";

    public override string Description => "CompiledPattern.Compile, then batch and streaming evaluation (which must agree)";

    public override IReadOnlyList<byte[]> Tokens { get; } = Utf8(
        "(", ")", "|", "?", "*", "+", "{2}", "{1,3}", "{0,}", "{100000}", "{1,1000}", ".", "^", "$", "[", "]", "[^", "!",
        " within 1h", " within 7d", " within 0s", "{channel=web}", "{channel=web|email}", "{channel=|}", "{value>10}",
        "{value<=-1.5}", "{plan=gold}", "{plan!=gold}", "{plan=}", "cart.add", "order.placed", "payment.failed", "call",
        ",", " ", "  ", "\\", "\"", "'", "1e309", "-", "..", "(?:", ")+", ")*", "((((", "))))");

    public override void Run(ReadOnlySpan<byte> data)
    {
        string text = Encoding.UTF8.GetString(data);
        CompiledPattern pattern;
        try
        {
            pattern = CompiledPattern.Compile(text);
        }
        catch (PatternSyntaxException e)
        {
            Check.That(Enum.IsDefined(e.Error), $"undefined pattern error {e.Error}");
            Check.That(e.Offset >= 0 && e.Offset <= text.Length, $"error offset {e.Offset} outside the text (length {text.Length}): {e.Message}");
            Check.That(!string.IsNullOrEmpty(e.Message), "pattern error without a message");
            return;
        }

        Check.That(pattern.StateCount <= new PatternOptions().MaxStates, $"{pattern.StateCount} states past the limit");
        List<JourneyEvent> events = EventsFor(text);
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            builder.Add(e);
        }

        EventBatch batch = builder.Build();
        PatternMatch[] batchResults = pattern.Evaluate(batch);
        for (int c = 0; c < batch.CustomerCount; c++)
        {
            string customer = batch.Customers[batch.CustomerIds[batch.CustomerStarts[c]]];
            PatternState state = pattern.CreateState();
            int k = 0;
            foreach (JourneyEvent e in events)
            {
                if (e.CustomerId != customer)
                {
                    continue;
                }

                if (k++ == 5)
                {
                    // Saved and read back mid-stream (a stored per-customer state) must go on the same way.
                    var bytes = new byte[state.SerializedSize];
                    Check.That(state.WriteTo(bytes) == bytes.Length, "WriteTo wrote a different size");
                    state = PatternState.ReadFrom(bytes);
                }

                pattern.Advance(state, e);
            }

            PatternMatch streamed = pattern.GetResult(state);
            PatternMatch batched = batchResults[c];
            Check.That(
                streamed.Matched == batched.Matched && streamed.Count == batched.Count && streamed.FirstStartTicks == batched.FirstStartTicks && streamed.FirstEndTicks == batched.FirstEndTicks,
                $"batch {batched} and streaming {streamed} disagree for customer {customer}");
        }
    }

    /// <summary>Two customers, 24 events each, over the names in the pattern text (and one it does not name), with
    /// channels, values, an attribute and some equal timestamps; the same for the same text.</summary>
    private static List<JourneyEvent> EventsFor(string text)
    {
        var names = new List<string>();
        int i = 0;
        while (i < text.Length && names.Count < 8)
        {
            while (i < text.Length && !IsNameChar(text[i]))
            {
                i++;
            }

            int start = i;
            while (i < text.Length && IsNameChar(text[i]))
            {
                i++;
            }

            if (i > start && i - start <= 64)
            {
                string name = text[start..i];
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        names.Add("other");
        uint h = 2166136261;
        foreach (char ch in text)
        {
            h = (h ^ ch) * 16777619;
        }

        var events = new List<JourneyEvent>(48);
        for (int c = 0; c < 2; c++)
        {
            long minutes = 0;
            for (int n = 0; n < 24; n++)
            {
                h = (h * 1103515245) + 12345;
                int pick = (int)((h >> 8) % (uint)names.Count);
                minutes += (h >> 20) % 4 == 0 ? 0 : (long)((h >> 12) % 600);
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["plan"] = (h & 1) == 0 ? "gold" : "basic" };
                events.Add(new JourneyEvent("c" + c, names[pick], T0.AddMinutes(minutes), Channels[(h >> 4) % (uint)Channels.Length])
                {
                    Value = (h >> 6) % 40,
                    Attributes = attributes,
                });
            }
        }

        return events;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':';
}
