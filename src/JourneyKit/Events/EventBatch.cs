using JourneyKit.Events.Internal;
using JourneyKit.Model;

namespace JourneyKit.Events;

/// <summary>
/// A columnar, immutable batch of journey events sorted by (customer, timestamp) with a stable sort, so events with
/// equal timestamps keep their input order. Built by <see cref="EventBatchBuilder"/>.
/// </summary>
/// <remarks>
/// <para>Strings are interned to ints through <see cref="SymbolTable"/>s: <see cref="CustomerIds"/>,
/// <see cref="TouchpointIds"/> and <see cref="ChannelIds"/> hold ids into <see cref="Customers"/>,
/// <see cref="Touchpoints"/> and <see cref="Channels"/>. The core columns take 20 bytes per event.</para>
/// <para>Customers appear in the order of their ids (the order they were first added to the symbol table); the events of
/// customer run <c>r</c> are the rows <c>CustomerStarts[r] .. CustomerStarts[r + 1] - 1</c>.</para>
/// <para>The symbol tables are read-only (<see cref="SymbolTable.IsReadOnly"/>) unless the caller gave the builder a
/// writable table to share; a builder given a batch's read-only table interns into a copy, so the batch never
/// changes.</para>
/// <threadsafety>An <see cref="EventBatch"/> is immutable and safe to read from many threads, as long as a writable
/// symbol table it shares with a builder is not written to concurrently.</threadsafety>
/// </remarks>
public sealed class EventBatch
{
    private readonly int[] _customerIds;
    private readonly int[] _touchpointIds;
    private readonly long[] _timestampTicks;
    private readonly int[] _channelIds;
    private readonly double[]? _values;
    private readonly EventIds? _eventIds;
    private readonly int[] _customerStarts;
    private readonly EventAttributes _attributes;
    private readonly int _count;
    private (long Min, long Max)? _range;

    /// <summary>A batch of the first <paramref name="count"/> rows of the columns (the arrays may be longer: the builder's own, not copied).</summary>
    internal EventBatch(
        int count,
        int[] customerIds,
        int[] touchpointIds,
        long[] timestampTicks,
        int[] channelIds,
        double[]? values,
        EventIds? eventIds,
        int[] customerStarts,
        EventAttributes attributes,
        SymbolTable customers,
        SymbolTable touchpoints,
        SymbolTable channels,
        SymbolTable attributeKeys,
        SymbolTable attributeValues)
    {
        _count = count;
        _customerIds = customerIds;
        _touchpointIds = touchpointIds;
        _timestampTicks = timestampTicks;
        _channelIds = channelIds;
        _values = values;
        _eventIds = eventIds;
        _customerStarts = customerStarts;
        _attributes = attributes;
        Customers = customers;
        Touchpoints = touchpoints;
        Channels = channels;
        AttributeKeys = attributeKeys;
        AttributeValues = attributeValues;
    }

    /// <summary>Gets the earliest event timestamp in the batch, or null when it is empty.</summary>
    public DateTimeOffset? EarliestTimestamp => Count == 0 ? null : new DateTimeOffset(TimestampRange().Min, TimeSpan.Zero);

    /// <summary>
    /// Gets the latest event timestamp in the batch, or null when it is empty: the default as-of instant of every analysis
    /// ("as of the latest event in the data").
    /// </summary>
    public DateTimeOffset? LatestTimestamp => Count == 0 ? null : new DateTimeOffset(TimestampRange().Max, TimeSpan.Zero);

    /// <summary>Gets an empty batch with empty symbol tables.</summary>
    public static EventBatch Empty { get; } = new EventBatchBuilder().Build();

    /// <summary>Gets the number of events.</summary>
    public int Count => _count;

    /// <summary>Gets the number of distinct customers (customer runs).</summary>
    public int CustomerCount => _customerStarts.Length - 1;

    /// <summary>Gets the customer id symbols.</summary>
    public SymbolTable Customers { get; }

    /// <summary>Gets the touchpoint id symbols.</summary>
    public SymbolTable Touchpoints { get; }

    /// <summary>Gets the channel name symbols (normalized channel names).</summary>
    public SymbolTable Channels { get; }

    /// <summary>Gets the attribute key symbols.</summary>
    public SymbolTable AttributeKeys { get; }

    /// <summary>Gets the attribute value symbols, shared by all attribute keys.</summary>
    public SymbolTable AttributeValues { get; }

    /// <summary>Gets the customer of each event, as an id into <see cref="Customers"/>.</summary>
    public ReadOnlySpan<int> CustomerIds => _customerIds.AsSpan(0, _count);

    /// <summary>Gets the touchpoint of each event, as an id into <see cref="Touchpoints"/>.</summary>
    public ReadOnlySpan<int> TouchpointIds => _touchpointIds.AsSpan(0, _count);

    /// <summary>Gets the UTC timestamp of each event in ticks (<see cref="DateTimeOffset.UtcTicks"/>).</summary>
    public ReadOnlySpan<long> TimestampTicks => _timestampTicks.AsSpan(0, _count);

    /// <summary>Gets the channel of each event, as an id into <see cref="Channels"/>, or -1 when the event has none.</summary>
    public ReadOnlySpan<int> ChannelIds => _channelIds.AsSpan(0, _count);

    /// <summary>Gets a value indicating whether any event carries a numeric value.</summary>
    public bool HasValues => _values is not null;

    /// <summary>Gets the value of each event (<see cref="double.NaN"/> when absent); empty when <see cref="HasValues"/> is false.</summary>
    public ReadOnlySpan<double> Values => _values is null ? default : _values.AsSpan(0, _count);

    /// <summary>Gets a value indicating whether any event carries an event id.</summary>
    public bool HasEventIds => _eventIds is not null;

    /// <summary>Gets the event id of each event (null when absent); empty when <see cref="HasEventIds"/> is false.</summary>
    public ReadOnlySpan<string?> EventIds => _eventIds?.Strings; // made on first use: a funnel never pays for them

    /// <summary>
    /// Gets the start row of each customer run and, last, <see cref="Count"/>: <see cref="CustomerCount"/> + 1 entries.
    /// </summary>
    public ReadOnlySpan<int> CustomerStarts => _customerStarts;

    /// <summary>Gets the customer id symbol of customer run <paramref name="run"/>.</summary>
    /// <param name="run">The run index, from 0 to <see cref="CustomerCount"/> - 1.</param>
    /// <returns>The id into <see cref="Customers"/>.</returns>
    public int CustomerOfRun(int run) => _customerIds[_customerStarts[run]];

    /// <summary>Gets the column of an attribute: for each event, an id into <see cref="AttributeValues"/>, or -1 when absent.</summary>
    /// <remarks>Attributes are stored sparsely: a key on at least one event in eight is a ready column; the column of a
    /// rarer key is made (4 bytes per event) when first asked for and kept, so ask only for keys you use.</remarks>
    /// <param name="key">The attribute key.</param>
    /// <param name="valueIds">The column; empty when the key never occurs.</param>
    /// <returns><see langword="true"/> when some event has the attribute.</returns>
    public bool TryGetAttributeColumn(string key, out ReadOnlySpan<int> valueIds)
    {
        if (AttributeKeys.TryGetId(key, out int keyId) && _attributes.Column(keyId, Count) is { } column)
        {
            valueIds = column;
            return true;
        }

        valueIds = default;
        return false;
    }

    internal EventAttributes Attributes => _attributes;

    /// <summary>The event id of <paramref name="row"/> without making a string (empty when absent).</summary>
    internal ReadOnlySpan<char> EventIdOf(int row) => _eventIds is null ? default : _eventIds.Of(row);

    /// <summary><see cref="TryGetAttributeColumn"/>'s column as the array itself, or null when no event has the key.</summary>
    internal int[]? AttributeColumn(string key) =>
        AttributeKeys.TryGetId(key, out int keyId) ? _attributes.Column(keyId, Count) : null;

    /// <summary>Materializes event <paramref name="row"/> as a <see cref="JourneyEvent"/> (allocates; not for hot paths).</summary>
    /// <param name="row">The row, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The event.</returns>
    public JourneyEvent GetEvent(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        int channel = _channelIds[row];
        var collected = (Batch: this, Attributes: (Dictionary<string, string>?)null);
        _attributes.ForEach(row, ref collected, static (ref (EventBatch Batch, Dictionary<string, string>? Attributes) state, int keyId, int valueId) =>
            (state.Attributes ??= new Dictionary<string, string>(StringComparer.Ordinal))[state.Batch.AttributeKeys[keyId]] = state.Batch.AttributeValues[valueId]);
        Dictionary<string, string>? attributes = collected.Attributes;

        double value0 = _values is null ? double.NaN : _values[row];
        return new JourneyEvent(
            Customers[_customerIds[row]],
            Touchpoints[_touchpointIds[row]],
            new DateTimeOffset(_timestampTicks[row], TimeSpan.Zero),
            channel < 0 ? Channel.None : new Channel(Channels[channel]))
        {
            EventId = _eventIds?.Strings[row],
            Value = double.IsNaN(value0) ? null : value0,
            Attributes = attributes,
        };
    }

    private (long Min, long Max) TimestampRange()
    {
        if (_range is { } cached)
        {
            return cached;
        }

        long min = long.MaxValue, max = long.MinValue;
        foreach (long t in TimestampTicks)
        {
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }

        _range = (min, max); // immutable data: a race only computes the same value twice
        return (min, max);
    }

    /// <summary>Gets a batch with only the events of the given customers (a cohort filter; this batch when all its customers are in the set).</summary>
    /// <param name="customers">The customer ids to keep.</param>
    /// <returns>The filtered batch.</returns>
    public EventBatch ForCustomers(IReadOnlySet<string> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var keep = new bool[Customers.Count];
        bool all = true;
        for (int c = 0; c < keep.Length; c++)
        {
            keep[c] = customers.Contains(Customers[c]);
            all &= keep[c];
        }

        if (all)
        {
            return this;
        }

        var builder = new EventBatchBuilder();
        for (int i = 0; i < _count; i++)
        {
            if (keep[_customerIds[i]])
            {
                builder.Add(GetEvent(i));
            }
        }

        return builder.Build();
    }

    /// <summary>Gets a batch with only the events at or before <paramref name="instant"/> (this batch when there are none after it).</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The batch as it stood at <paramref name="instant"/>.</returns>
    public EventBatch Until(DateTimeOffset instant)
    {
        long limit = instant.UtcTicks;
        ReadOnlySpan<long> ticks = TimestampTicks;
        int keep = 0;
        for (int i = 0; i < ticks.Length; i++)
        {
            keep += ticks[i] <= limit ? 1 : 0;
        }

        if (keep == ticks.Length)
        {
            return this;
        }

        var builder = new EventBatchBuilder { Limits = EventLimits.Unbounded }; // already accepted
        for (int i = 0; i < ticks.Length; i++)
        {
            if (ticks[i] <= limit)
            {
                builder.Add(GetEvent(i));
            }
        }

        return builder.Build();
    }
}
