using JourneyKit.Events;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>The serialized <see cref="PatternState"/>: golden bytes of format 1 (plain, up to and past 64 automaton states)
/// and format 2 (timed, with a pending absence), read back and continued like a state that never left memory.</summary>
public sealed class PatternStateFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string> Cases => new()
    {
        // fixture, pattern, events (touchpoint@seconds) before the state is saved
        { "pattern-state-v1.hex", "a .* b", "a@0 x@1 b@2 a@3" },
        { "pattern-state-v1-large.hex", "(a b | a a b){14}", "a@0 b@1 a@2 a@3 b@4 a@5" },
        { "pattern-state-v2.hex", "a ~~(..1h) b !(c within 30m)", "a@0 b@600" },
    };

    private static List<JourneyEvent> Events(string events) =>
        [.. events.Split(' ').Select(e => e.Split('@')).Select(p => new JourneyEvent("c", p[0], T0.AddSeconds(int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))))];

    private static byte[] Bytes(PatternState state)
    {
        var bytes = new byte[state.SerializedSize];
        Assert.Equal(bytes.Length, state.WriteTo(bytes));
        return bytes;
    }

    private static PatternState Saved(CompiledPattern pattern, string events)
    {
        PatternState state = pattern.CreateState();
        Events(events).ForEach(e => pattern.Advance(state, e));
        return state;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteTo_Scenario_IsTheGoldenBytes(string fixture, string text, string events) =>
        GoldenBytes.AssertEqual(Path.Combine("Matching", "Pattern", "Fixtures", fixture), Bytes(Saved(CompiledPattern.Compile(text), events)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReadFrom_Golden_RoundTripsAndContinuesLikeTheLiveState(string fixture, string text, string events)
    {
        byte[] golden = GoldenBytes.Read(Path.Combine("Matching", "Pattern", "Fixtures", fixture));
        CompiledPattern pattern = CompiledPattern.Compile(text);
        PatternState read = PatternState.ReadFrom(golden), live = Saved(pattern, events);
        Assert.Equal(golden, Bytes(read));
        Assert.Equal(pattern.GetResult(live), pattern.GetResult(read));
        Assert.Equal(pattern.NextDeadline(live), pattern.NextDeadline(read));
        foreach (JourneyEvent next in Events("b@900 a@1000 b@1001"))
        {
            pattern.Advance(live, next);
            pattern.Advance(read, next);
            Assert.Equal(pattern.GetResult(live, next.Timestamp.AddHours(1)), pattern.GetResult(read, next.Timestamp.AddHours(1)));
            Assert.Equal(Bytes(live), Bytes(read));
        }
    }

    [Fact]
    public void Golden_HeaderAndSizes_AsDocumented()
    {
        // Format 1: a 45-byte header, then per automaton state its latest start (8 bytes) and start index (4 bytes):
        // "a .* b" has 3 states → 45 + 36 = 81 bytes; "(a b | a a b){14}" has 5 × 14 = 70 states → 45 + 840 = 885.
        byte[] plain = GoldenBytes.Read(Path.Combine("Matching", "Pattern", "Fixtures", "pattern-state-v1.hex"));
        byte[] large = GoldenBytes.Read(Path.Combine("Matching", "Pattern", "Fixtures", "pattern-state-v1-large.hex"));
        byte[] timed = GoldenBytes.Read(Path.Combine("Matching", "Pattern", "Fixtures", "pattern-state-v2.hex"));
        Assert.Equal((1, 81), (plain[0], plain.Length));
        Assert.Equal((1, 885), (large[0], large.Length));
        Assert.Equal(70, CompiledPattern.Compile("(a b | a a b){14}").StateCount);
        Assert.Equal(2, timed[0]);

        // The timed state waits for the absence: b at 10 min completes "a ~~(..1h) b", no c until 10 + 30 = 40 min.
        CompiledPattern absence = CompiledPattern.Compile("a ~~(..1h) b !(c within 30m)");
        PatternState read = PatternState.ReadFrom(timed);
        Assert.Equal(T0.AddMinutes(40), absence.NextDeadline(read));
        Assert.False(absence.GetResult(read, T0.AddMinutes(39)).Matched);
        Assert.True(absence.GetResult(read, T0.AddMinutes(40)).Matched);
    }

    [Theory]
    [InlineData(new byte[] { 3 })]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[0])]
    public void ReadFrom_NotAKnownFormat_ThrowsFormatException(byte[] data) =>
        Assert.Throws<FormatException>(() => PatternState.ReadFrom(data));
}
