using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;
using JourneyKit.Matching.Pattern;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Events;

public sealed class SymbolTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MakeReadOnly_GetOrAddThrowsEvenForKnownSymbols_LookupsStillWork()
    {
        var table = new SymbolTable(["a", "b"]);
        Assert.False(table.IsReadOnly);
        table.MakeReadOnly();
        table.MakeReadOnly(); // idempotent

        Assert.True(table.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => table.GetOrAdd("c"));
        Assert.Throws<InvalidOperationException>(() => table.GetOrAdd("a")); // not data-dependent
        Assert.Throws<InvalidOperationException>(() => table.GetOrAdd("c".AsSpan()));
        Assert.True(table.TryGetId("b".AsSpan(), out int b));
        Assert.Equal((1, "b", 2), (b, table[1], table.Count));
    }

    /// <summary>
    /// Symbols interned through any mix of the ASCII-bytes path (the readers') and the string and span paths get the ids
    /// of a reference list (first occurrence order); afterwards every member sees every symbol, the strings are the
    /// symbols, and a table made read-only still finds them. Symbols share prefixes and lengths so hashes and probes meet.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property GetOrAddAscii_MixedWithOtherPaths_SameIdsAsReference() => Prop.ForAll(
        Small.ArrayOf(
            from symbol in Gen.Choose(0, 40)
            from path in Gen.Choose(0, 2) // 0: ASCII bytes, 1: span, 2: string
            select (symbol, path),
            0,
            120),
        steps =>
    {
        static string Name(int symbol) => symbol % 7 == 0 ? "é" + symbol : "c" + new string('0', symbol % 5) + symbol; // a few not ASCII
        var table = new SymbolTable();
        var reference = new List<string>();
        foreach ((int symbol, int path) in steps)
        {
            string name = Name(symbol);
            int expected = reference.IndexOf(name);
            if (expected < 0)
            {
                expected = reference.Count;
                reference.Add(name);
            }

            bool ascii = path == 0 && System.Text.Ascii.IsValid(name);
            byte[] bytes = Encoding.ASCII.GetBytes(name);
            int id = ascii ? table.GetOrAddAscii(bytes, SymbolTable.AsciiHash(bytes)) : path == 1 ? table.GetOrAdd(name.AsSpan()) : table.GetOrAdd(name);
            if (id != expected)
            {
                return false.Label($"{name} by path {path}: id {id}, expected {expected}");
            }
        }

        bool found = reference.Select((name, i) => table.TryGetId(name, out int id) && id == i && table.TryGetId(name.AsSpan(), out int spanId) && spanId == i && table[i] == name).All(x => x);
        table.MakeReadOnly();
        bool stillFound = reference.Select((name, i) => table.TryGetId(name, out int id) && id == i).All(x => x);
        return (table.Count == reference.Count && found && stillFound).Label($"count {table.Count} of {reference.Count}, found {found}, after read-only {stillFound}");
    });

    [Fact]
    public void GetOrAddAscii_OnReadOnlyTable_Throws()
    {
        var table = new SymbolTable(["a"]);
        table.MakeReadOnly();
        byte[] a = "a"u8.ToArray();
        Assert.Throws<InvalidOperationException>(() => table.GetOrAddAscii(a, SymbolTable.AsciiHash(a)));
    }

    /// <summary>Symbols added by bytes only are looked up from several threads at once: the first lookups index them, each sees them all.</summary>
    [Fact]
    public void TryGetId_Concurrently_AfterAsciiAdds_FindsEverySymbol()
    {
        var table = new SymbolTable();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = Encoding.ASCII.GetBytes("c" + i);
            Assert.Equal(i, table.GetOrAddAscii(bytes, SymbolTable.AsciiHash(bytes)));
        }

        table.MakeReadOnly();
        int misses = 0;
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                if (!table.TryGetId("c" + i, out int id) || id != i)
                {
                    Interlocked.Increment(ref misses);
                }
            }
        });
        Assert.Equal(0, misses);
    }

    [Fact]
    public void Builder_GivenAReadOnlyTable_InternsIntoACopyWithTheSameIds()
    {
        var catalog = new SymbolTable(["y", "x"]);
        catalog.MakeReadOnly();
        var builder = new EventBatchBuilder(catalog);
        builder.Add(new JourneyEvent("c", "new", T0));
        builder.Add(new JourneyEvent("c", "x", T0.AddSeconds(1)));
        EventBatch batch = builder.Build();

        // x keeps id 1 (no re-mapping against the catalog), "new" gets the next id, the catalog is untouched.
        Assert.Equal([2, 1], batch.TouchpointIds.ToArray());
        Assert.Equal(["y", "x", "new"], batch.Touchpoints.ToList());
        Assert.Equal(["y", "x"], catalog.ToList());
        Assert.NotSame(catalog, batch.Touchpoints);
    }

    [Fact]
    public void Build_MakesTheTablesItCreatedReadOnly_CallerTablesStayShared()
    {
        var customers = new SymbolTable();
        var builder = new EventBatchBuilder(null, customers);
        builder.Add(new JourneyEvent("c", "t", T0, Channel.Web) { Attributes = new Dictionary<string, string> { ["plan"] = "gold" } });
        EventBatch batch = builder.Build();

        Assert.All([batch.Touchpoints, batch.Channels, batch.AttributeKeys, batch.AttributeValues], t => Assert.True(t.IsReadOnly));
        Assert.Same(customers, batch.Customers);
        Assert.False(customers.IsReadOnly); // given by the caller to share: still writable
        Assert.Throws<InvalidOperationException>(() => builder.SetAttribute("k", "v"));

        // A second batch built against the first one's tables leaves the first one as it was.
        var next = new EventBatchBuilder(batch.Touchpoints, channels: batch.Channels);
        next.Add(new JourneyEvent("d", "u", T0, Channel.Email));
        next.Add(new JourneyEvent("d", "t", T0, Channel.Web));
        EventBatch second = next.Build();
        Assert.Equal((1, 1), (batch.Touchpoints.Count, batch.Channels.Count));
        Assert.Equal(["t", "u"], second.Touchpoints.ToList());
        Assert.Equal([1, 0], second.TouchpointIds.ToArray()); // t keeps the id it has in the first batch
    }

    /// <summary>Compiled journeys, funnels and patterns hold read-only tables (issue 14).</summary>
    [Fact]
    public void CompiledTables_AreReadOnly_Issue14()
    {
        CompiledJourney journey = new JourneyBuilder("j")
            .Stage("s", s => s.Touchpoints("a").StandardTime(TimeSpan.FromDays(1)))
            .Stage("g", s => s.Touchpoints("b").Goal())
            .Build()
            .Compile();
        WindowFunnel funnel = WindowFunnel.Create(["a", "b"], TimeSpan.FromHours(1));
        CompiledPattern pattern = CompiledPattern.Compile("a b{channel=web}");

        Assert.True(journey.Touchpoints.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => journey.Touchpoints.GetOrAdd("c"));
        Assert.All([funnel.Touchpoints, funnel.Channels, pattern.Touchpoints, pattern.Channels], t => Assert.True(t.IsReadOnly));
    }
}
