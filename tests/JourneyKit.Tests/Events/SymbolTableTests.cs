using JourneyKit.Events;
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
