using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Benchmarks;

/// <summary>
/// Deterministic synthetic events for benchmarks: customers walk a funnel-like touchpoint list with noise, ties and
/// repeats. Built once per run, outside the measured region.
/// </summary>
public static class BenchData
{
    public static readonly string[] FunnelSteps = ["web.browse", "cart.add", "checkout.start", "order.placed"];

    public static string[] Touchpoints(int distinct)
    {
        var names = new List<string>(FunnelSteps);
        for (int i = names.Count; i < distinct; i++)
        {
            names.Add("tp." + i);
        }

        return [.. names];
    }

    /// <summary>Generates <paramref name="events"/> events over <paramref name="customers"/> customers.</summary>
    public static (EventBatch Batch, List<JourneyEvent> Events) Generate(int events, int customers, int distinctTouchpoints = 16, ulong seed = 42)
    {
        string[] touchpoints = Touchpoints(distinctTouchpoints);
        Channel[] channels = [Channel.Web, Channel.Mobile, Channel.Email, Channel.ContactCentre];
        var list = new List<JourneyEvent>(events);
        var builder = new EventBatchBuilder();
        ulong state = seed;
        int perCustomer = Math.Max(1, events / customers);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int c = 0; c < customers && list.Count < events; c++)
        {
            string customer = "cust-" + c;
            long t = start.UtcTicks + (long)(Next(ref state) % (30UL * TimeSpan.TicksPerDay));
            int step = 0;
            for (int i = 0; i < perCustomer && list.Count < events; i++)
            {
                ulong r = Next(ref state);
                string tp;
                if (r % 10 < 6)
                {
                    tp = FunnelSteps[Math.Min(step, FunnelSteps.Length - 1)];
                    if (r % 3 != 0)
                    {
                        step = (step + 1) % (FunnelSteps.Length + 1);
                    }
                }
                else
                {
                    tp = touchpoints[(int)((r >> 8) % (ulong)touchpoints.Length)];
                }

                t += (r >> 20) % 4 == 0 ? 0 : (long)((r >> 24) % (6UL * TimeSpan.TicksPerHour));
                var e = new JourneyEvent(customer, tp, new DateTimeOffset(t, TimeSpan.Zero), channels[(int)((r >> 40) % (ulong)channels.Length)]);
                list.Add(e);
                builder.Add(e);
            }
        }

        return (builder.Build(), list);
    }

    private static ulong Next(ref ulong state)
    {
        // SplitMix64: stable across .NET versions.
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
