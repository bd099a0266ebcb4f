using JourneyKit.Events.Internal;
using JourneyKit.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Collects events in any order and builds an <see cref="EventBatch"/> sorted by (customer, timestamp), de-duplicated
/// by (customer, event id): the first event with a given id for a customer wins; events without an id are never
/// duplicates.
/// </summary>
/// <remarks>
/// <para>An event's identity is the pair (customer id, event id), compared ordinally: two customers may use the same
/// event id (for example exports that each number their events from 1), and their events are different events.</para>
/// <para>The sort is stable: events of one customer with equal timestamps keep the order they were added in.</para>
/// <para>Symbol tables given to the constructor: a writable table is shared — the builder adds new symbols to it, so
/// several builders can agree on ids. A read-only table (<see cref="SymbolTable.IsReadOnly"/>: a compiled journey's, a
/// built batch's) is copied: the builder interns into its own table that starts with the same symbols and ids, so known
/// symbols keep their ids (no re-mapping needed) and the original never changes — building batches against a compiled
/// journey changes no result of it. The tables the builder creates or copies are made read-only by <see cref="Build"/>,
/// so a built batch never changes either.</para>
/// <para>Adding by spans allocates only for strings not seen before. Attributes are stored sparsely: memory grows with
/// the values present (about 8 bytes each while building), not with keys × events, so one event with 100,000 keys costs
/// what its values cost. Everything is bounded by <see cref="Limits"/>.</para>
/// <threadsafety>Not thread-safe.</threadsafety>
/// </remarks>
public sealed class EventBatchBuilder
{
    private readonly bool _ownsCustomers;
    private readonly bool _ownsTouchpoints;
    private readonly bool _ownsChannels;
    private SymbolTable _customers; // these five and the columns are replaced when a customer batch is cut (_split)
    private SymbolTable _touchpoints;
    private SymbolTable _channels;
    private SymbolTable _attributeKeys = new();
    private SymbolTable _attributeValues = new();
    private EventIdColumn _eventIds = new(); // and the (customer, event id) de-duplication
    private CustomerBatchSplitter? _split; // set when reading by customer batches (EventFile.ReadByCustomer)
    private AttributeColumn[] _attributes = []; // indexed by attribute key id (keys are added only here): sparse, per key
    private ColumnBuilder<int> _customerIds;
    private ColumnBuilder<int> _touchpointIds;
    private ColumnBuilder<long> _ticks;
    private ColumnBuilder<int> _channelIds;
    private ColumnBuilder<double> _values;
    private string? _lastCustomerName; // the customer of the event added last: exports group events by customer
    private int _lastCustomer;
    private bool _hasValues;
    private bool _hasEventIds;
    private bool _built;

    /// <summary>Creates a builder with its own symbol tables.</summary>
    public EventBatchBuilder()
        : this(null, null, null)
    {
    }

    /// <summary>
    /// Creates a builder that interns into the given symbol tables: null gives a new table, a read-only table is copied
    /// (same symbols and ids; the original never changes), a writable table is shared and grows.
    /// </summary>
    /// <param name="touchpoints">The touchpoint table, for example a compiled journey's (read-only, so copied).</param>
    /// <param name="customers">The customer table.</param>
    /// <param name="channels">The channel table.</param>
    public EventBatchBuilder(SymbolTable? touchpoints, SymbolTable? customers = null, SymbolTable? channels = null)
    {
        _touchpoints = Intern(touchpoints, out _ownsTouchpoints);
        _customers = Intern(customers, out _ownsCustomers);
        _channels = Intern(channels, out _ownsChannels);
        _customerIds = new ColumnBuilder<int>(0);
        _touchpointIds = new ColumnBuilder<int>(0);
        _ticks = new ColumnBuilder<long>(0);
        _channelIds = new ColumnBuilder<int>(0);
        _values = new ColumnBuilder<double>(0);
    }

    /// <summary>Gets the limits this builder enforces: id, key and value lengths, distinct attribute keys, events.</summary>
    /// <value>The default value is <see cref="EventLimits.Default"/>.</value>
    public EventLimits Limits { get; init; } = EventLimits.Default;

    /// <summary>Gets the number of events added and kept (duplicates excluded).</summary>
    public int Count => _ticks.Count;

    /// <summary>Gets the number of events dropped because an event with the same (customer, event id) was already added.</summary>
    public int DuplicateCount { get; private set; }

    /// <summary>Adds an event.</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <returns><see langword="false"/> when the event was dropped as a duplicate: the same customer already had an event
    /// with this event id.</returns>
    public bool Add(JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        bool added = Add(
            journeyEvent.CustomerId,
            journeyEvent.Touchpoint,
            journeyEvent.TimestampTicks,
            journeyEvent.Channel.Name,
            journeyEvent.EventId,
            journeyEvent.Value ?? double.NaN);
        if (added && journeyEvent.Attributes is { } attributes)
        {
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                SetAttribute(pair.Key, pair.Value);
            }
        }

        return added;
    }

    /// <summary>Adds an event from its parts without allocating for strings already seen.</summary>
    /// <param name="customerId">The customer id; not empty.</param>
    /// <param name="touchpoint">The touchpoint id; not empty.</param>
    /// <param name="timestampTicks">The UTC timestamp in ticks.</param>
    /// <param name="channel">The channel name (normalized: trimmed, lower case) or empty for none.</param>
    /// <param name="eventId">The event id, or empty for none.</param>
    /// <param name="value">The value, or <see cref="double.NaN"/> for none.</param>
    /// <returns><see langword="false"/> when the event was dropped as a duplicate: the same customer already had an event
    /// with this event id.</returns>
    /// <exception cref="ArgumentException">The customer or touchpoint is empty, or the timestamp is out of range.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    /// <exception cref="EventLimitExceededException">An id is longer than <see cref="EventLimits.MaxIdLength"/>, or the
    /// batch already holds <see cref="EventLimits.MaxEvents"/> events; nothing is added.</exception>
    public bool Add(
        ReadOnlySpan<char> customerId,
        ReadOnlySpan<char> touchpoint,
        long timestampTicks,
        ReadOnlySpan<char> channel = default,
        ReadOnlySpan<char> eventId = default,
        double value = double.NaN)
    {
        if (_built)
        {
            throw new InvalidOperationException("The batch was already built; create a new builder.");
        }

        EventArguments.Check(customerId, touchpoint, timestampTicks);

        int maxId = Limits.MaxIdLength;
        if (customerId.Length > maxId || touchpoint.Length > maxId || channel.Length > maxId || eventId.Length > maxId)
        {
            ThrowIdTooLong(customerId.Length, touchpoint.Length, channel.Length, eventId.Length, maxId);
        }

        if (Count >= Limits.MaxEvents)
        {
            // Full: a duplicate is still only dropped; anything else is refused before it touches the symbol tables.
            if (!eventId.IsEmpty && _customers.TryGetId(customerId, out int known) && _eventIds.Contains(known, eventId, _customerIds.Span))
            {
                DuplicateCount++;
                return false;
            }

            ThrowFull();
        }

        // A duplicate's customer is already in the table (the event it repeats added it), so interning first adds nothing
        // for a duplicate.
        int customer;
        if (_lastCustomerName is not null && customerId.SequenceEqual(_lastCustomerName))
        {
            customer = _lastCustomer;
        }
        else
        {
            if (_split is null)
            {
                customer = _customers.GetOrAdd(customerId);
            }
            else if (!_customers.TryGetId(customerId, out customer))
            {
                NewCustomerOfSplit(customerId); // may cut the batch: new tables
                customer = _customers.GetOrAdd(customerId);
            }

            _lastCustomerName = _customers[customer];
            _lastCustomer = customer;
        }

        if (DropsDuplicate(customer, eventId))
        {
            return false;
        }

        AppendInterned(customer, _touchpoints.GetOrAdd(touchpoint), InternChannel(_channels, channel), timestampTicks, eventId, value);
        return true;
    }

    /// <summary>Whether a builder reads by customer batches (<see cref="SplitByCustomer"/>): its tables are replaced at each cut.</summary>
    internal bool IsSplitting => _split is not null;

    /// <summary>Gets the customer table the builder interns into (for a reader that interns elsewhere and maps its ids).</summary>
    internal SymbolTable CustomerTable => _customers;

    /// <summary>Gets the touchpoint table the builder interns into.</summary>
    internal SymbolTable TouchpointTable => _touchpoints;

    /// <summary>Gets the channel table the builder interns into (normalized names, <see cref="InternChannel"/>).</summary>
    internal SymbolTable ChannelTable => _channels;

    /// <summary>
    /// Counts and drops the event when <paramref name="customer"/> (an id of <see cref="CustomerTable"/>) already has
    /// event id <paramref name="eventId"/>: what <see cref="Add(ReadOnlySpan{char}, ReadOnlySpan{char}, long, ReadOnlySpan{char}, ReadOnlySpan{char}, double)"/>
    /// does after interning the customer and before interning anything else.
    /// </summary>
    internal bool DropsDuplicate(int customer, ReadOnlySpan<char> eventId)
    {
        if (!eventId.IsEmpty && _hasEventIds && _eventIds.Contains(customer, eventId, _customerIds.Span))
        {
            DuplicateCount++;
            return true;
        }

        return false;
    }

    /// <summary>Whether an event added so far has an event id (rows are then added one at a time, de-duplicated).</summary>
    internal bool HasEventIds => _hasEventIds;

    /// <summary>
    /// Appends <paramref name="rows"/> events without event ids or attributes at once, for a reader that interned
    /// elsewhere and fills the returned columns with ids of this builder's tables (what <see cref="AppendInterned"/> would
    /// append row by row). Only when <see cref="HasEventIds"/> is false; the caller checked the limits.
    /// </summary>
    /// <param name="rows">The number of events.</param>
    /// <param name="hasValue">Whether any of them has a value: the value column is then filled by the caller, else NaN.</param>
    /// <param name="customers">The customer ids to write.</param>
    /// <param name="touchpoints">The touchpoint ids to write.</param>
    /// <param name="channels">The channel ids to write (-1 for none).</param>
    /// <param name="ticks">The timestamps to write.</param>
    /// <param name="values">The values to write when <paramref name="hasValue"/>, else empty.</param>
    internal void AppendRows(int rows, bool hasValue, out Span<int> customers, out Span<int> touchpoints, out Span<int> channels, out Span<long> ticks, out Span<double> values)
    {
        if (hasValue && !_hasValues)
        {
            _hasValues = true;
            _values.PadTo(Count, double.NaN);
        }

        values = _hasValues ? _values.Extend(rows) : default;
        if (!hasValue)
        {
            values.Fill(double.NaN);
            values = default;
        }

        _lastCustomerName = null; // the caller's last customer is not known here: the next Add looks it up
        customers = _customerIds.Extend(rows);
        touchpoints = _touchpointIds.Extend(rows);
        channels = _channelIds.Extend(rows);
        ticks = _ticks.Extend(rows);
    }

    /// <summary>
    /// Appends an event whose customer, touchpoint and channel are ids of this builder's tables (a chunked reader mapped
    /// them), after <see cref="DropsDuplicate"/> said it is not a duplicate: the rest of <see cref="Add(ReadOnlySpan{char}, ReadOnlySpan{char}, long, ReadOnlySpan{char}, ReadOnlySpan{char}, double)"/>.
    /// The caller checked what Add checks first (lengths, the timestamp's range, <see cref="EventLimits.MaxEvents"/>).
    /// </summary>
    internal void AppendInterned(int customer, int touchpoint, int channel, long timestampTicks, ReadOnlySpan<char> eventId, double value)
    {
        if (customer != _lastCustomer || _lastCustomerName is null)
        {
            _lastCustomerName = _customers[customer];
            _lastCustomer = customer;
        }

        if (!eventId.IsEmpty)
        {
            if (!_hasEventIds)
            {
                _hasEventIds = true;
                _eventIds.PadTo(Count);
            }

            _eventIds.Add(customer, eventId, _customerIds.Span);
        }
        else if (_hasEventIds)
        {
            _eventIds.AddNone();
        }

        if (!double.IsNaN(value) && !_hasValues)
        {
            _hasValues = true;
            _values.PadTo(Count, double.NaN);
        }

        if (_hasValues)
        {
            _values.Add(value);
        }

        _customerIds.Add(customer);
        _touchpointIds.Add(touchpoint);
        _channelIds.Add(channel);
        _ticks.Add(timestampTicks);
    }

    /// <summary>Sets an attribute on the event added last (again for the same key: the last value wins).</summary>
    /// <param name="key">The attribute key.</param>
    /// <param name="value">The attribute value.</param>
    /// <exception cref="InvalidOperationException">No event was added yet, or <see cref="Build"/> was already called.</exception>
    /// <exception cref="EventLimitExceededException">The key or value is longer than <see cref="EventLimits"/> allows, or
    /// the key is new and the batch already has <see cref="EventLimits.MaxDistinctAttributeKeys"/> keys; nothing is set.</exception>
    public void SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        if (_built)
        {
            throw new InvalidOperationException("The batch was already built; create a new builder.");
        }

        if (Count == 0)
        {
            throw new InvalidOperationException("Add an event before setting its attributes.");
        }

        EventLimits limits = Limits;
        if (key.Length > limits.MaxAttributeKeyLength)
        {
            throw new EventLimitExceededException(EventLimit.AttributeKeyLength, limits.MaxAttributeKeyLength, key.Length, "the attribute key");
        }

        if (value.Length > limits.MaxAttributeValueLength)
        {
            throw new EventLimitExceededException(EventLimit.AttributeValueLength, limits.MaxAttributeValueLength, value.Length, "the attribute value");
        }

        if (!_attributeKeys.TryGetId(key, out int keyId))
        {
            if (_attributeKeys.Count >= limits.MaxDistinctAttributeKeys)
            {
                throw new EventLimitExceededException(EventLimit.DistinctAttributeKeys, limits.MaxDistinctAttributeKeys, _attributeKeys.Count + 1L, "the number of distinct attribute keys");
            }

            keyId = _attributeKeys.GetOrAdd(key);
        }

        if (keyId >= _attributes.Length)
        {
            Array.Resize(ref _attributes, Math.Min(Math.Max(4, Math.Max(keyId + 1, _attributes.Length * 2)), Math.Max(keyId + 1, limits.MaxDistinctAttributeKeys)));
        }

        _attributes[keyId].Set(Count - 1, _attributes[keyId].ValueId(value, _attributeValues));
    }

    /// <summary>
    /// Sorts the events by (customer, timestamp), stably, and returns the batch. Call once. The symbol tables the builder
    /// created or copied become read-only; writable tables the caller gave stay writable (and shared).
    /// </summary>
    /// <returns>The batch.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public EventBatch Build() => BuildRanked(null);

    /// <summary>
    /// Builds the batch with the customers' runs in the order of <paramref name="customerRank"/> (a permutation of the
    /// customer ids: <c>rank[id]</c> is the run's place) instead of id order; null for id order. Sorting a file by customer
    /// on disk (<see cref="CustomerSortedEvents"/>) writes a run's customers in the order of their first event in the file.
    /// </summary>
    internal EventBatch BuildRanked(int[]? customerRank)
    {
        if (_built)
        {
            throw new InvalidOperationException("The batch was already built; create a new builder.");
        }

        _built = true;
        MakeOwnTablesReadOnly();
        int n = Count;
        int[]? order;
        int[] customerStarts;
        bool withinRuns;
        if (customerRank is null)
        {
            order = SortOrder(_customerIds.Span, _ticks.Span, _customers.Count, out customerStarts, out withinRuns);
        }
        else
        {
            ReadOnlySpan<int> ids = _customerIds.Span;
            var ranked = new int[n];
            for (int i = 0; i < n; i++)
            {
                ranked[i] = customerRank[ids[i]];
            }

            order = SortOrder(ranked, _ticks.Span, _customers.Count, out customerStarts, out withinRuns);
        }

        EventAttributes attributes = BuildAttributes(order, n);
        EventIds? eventIds = _hasEventIds ? _eventIds.Build(order) : null;
        bool inPlace = order is null || withinRuns;
        if (inPlace && order is not null)
        {
            // Grouped by customer: only the runs out of time order move, within themselves, so the columns are sorted in
            // place and handed over (no copy of every column; customers stay as they are inside a run).
            PermuteRunsInPlace(order, customerStarts);
        }

        int[]? copyOrder = inPlace ? null : order; // null: the columns as they stand
        return new EventBatch(
            n,
            Permute(in _customerIds, copyOrder),
            Permute(in _touchpointIds, copyOrder),
            Permute(in _ticks, copyOrder),
            Permute(in _channelIds, copyOrder),
            _hasValues ? Permute(in _values, copyOrder) : null,
            eventIds,
            customerStarts,
            attributes,
            _customers,
            _touchpoints,
            _channels,
            _attributeKeys,
            _attributeValues);
    }

    /// <summary>Reads by customer batches: <paramref name="split"/> gets every batch cut before a new customer.</summary>
    internal void SplitByCustomer(CustomerBatchSplitter split)
    {
        if (!_ownsCustomers || !_ownsTouchpoints || !_ownsChannels || Count > 0)
        {
            throw new InvalidOperationException("Only a new builder with its own symbol tables reads by customer batches.");
        }

        _split = split;
    }

    /// <summary>
    /// A customer not in this batch starts (before its first event is added): one seen in an earlier batch means the input
    /// is not grouped by customer; a batch of <see cref="CustomerBatchSplitter.BatchEvents"/> or more is handed over and
    /// the builder starts the next one (new symbol tables and columns).
    /// </summary>
    private void NewCustomerOfSplit(ReadOnlySpan<char> customerId)
    {
        CustomerBatchSplitter split = _split!;
        split.CheckNew(customerId);
        if (Count < split.BatchEvents)
        {
            return;
        }

        split.Remember(_customers);
        EventBatch batch = BuildRanked(split.Rank?.Invoke(_customers));
        int duplicates = DuplicateCount;
        _customers = new SymbolTable();
        _touchpoints = new SymbolTable();
        _channels = new SymbolTable();
        _attributeKeys = new SymbolTable();
        _attributeValues = new SymbolTable();
        _eventIds = new EventIdColumn();
        _attributes = [];
        _customerIds = new ColumnBuilder<int>(0);
        _touchpointIds = new ColumnBuilder<int>(0);
        _ticks = new ColumnBuilder<long>(0);
        _channelIds = new ColumnBuilder<int>(0);
        _values = new ColumnBuilder<double>(0);
        _lastCustomerName = null;
        _lastCustomer = 0;
        _hasValues = false;
        _hasEventIds = false;
        _built = false;
        DuplicateCount = duplicates;
        split.Hand(batch);
    }

    /// <summary>The table to intern into: a new one, a copy of a read-only one (owned), or the caller's writable one.</summary>
    private static SymbolTable Intern(SymbolTable? given, out bool owned)
    {
        owned = given is null || given.IsReadOnly;
        return given is null ? new SymbolTable() : given.IsReadOnly ? given.CopyWritable() : given;
    }

    private void MakeOwnTablesReadOnly()
    {
        _attributeKeys.MakeReadOnly();
        _attributeValues.MakeReadOnly();
        if (_ownsCustomers)
        {
            _customers.MakeReadOnly();
        }

        if (_ownsTouchpoints)
        {
            _touchpoints.MakeReadOnly();
        }

        if (_ownsChannels)
        {
            _channels.MakeReadOnly();
        }
    }

    /// <summary>
    /// Lays the attributes out for the sorted rows: a key on at least one event in <see cref="DenseDivisor"/> becomes a
    /// dense column (4 bytes per event, at most 32 per value present); the others go to one row-indexed sparse table
    /// (8 bytes per value, plus 4 per event when there are any).
    /// </summary>
    private EventAttributes BuildAttributes(int[]? order, int n)
    {
        int keys = _attributeKeys.Count;
        if (keys == 0)
        {
            return EventAttributes.None;
        }

        var newRow = new int[n];
        for (int i = 0; i < n; i++)
        {
            newRow[order is null ? i : order[i]] = i;
        }

        var dense = new Dictionary<int, int[]>();
        int[]? sparseCounts = null;
        long sparseValues = 0;
        for (int keyId = 0; keyId < keys; keyId++)
        {
            ref AttributeColumn column = ref _attributes[keyId];
            ReadOnlySpan<int> rows = column.Rows;
            ReadOnlySpan<int> values = column.Values;
            if ((long)rows.Length * DenseDivisor >= n)
            {
                var dense1 = new int[n];
                Array.Fill(dense1, -1);
                for (int i = 0; i < rows.Length; i++)
                {
                    dense1[newRow[rows[i]]] = values[i];
                }

                dense.Add(keyId, dense1);
            }
            else
            {
                sparseCounts ??= new int[n + 1];
                for (int i = 0; i < rows.Length; i++)
                {
                    sparseCounts[newRow[rows[i]] + 1]++;
                }

                sparseValues += rows.Length;
            }
        }

        if (sparseCounts is null)
        {
            return new EventAttributes(dense, null, [], []);
        }

        // Row-indexed (CSR): the sparse pairs of sorted row r are [starts[r], starts[r + 1]); keys in id order.
        for (int r = 0; r < n; r++)
        {
            sparseCounts[r + 1] += sparseCounts[r];
        }

        int[] starts = sparseCounts;
        var next = new int[n];
        Array.Copy(starts, next, n);
        var pairKeys = new int[sparseValues];
        var pairValues = new int[sparseValues];
        for (int keyId = 0; keyId < keys; keyId++)
        {
            if (dense.ContainsKey(keyId))
            {
                continue;
            }

            ref AttributeColumn column = ref _attributes[keyId];
            ReadOnlySpan<int> rows = column.Rows;
            ReadOnlySpan<int> values = column.Values;
            for (int i = 0; i < rows.Length; i++)
            {
                int at = next[newRow[rows[i]]]++;
                pairKeys[at] = keyId;
                pairValues[at] = values[i];
            }
        }

        return new EventAttributes(dense, starts, pairKeys, pairValues);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFull() =>
        throw new EventLimitExceededException(EventLimit.Events, Limits.MaxEvents, Count + 1L, "the number of events in the batch");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowIdTooLong(int customer, int touchpoint, int channel, int eventId, int max)
    {
        (string what, int length) = customer > max ? ("the customer id", customer)
            : touchpoint > max ? ("the touchpoint", touchpoint)
            : channel > max ? ("the channel", channel)
            : ("the event id", eventId);
        throw new EventLimitExceededException(EventLimit.IdLength, max, length, what);
    }

    /// <summary>A key on at least one event in this many is stored densely.</summary>
    internal const int DenseDivisor = 8;

    /// <summary>One key's values while building: the rows that have it (increasing) and their value ids.</summary>
    private struct AttributeColumn
    {
        private ColumnBuilder<int> _rows;
        private ColumnBuilder<int> _values;
        private string? _lastValue;
        private int _lastValueId;

        public readonly ReadOnlySpan<int> Rows => _rows.Span;

        public readonly ReadOnlySpan<int> Values => _values.Span;

        /// <summary>The id of <paramref name="value"/>: the last one of this key again without a lookup (a customer's
        /// attributes repeat event after event in grouped exports).</summary>
        public int ValueId(ReadOnlySpan<char> value, SymbolTable values)
        {
            if (_lastValue is not null && value.SequenceEqual(_lastValue))
            {
                return _lastValueId;
            }

            int id = values.GetOrAdd(value);
            _lastValue = values[id];
            _lastValueId = id;
            return id;
        }

        /// <summary>Sets the value on <paramref name="row"/>, the latest row: replaces it when set there already.</summary>
        public void Set(int row, int valueId)
        {
            int count = _rows.Count;
            if (count == 0)
            {
                _rows = new ColumnBuilder<int>(2); // a default column has no array yet
                _values = new ColumnBuilder<int>(2);
            }
            else if (_rows.Span[count - 1] == row)
            {
                _values.Set(count - 1, valueId);
                return;
            }

            _rows.Add(row);
            _values.Add(valueId);
        }
    }

    /// <summary>The id of a channel name in <paramref name="channels"/>, normalized (trimmed, lower case); -1 for none.</summary>
    internal static int InternChannel(SymbolTable channels, ReadOnlySpan<char> channel)
    {
        channel = channel.Trim();
        if (channel.IsEmpty)
        {
            return -1;
        }

        foreach (char c in channel)
        {
            if (char.IsUpper(c))
            {
                return channels.GetOrAdd(channel.ToString().ToLowerInvariant());
            }
        }

        return channels.GetOrAdd(channel);
    }

    /// <summary>
    /// Computes the stable order by (customer id, ticks): a counting sort by customer, then a stable sort of each
    /// customer's run by ticks when it is not already in order. Null means the rows are in order already: grouped by
    /// customer in id order (the usual export, read with a new customer table) and in time order within each customer.
    /// </summary>
    /// <param name="customers">The customer id of each row.</param>
    /// <param name="ticks">The timestamp of each row.</param>
    /// <param name="customerSymbols">The number of customer ids.</param>
    /// <param name="customerStarts">The first row of each customer in the order, then the row count.</param>
    /// <param name="withinRuns">Whether the order moves rows only within runs of one customer (grouped input).</param>
    internal static int[]? SortOrder(ReadOnlySpan<int> customers, ReadOnlySpan<long> ticks, int customerSymbols, out int[] customerStarts, out bool withinRuns)
    {
        int n = customers.Length;
        withinRuns = IsGrouped(customers, out int groups);
        if (withinRuns)
        {
            return GroupedOrder(customers, ticks, groups, out customerStarts);
        }

        var counts = new int[customerSymbols + 1];
        for (int i = 0; i < n; i++)
        {
            counts[customers[i] + 1]++;
        }

        int runs = 0;
        for (int c = 1; c <= customerSymbols; c++)
        {
            if (counts[c] > 0)
            {
                runs++;
            }

            counts[c] += counts[c - 1];
        }

        customerStarts = new int[runs + 1];
        int run = 0;
        for (int c = 0; c < customerSymbols; c++)
        {
            if (counts[c + 1] > counts[c])
            {
                customerStarts[run++] = counts[c];
            }
        }

        customerStarts[runs] = n;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[counts[customers[i]]++] = i;
        }

        for (int r = 0; r < runs; r++)
        {
            Span<int> slice = order.AsSpan(customerStarts[r], customerStarts[r + 1] - customerStarts[r]);
            if (!IsSorted(slice, ticks))
            {
                SortByTicks(slice, ticks);
            }
        }

        return order;
    }

    /// <summary>Whether the customer ids never decrease (so the counting sort would keep every row in place).</summary>
    private static bool IsGrouped(ReadOnlySpan<int> customers, out int groups)
    {
        groups = customers.IsEmpty ? 0 : 1;
        for (int i = 1; i < customers.Length; i++)
        {
            int d = customers[i] - customers[i - 1];
            if (d < 0)
            {
                return false;
            }

            groups += d == 0 ? 0 : 1;
        }

        return true;
    }

    /// <summary>The order of grouped rows: null when every customer's run is in time order, else only those runs sorted.</summary>
    private static int[]? GroupedOrder(ReadOnlySpan<int> customers, ReadOnlySpan<long> ticks, int groups, out int[] customerStarts)
    {
        int n = customers.Length;
        customerStarts = new int[groups + 1];
        int[]? order = null;
        int run = 0;
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i < n && customers[i] == customers[i - 1])
            {
                continue;
            }

            customerStarts[run++] = start;
            if (!IsSorted(ticks[start..i]))
            {
                if (order is null)
                {
                    order = new int[n];
                    for (int k = 0; k < n; k++)
                    {
                        order[k] = k;
                    }
                }

                SortByTicks(order.AsSpan(start, i - start), ticks);
            }

            start = i;
        }

        customerStarts[groups] = n;
        return order;
    }

    private static void SortByTicks(Span<int> slice, ReadOnlySpan<long> ticks)
    {
        // Key (ticks, original index) is unique, so an unstable sort gives the stable order.
        var keys = new (long Ticks, int Index)[slice.Length];
        for (int i = 0; i < slice.Length; i++)
        {
            keys[i] = (ticks[slice[i]], slice[i]);
        }

        Array.Sort(keys);
        for (int i = 0; i < slice.Length; i++)
        {
            slice[i] = keys[i].Index;
        }
    }

    private static bool IsSorted(ReadOnlySpan<long> ticks)
    {
        for (int i = 1; i < ticks.Length; i++)
        {
            if (ticks[i] < ticks[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Makes room for <paramref name="additional"/> more events in the main columns (a reader's estimate).</summary>
    internal void Reserve(int additional)
    {
        if (_split is not null)
        {
            additional = Math.Min(additional, _split.BatchEvents + (_split.BatchEvents >> 2)); // one batch, not the file
        }

        int capacity = (int)Math.Min((long)Count + Math.Max(0, additional), Limits.MaxEvents);
        _customerIds.EnsureCapacity(capacity);
        _touchpointIds.EnsureCapacity(capacity);
        _ticks.EnsureCapacity(capacity);
        _channelIds.EnsureCapacity(capacity);
        _eventIds.Reserve(capacity);
    }

    private static bool IsSorted(ReadOnlySpan<int> slice, ReadOnlySpan<long> ticks)
    {
        for (int i = 1; i < slice.Length; i++)
        {
            if (ticks[slice[i]] < ticks[slice[i - 1]])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Puts the rows of every customer run that <paramref name="order"/> reorders (grouped input: the order moves rows only
    /// within runs) in that order, column by column, in the builder's own arrays; the customer column is constant in a run.
    /// </summary>
    private void PermuteRunsInPlace(int[] order, int[] customerStarts)
    {
        var moved = new List<int>();
        int longest = 0;
        for (int r = 0; r + 1 < customerStarts.Length; r++)
        {
            int start = customerStarts[r], end = customerStarts[r + 1];
            for (int k = start; k < end; k++)
            {
                if (order[k] != k)
                {
                    moved.Add(r);
                    longest = Math.Max(longest, end - start);
                    break;
                }
            }
        }

        PermuteRuns(_touchpointIds.Span, order, customerStarts, moved, longest);
        PermuteRuns(_ticks.Span, order, customerStarts, moved, longest);
        PermuteRuns(_channelIds.Span, order, customerStarts, moved, longest);
        if (_hasValues)
        {
            PermuteRuns(_values.Span, order, customerStarts, moved, longest);
        }
    }

    private static void PermuteRuns<T>(Span<T> column, int[] order, int[] customerStarts, List<int> runs, int longest)
    {
        var scratch = new T[longest];
        foreach (int r in runs)
        {
            int start = customerStarts[r], length = customerStarts[r + 1] - start;
            for (int k = 0; k < length; k++)
            {
                scratch[k] = column[order[start + k]];
            }

            scratch.AsSpan(0, length).CopyTo(column[start..]);
        }
    }

    /// <summary>The column in <paramref name="order"/>; with no order, the column's own array (<see cref="ColumnBuilder{T}.TrimmedOrShared"/>).</summary>
    private static T[] Permute<T>(in ColumnBuilder<T> column, int[]? order)
    {
        if (order is null)
        {
            return column.TrimmedOrShared(); // the builder adds nothing after Build, so the array can be shared
        }

        ReadOnlySpan<T> source = column.Span;
        var result = new T[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            result[i] = source[order[i]];
        }

        return result;
    }
}
