using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching.WindowFunnel;

// Inside the namespace, so that WindowFunnel names the type rather than this test namespace.
using JourneyKit.Matching.WindowFunnel;

/// <summary>The serialized <see cref="WindowFunnelState"/>: golden bytes of format 1 (plain), 2 (step constraints) and 3
/// (a held attribute), read back and continued like a state that never left memory.</summary>
public sealed class WindowFunnelStateFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static WindowFunnel Funnel(string kind) => WindowFunnel.Create(
        [EventCondition.Touchpoint("a"), EventCondition.Touchpoint("b"), EventCondition.Touchpoint("c")],
        new WindowFunnelOptions
        {
            Window = TimeSpan.FromHours(1),
            StepConstraints = kind == "constrained" ? [new FunnelStepConstraint(3, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10))] : [],
            HoldAttribute = kind == "held" ? "order_id" : null,
        });

    public static TheoryData<string, string> Cases => new()
    {
        { "window-funnel-state-v1.hex", "plain" },
        { "window-funnel-state-v2.hex", "constrained" },
        { "window-funnel-state-v3.hex", "held" },
    };

    /// <summary>a(A)@0 b(A)@10 a(B)@20: level 2 (order A), B at step 1.</summary>
    private static readonly JourneyEvent[] Before = [E("a", 0, "A"), E("b", 10, "A"), E("a", 20, "B")];

    private static JourneyEvent E(string touchpoint, int seconds, string order) =>
        new("c", touchpoint, T0.AddSeconds(seconds)) { Attributes = new Dictionary<string, string> { ["order_id"] = order } };

    private static byte[] Bytes(WindowFunnelState state)
    {
        var bytes = new byte[state.SerializedSize];
        Assert.Equal(bytes.Length, state.WriteTo(bytes));
        return bytes;
    }

    private static WindowFunnelState Saved(WindowFunnel funnel)
    {
        WindowFunnelState state = funnel.CreateState();
        foreach (JourneyEvent e in Before)
        {
            funnel.Advance(state, e);
        }

        return state;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteTo_Scenario_IsTheGoldenBytes(string fixture, string kind) =>
        GoldenBytes.AssertEqual(Path.Combine("Matching", "WindowFunnel", "Fixtures", fixture), Bytes(Saved(Funnel(kind))));

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReadFrom_Golden_RoundTripsAndContinuesLikeTheLiveState(string fixture, string kind)
    {
        byte[] golden = GoldenBytes.Read(Path.Combine("Matching", "WindowFunnel", "Fixtures", fixture));
        WindowFunnel funnel = Funnel(kind);
        WindowFunnelState read = WindowFunnelState.ReadFrom(golden), live = Saved(funnel);
        Assert.Equal(golden, Bytes(read));
        Assert.Equal(2, funnel.GetLevel(read)); // a(A) b(A) within the hour
        foreach (JourneyEvent next in new[] { E("c", 30, "B"), E("b", 40, "B"), E("c", 50, "B") })
        {
            funnel.Advance(live, next);
            funnel.Advance(read, next);
            Assert.Equal(funnel.GetLevel(live), funnel.GetLevel(read));
            Assert.Equal(Bytes(live), Bytes(read));
        }

        // c(B)@30 completes a(A) b(A) c unless the order is held (A's chain needs c of order A); b(B)@40 c(B)@50
        // complete order B: level 3 in every kind (constrained: c 10 s after b, inside 1 s..10 min).
        Assert.Equal(3, funnel.GetLevel(read));
    }

    [Fact]
    public void Golden_HeaderAndSizes_AsDocumented()
    {
        // Byte 0 is the format, byte 1 the number of steps; format 1 is a 48-byte header + 16 bytes per step = 96.
        byte[] plain = GoldenBytes.Read(Path.Combine("Matching", "WindowFunnel", "Fixtures", "window-funnel-state-v1.hex"));
        Assert.Equal((1, 3, 96), (plain[0], plain[1], plain.Length));
        Assert.Equal((2, 3), (GoldenBytes.Read(Path.Combine("Matching", "WindowFunnel", "Fixtures", "window-funnel-state-v2.hex"))[0], GoldenBytes.Read(Path.Combine("Matching", "WindowFunnel", "Fixtures", "window-funnel-state-v2.hex"))[1]));
        Assert.Equal(3, GoldenBytes.Read(Path.Combine("Matching", "WindowFunnel", "Fixtures", "window-funnel-state-v3.hex"))[0]);
    }
}
