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

    /// <summary>The attribute <see cref="Generate"/> sets with <c>orders: true</c>.</summary>
    public const string OrderKey = "order_id";

    /// <summary>Generates <paramref name="events"/> events over <paramref name="customers"/> customers.</summary>
    /// <param name="events">The number of events.</param>
    /// <param name="customers">The number of customers.</param>
    /// <param name="distinctTouchpoints">The number of touchpoints (the four funnel steps first).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="orders">Whether <c>cart.add</c>, <c>checkout.start</c> and <c>order.placed</c> carry an
    /// <see cref="OrderKey"/> attribute in the batch (not in the list): three orders per customer; half of the customers
    /// keep their first order, the others switch to another one at a third of their <c>cart.add</c> events. The orders
    /// come from a second random stream, so the events are the same with and without them.</param>
    public static (EventBatch Batch, List<JourneyEvent> Events) Generate(int events, int customers, int distinctTouchpoints = 16, ulong seed = 42, bool orders = false)
    {
        string[] touchpoints = Touchpoints(distinctTouchpoints);
        Channel[] channels = [Channel.Web, Channel.Mobile, Channel.Email, Channel.ContactCentre];
        var list = new List<JourneyEvent>(events);
        var builder = new EventBatchBuilder();
        ulong state = seed;
        int perCustomer = Math.Max(1, events / customers);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        ulong orderState = seed ^ 0x0DDBA11UL;
        Span<char> orderId = stackalloc char[24];
        for (int c = 0; c < customers && list.Count < events; c++)
        {
            string customer = "cust-" + c;
            long t = start.UtcTicks + (long)(Next(ref state) % (30UL * TimeSpan.TicksPerDay));
            int step = 0;
            int order = 0;
            bool switches = orders && Next(ref orderState) % 2 == 0;
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
                if (orders && tp is "cart.add" or "checkout.start" or "order.placed")
                {
                    if (switches && tp == "cart.add" && Next(ref orderState) % 3 == 0)
                    {
                        order = (order + 1 + (int)(Next(ref orderState) % 2)) % 3;
                    }

                    orderId[0] = 'o';
                    ((long)c * 3 + order).TryFormat(orderId[1..], out int written, default, System.Globalization.CultureInfo.InvariantCulture);
                    builder.SetAttribute(OrderKey, orderId[..(1 + written)]);
                }
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
