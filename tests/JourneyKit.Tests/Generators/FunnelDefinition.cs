using FsCheck;
using FsCheck.Fluent;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Generators;

/// <summary>A generated funnel step: a touchpoint of <see cref="History.Letters"/>, optionally a second one (a set), and
/// optional predicates (channel web, value &gt; 1).</summary>
public sealed record FunnelStepDefinition(int Touchpoint, int Second, bool Web, bool ValueAbove1)
{
    public EventCondition ToCondition()
    {
        EventCondition c = Second >= 0
            ? EventCondition.Touchpoints(History.Letters[Touchpoint], History.Letters[Second])
            : EventCondition.Touchpoint(History.Letters[Touchpoint]);
        c = Web ? c.WithChannels(Channel.Web) : c;
        return ValueAbove1 ? c.WithValue(ValueComparison.Greater, 1) : c;
    }

    public override string ToString() =>
        History.Letters[Touchpoint] + (Second >= 0 ? "|" + History.Letters[Second] : string.Empty) + (Web ? "{web}" : string.Empty) + (ValueAbove1 ? "{v>1}" : string.Empty);
}

/// <summary>A generated window funnel: 1–4 steps, a ClickHouse mode combination and a window in seconds.</summary>
public sealed record FunnelDefinition(FunnelStepDefinition[] Steps, WindowFunnelMode Mode, int WindowSeconds)
{
    /// <summary>Every valid mode combination (allow_reentry only with strict_order).</summary>
    public static readonly WindowFunnelMode[] Modes =
    [
        WindowFunnelMode.None,
        WindowFunnelMode.StrictOrder,
        WindowFunnelMode.StrictDeduplication,
        WindowFunnelMode.StrictIncrease,
        WindowFunnelMode.StrictOrder | WindowFunnelMode.AllowReentry,
        WindowFunnelMode.StrictOrder | WindowFunnelMode.StrictDeduplication,
        WindowFunnelMode.StrictOrder | WindowFunnelMode.StrictIncrease | WindowFunnelMode.AllowReentry,
        WindowFunnelMode.StrictDeduplication | WindowFunnelMode.StrictIncrease,
    ];

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    public EventCondition[] Conditions() => [.. Steps.Select(s => s.ToCondition())];

    public WindowFunnel Create() => WindowFunnel.Create(Conditions(), new WindowFunnelOptions { Window = Window, Mode = Mode });

    public override string ToString() => $"steps {string.Join(",", Steps.Select(s => s.ToString()))} mode {Mode} window {WindowSeconds}s";
}

/// <summary>FsCheck generators and shrinkers of <see cref="FunnelDefinition"/>.</summary>
public static class FunnelDefinitions
{
    /// <summary>Funnels over the first <paramref name="touchpoints"/> letters.</summary>
    public static Arbitrary<FunnelDefinition> Of(int touchpoints = 4, int maxSteps = 4) => Arb.From(Generate(touchpoints, maxSteps), Shrink);

    public static Gen<FunnelDefinition> Generate(int touchpoints, int maxSteps) =>
        from count in Gen.Choose(1, maxSteps)
        from steps in Step(touchpoints).ArrayOf(count)
        from mode in Gen.Elements(FunnelDefinition.Modes)
        from window in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 20)))
        select new FunnelDefinition(steps, mode, window);

    private static Gen<FunnelStepDefinition> Step(int touchpoints) =>
        from t in Gen.Choose(0, touchpoints - 1)
        from second in Gen.Frequency((4, Gen.Constant(-1)), (1, Gen.Choose(0, touchpoints - 1)))
        from web in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from value in Gen.Frequency((7, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new FunnelStepDefinition(t, second, web, value);

    /// <summary>Fewer steps, the default mode, a smaller window, then simpler steps.</summary>
    public static IEnumerable<FunnelDefinition> Shrink(FunnelDefinition f)
    {
        for (int i = 0; f.Steps.Length > 1 && i < f.Steps.Length; i++)
        {
            yield return f with { Steps = [.. f.Steps[..i], .. f.Steps[(i + 1)..]] };
        }

        if (f.Mode != WindowFunnelMode.None)
        {
            yield return f with { Mode = WindowFunnelMode.None };
            foreach (WindowFunnelMode fewer in FunnelDefinition.Modes)
            {
                if (fewer != f.Mode && fewer != WindowFunnelMode.None && (fewer & f.Mode) == fewer)
                {
                    yield return f with { Mode = fewer };
                }
            }
        }

        if (f.WindowSeconds > 1)
        {
            yield return f with { WindowSeconds = f.WindowSeconds / 2 };
            yield return f with { WindowSeconds = f.WindowSeconds - 1 };
        }

        for (int i = 0; i < f.Steps.Length; i++)
        {
            FunnelStepDefinition s = f.Steps[i];
            foreach (FunnelStepDefinition smaller in new[]
            {
                s.Second >= 0 ? s with { Second = -1 } : null,
                s.Second >= 0 ? s with { Touchpoint = s.Second, Second = -1 } : null,
                s.Web ? s with { Web = false } : null,
                s.ValueAbove1 ? s with { ValueAbove1 = false } : null,
                s.Touchpoint != 0 ? s with { Touchpoint = 0 } : null,
                s.Touchpoint > 1 ? s with { Touchpoint = s.Touchpoint - 1 } : null,
            }.OfType<FunnelStepDefinition>())
            {
                FunnelStepDefinition[] copy = [.. f.Steps];
                copy[i] = smaller;
                yield return f with { Steps = copy };
            }
        }
    }
}
