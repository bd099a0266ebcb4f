using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>
/// The check the pattern properties share: on a generated pattern and history, the automaton — batch, parallel (the
/// threshold lowered so small batches take the chunked path), streaming, and streaming resumed from its serialized
/// state half-way — agrees with the set-based <see cref="PatternReference"/>. Throws with the details on a
/// disagreement (FsCheck then shrinks the case); a pattern the compiler refuses for <paramref name="refused"/> passes.
/// </summary>
internal static class PatternAgreement
{
    public static bool Check(PatternCase pattern, History history, Func<PatternSyntaxException, bool> refused, PatternOptions? options = null)
    {
        options ??= new PatternOptions();
        string text = pattern.Text;
        CompiledPattern compiled;
        try
        {
            compiled = CompiledPattern.Compile(text, options);
        }
        catch (PatternSyntaxException e) when (refused(e))
        {
            return true;
        }

        PatternTree tree = PatternParser.Parse(text, options);
        EventBatch batch = history.Batch();
        PatternMatch[] results = compiled.Evaluate(batch);
        PatternMatch[] parallel = ParallelPath.Run(() => compiled.Evaluate(batch, ParallelPath.Degree));

        for (int run = 0; run < batch.CustomerCount; run++)
        {
            List<JourneyEvent> own = History.EventsOf(batch, run);
            PatternMatch expected = PatternReference.Match(tree, own);
            PatternState state = compiled.CreateState();
            PatternState resumed = compiled.CreateState();
            for (int i = 0; i < own.Count; i++)
            {
                compiled.Advance(state, own[i]);
                if (i == own.Count / 2)
                {
                    var bytes = new byte[resumed.SerializedSize];
                    resumed.WriteTo(bytes);
                    resumed = PatternState.ReadFrom(bytes);
                }

                compiled.Advance(resumed, own[i]);
            }

            PatternMatch streamed = compiled.GetResult(state), fromBytes = compiled.GetResult(resumed);
            if (results[run] != expected || parallel[run] != expected || streamed != expected || fromBytes != expected)
            {
                throw new Xunit.Sdk.XunitException(
                    $"pattern '{text}' ({compiled.StateCount} states) customer {run}: reference {expected}, batch {results[run]}, parallel {parallel[run]}, streaming {streamed}, resumed {fromBytes}; events {string.Join(" ", own.Select(e => e.Touchpoint + "@" + ((e.TimestampTicks - History.T0.UtcTicks) / TimeSpan.TicksPerSecond)))}");
            }
        }

        return true;
    }
}
