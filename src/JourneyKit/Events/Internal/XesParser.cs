using System.Globalization;
using System.Xml;

namespace JourneyKit.Events.Internal;

/// <summary>
/// The XES (IEEE 1849) reading loop behind <see cref="XesEventReader"/>: an <see cref="XmlReader"/> over the input with
/// DTDs prohibited, no resolver and every node bounded, one trace buffered at a time (its events and attributes in
/// reused arrays), emitted into the builder at the trace's end tag.
/// </summary>
internal sealed class XesParser
{
    private readonly ReadContext _context;
    private readonly int _maxNodeBytes;
    private readonly LifecycleTransitionHandling _lifecycle;
    private readonly XesKeys _keys;
    private readonly TimeZoneInfo? _zone;

    private XmlReader _reader = null!;
    private IXmlLineInfo _lineInfo = null!;
    private NodeBoundedStream _input = null!;
    private string _log = null!, _trace = null!, _event = null!;
    private string _string = null!, _date = null!, _int = null!, _float = null!, _boolean = null!, _id = null!;
    private bool _sawRoot;

    // The trace being read: characters of every text in one arena, events and attributes as ranges into it.
    private char[] _chars = new char[4096];
    private int _charCount;
    private char[] _touchpoint = new char[256];
    private PendingEvent[] _events = new PendingEvent[64];
    private int _eventCount;
    private Attribute[] _eventAttributes = new Attribute[256];
    private int _eventAttributeCount;
    private Attribute[] _traceAttributes = new Attribute[16];
    private int _traceAttributeCount;
    private Range _traceId;
    private Range _traceChannel;
    private Range _traceEventId;
    private Range _traceValue;
    private Problem _traceProblem;
    private int _traceNumber;
    private long _traceLine;
    private int _tracePosition;

    public XesParser(ReadContext context, EventReaderOptions options, XesKeys keys)
    {
        _context = context;
        _maxNodeBytes = options.MaxRecordLength;
        _lifecycle = options.LifecycleTransitions;
        _keys = keys;
        _zone = options.TimeZone;
    }

    private enum ProblemKind
    {
        None,
        AttributeWithoutKey,
        Timestamp,
    }

    public void ReadAll(Stream stream)
    {
        _input = new NodeBoundedStream(stream, _maxNodeBytes);
        var names = new NameTable();
        _log = names.Add("log");
        _trace = names.Add("trace");
        _event = names.Add("event");
        _string = names.Add("string");
        _date = names.Add("date");
        _int = names.Add("int");
        _float = names.Add("float");
        _boolean = names.Add("boolean");
        _id = names.Add("id");
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = _maxNodeBytes,
            NameTable = names,
            CloseInput = false,
            IgnoreComments = false, // every node is returned, so that the bound is per node
            IgnoreWhitespace = false,
            IgnoreProcessingInstructions = false,
            ValidationType = ValidationType.None,
        };
        try
        {
            using XmlReader reader = XmlReader.Create(_input, settings);
            _reader = reader;
            _lineInfo = (IXmlLineInfo)reader;
            ReadDocument();
        }
        catch (XmlException e)
        {
            if (!_sawRoot && _input.Position == 0)
            {
                _context.Fatal(EventReadErrorCode.EmptyFile, 0, null, 0, "the file is empty; expected an XES <log> element");
            }

            string reason = !_sawRoot && e.Message.Contains("DTD", StringComparison.Ordinal) ? EventReaderMessages.XesDtd : EventReaderMessages.XesNotWellFormed(WithoutPosition(e.Message));
            // The DTD refusal carries no position (line 0); a DOCTYPE can only stand before the root element anyway.
            Fatal(EventReadErrorCode.InvalidXml, e.LineNumber, e.LinePosition, null, reason, e);
        }
        catch (NodeTooLargeException e)
        {
            Fatal(EventReadErrorCode.RecordTooLarge, _lineInfo.LineNumber, _lineInfo.LinePosition, null, EventReaderMessages.XesNodeTooLarge(_maxNodeBytes), e);
        }
    }

    private static string WithoutPosition(string message)
    {
        // XmlException appends " Line 12, position 3." — the location is given our way.
        int cut = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        return cut > 0 && message.AsSpan(cut).Contains(", position ", StringComparison.Ordinal) ? message[..cut] : message;
    }

    private bool Next()
    {
        bool read = _reader.Read();
        _input.Mark();
        return read;
    }

    private void ReadDocument()
    {
        while (Next() && _reader.NodeType != XmlNodeType.Element)
        {
        }

        if (_reader.NodeType != XmlNodeType.Element)
        {
            _context.Fatal(EventReadErrorCode.EmptyFile, 0, null, 0, "the file has no root element; expected an XES <log> element");
        }

        _sawRoot = true;
        if (!ReferenceEquals(_reader.LocalName, _log))
        {
            Fatal(EventReadErrorCode.InvalidXes, _lineInfo.LineNumber, _lineInfo.LinePosition - 1, null, EventReaderMessages.XesRoot(_reader.Name));
        }

        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (Next())
            {
                if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth)
                {
                    break;
                }

                if (_reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (ReferenceEquals(_reader.LocalName, _trace))
                {
                    ReadTrace();
                }
                else
                {
                    SkipElement(); // extension, global, classifier, log attributes: not events
                }
            }
        }

        while (Next())
        {
            // read to the end so that trailing garbage is reported
        }
    }

    /// <summary>Skips the current element and its content, node by node (so that the bound applies per node).</summary>
    private void SkipElement()
    {
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (Next() && !(_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth))
        {
        }
    }

    private bool IsScalarAttribute(string name) =>
        ReferenceEquals(name, _string) || ReferenceEquals(name, _date) || ReferenceEquals(name, _int) || ReferenceEquals(name, _float)
        || ReferenceEquals(name, _boolean) || ReferenceEquals(name, _id);

    private void ReadTrace()
    {
        _traceNumber++;
        _traceLine = _lineInfo.LineNumber;
        _tracePosition = _lineInfo.LinePosition - 1;
        _charCount = 0;
        _eventCount = 0;
        _eventAttributeCount = 0;
        _traceAttributeCount = 0;
        _traceId = _traceChannel = _traceEventId = _traceValue = default;
        _traceProblem = default;
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (Next())
        {
            if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth)
            {
                break;
            }

            if (_reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            string name = _reader.LocalName;
            if (ReferenceEquals(name, _event))
            {
                ReadEvent();
            }
            else if (IsScalarAttribute(name))
            {
                ReadTraceAttribute();
            }
            else
            {
                SkipElement(); // list, container: no single value
            }
        }

        EmitTrace();
    }

    private void ReadTraceAttribute()
    {
        string? key = _reader.GetAttribute("key");
        string? value = _reader.GetAttribute("value");
        long line = _lineInfo.LineNumber;
        int position = _lineInfo.LinePosition - 1;
        string element = _reader.LocalName;
        SkipElement(); // nested (meta) attributes are not read
        if (string.IsNullOrEmpty(key))
        {
            if (_traceProblem.Kind == ProblemKind.None)
            {
                _traceProblem = new Problem(ProblemKind.AttributeWithoutKey, line, position, element, default, TimestampError.None);
            }

            return;
        }

        if (string.IsNullOrEmpty(value))
        {
            return; // absent, as an empty CSV cell
        }

        if (key == _keys.CustomerId)
        {
            _traceId = Append(value);
        }
        else if (key == _keys.Channel)
        {
            _traceChannel = Append(value);
        }
        else if (key == _keys.EventId)
        {
            _traceEventId = Append(value);
        }
        else if (key == _keys.Value)
        {
            _traceValue = Append(value);
        }
        else if (key != _keys.Touchpoint && key != _keys.Timestamp)
        {
            AddAttribute(ref _traceAttributes, ref _traceAttributeCount, Append(key), Append(value));
        }
    }

    private void ReadEvent()
    {
        if (_eventCount == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        ref PendingEvent e = ref _events[_eventCount++];
        e = new PendingEvent
        {
            Line = _lineInfo.LineNumber,
            Position = _lineInfo.LinePosition - 1,
            AttributeStart = _eventAttributeCount,
        };
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (Next())
            {
                if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth)
                {
                    break;
                }

                if (_reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (IsScalarAttribute(_reader.LocalName))
                {
                    ReadEventAttribute(ref e);
                }
                else
                {
                    SkipElement();
                }
            }
        }

        e.AttributeCount = _eventAttributeCount - e.AttributeStart;
    }

    private void ReadEventAttribute(ref PendingEvent e)
    {
        string? key = _reader.GetAttribute("key");
        string? value = _reader.GetAttribute("value");
        long line = _lineInfo.LineNumber;
        int position = _lineInfo.LinePosition - 1;
        string element = _reader.LocalName;
        SkipElement();
        if (string.IsNullOrEmpty(key))
        {
            if (e.Problem.Kind == ProblemKind.None)
            {
                e.Problem = new Problem(ProblemKind.AttributeWithoutKey, line, position, element, default, TimestampError.None);
            }

            return;
        }

        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (key == _keys.Touchpoint)
        {
            e.Touchpoint = Append(value);
        }
        else if (key == _keys.Timestamp)
        {
            if (EventTimestamp.TryParse(value, EventTimestampFormat.Default, _zone, out long ticks, out TimestampError error))
            {
                e.Ticks = ticks;
                e.HasTimestamp = true;
            }
            else if (e.Problem.Kind == ProblemKind.None)
            {
                e.Problem = new Problem(ProblemKind.Timestamp, line, position, key, Append(value), error);
            }
        }
        else if (key == _keys.Channel)
        {
            e.Channel = Append(value);
        }
        else if (key == _keys.EventId)
        {
            e.EventId = Append(value);
        }
        else if (key == _keys.Value)
        {
            e.Value = Append(value);
        }
        else
        {
            Range keyRange = Append(key);
            Range valueRange = Append(value);
            if (key == EventReaderConstants.XesTransition)
            {
                e.Transition = valueRange;
            }

            AddAttribute(ref _eventAttributes, ref _eventAttributeCount, keyRange, valueRange);
        }
    }

    private void EmitTrace()
    {
        try
        {
            EmitTraceCore();
        }
        catch (EventLimitExceededException e)
        {
            _context.LimitExceeded(e);
        }
    }

    private void EmitTraceCore()
    {
        EventBatchBuilder builder = _context.Builder;
        ReadOnlySpan<char> traceId = Chars(_traceId);
        bool traceDescribed = false;
        int counted = CountKept();
        for (int i = 0; i < _eventCount; i++)
        {
            ref PendingEvent e = ref _events[i];
            ReadOnlySpan<char> transition = Chars(e.Transition);
            if (_lifecycle == LifecycleTransitionHandling.CompleteOnly && !transition.IsEmpty
                && !transition.Trim().Equals(EventReaderConstants.XesComplete, StringComparison.OrdinalIgnoreCase))
            {
                continue; // left out, not a row
            }

            _context.Rows++;
            if ((_context.Rows & (EventReaderConstants.ProgressCheckRows - 1)) == 0)
            {
                _context.MaybeReport();
            }

            if (traceId.IsEmpty || _traceProblem.Kind != ProblemKind.None)
            {
                if (!traceDescribed && _context.WantsDetails)
                {
                    traceDescribed = true;
                    string where = EventReaderMessages.XesTrace(traceId, _traceNumber);
                    if (_traceProblem.Kind != ProblemKind.None)
                    {
                        Bad(EventReadErrorCode.InvalidXes, _traceProblem.Line, _traceProblem.Position, null, EventReaderMessages.XesAttributeWithoutKey(where, _traceProblem.Key!));
                    }
                    else
                    {
                        Bad(EventReadErrorCode.RequiredFieldEmpty, _traceLine, _tracePosition, _keys.CustomerId, EventReaderMessages.XesNoTraceId(where, _keys.CustomerId, counted));
                    }
                }
                else
                {
                    _context.BadRowUndescribed();
                }

                continue;
            }

            if (e.Problem.Kind != ProblemKind.None || e.Touchpoint.Equals(default(Range)) || !e.HasTimestamp)
            {
                BadEvent(ref e, i + 1, traceId);
                continue;
            }

            double value = double.NaN;
            ReadOnlySpan<char> valueText = Chars(e.Value.Equals(default(Range)) ? _traceValue : e.Value).Trim();
            if (!valueText.IsEmpty
                && !(double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)))
            {
                if (_context.WantsDetails)
                {
                    string where = EventReaderMessages.XesEvent(traceId, _traceNumber, i + 1, Chars(e.Touchpoint));
                    Bad(EventReadErrorCode.InvalidValue, e.Line, e.Position, _keys.Value, EventReaderMessages.XesValue(where, _keys.Value!, valueText));
                }
                else
                {
                    _context.BadRowUndescribed();
                }

                continue;
            }

            ReadOnlySpan<char> touchpoint = Touchpoint(Chars(e.Touchpoint), transition);
            ReadOnlySpan<char> channel = Chars(e.Channel.Equals(default(Range)) ? _traceChannel : e.Channel);
            ReadOnlySpan<char> eventId = Chars(e.EventId.Equals(default(Range)) ? _traceEventId : e.EventId);
            if (!builder.Add(traceId, touchpoint, e.Ticks, channel, eventId, value))
            {
                continue; // a duplicate event id: counted by the builder
            }

            _context.Added++;
            for (int a = 0; a < _traceAttributeCount; a++)
            {
                ref Attribute attribute = ref _traceAttributes[a];
                builder.SetAttribute(Chars(attribute.Key), Chars(attribute.Value));
            }

            for (int a = e.AttributeStart; a < e.AttributeStart + e.AttributeCount; a++)
            {
                ref Attribute attribute = ref _eventAttributes[a]; // after the trace's: the event's value wins
                builder.SetAttribute(Chars(attribute.Key), Chars(attribute.Value));
            }
        }
    }

    private int CountKept()
    {
        if (_lifecycle != LifecycleTransitionHandling.CompleteOnly)
        {
            return _eventCount;
        }

        int kept = 0;
        for (int i = 0; i < _eventCount; i++)
        {
            ReadOnlySpan<char> transition = Chars(_events[i].Transition);
            if (transition.IsEmpty || transition.Trim().Equals(EventReaderConstants.XesComplete, StringComparison.OrdinalIgnoreCase))
            {
                kept++;
            }
        }

        return kept;
    }

    private ReadOnlySpan<char> Touchpoint(ReadOnlySpan<char> name, ReadOnlySpan<char> transition)
    {
        transition = transition.Trim();
        if (_lifecycle != LifecycleTransitionHandling.AppendToTouchpoint || transition.IsEmpty)
        {
            return name;
        }

        int length = name.Length + 1 + transition.Length;
        if (_touchpoint.Length < length)
        {
            _touchpoint = new char[Math.Max(length, _touchpoint.Length * 2)];
        }

        name.CopyTo(_touchpoint);
        _touchpoint[name.Length] = '+';
        transition.ToLowerInvariant(_touchpoint.AsSpan(name.Length + 1));
        return _touchpoint.AsSpan(0, length);
    }

    private void BadEvent(ref PendingEvent e, int eventNumber, ReadOnlySpan<char> traceId)
    {
        if (!_context.WantsDetails)
        {
            _context.BadRowUndescribed();
            return;
        }

        string where = EventReaderMessages.XesEvent(traceId, _traceNumber, eventNumber, Chars(e.Touchpoint));
        Problem p = e.Problem;
        if (p.Kind == ProblemKind.AttributeWithoutKey)
        {
            Bad(EventReadErrorCode.InvalidXes, p.Line, p.Position, null, EventReaderMessages.XesAttributeWithoutKey(where, p.Key!));
        }
        else if (p.Kind == ProblemKind.Timestamp)
        {
            Bad(EventReaderMessages.TimestampCode(p.TimestampError), p.Line, p.Position, p.Key, EventReaderMessages.XesTimestamp(where, p.Key!, p.TimestampError, Chars(p.Text).Trim(), _zone));
        }
        else if (e.Touchpoint.Equals(default(Range)))
        {
            Bad(EventReadErrorCode.RequiredFieldEmpty, e.Line, e.Position, _keys.Touchpoint, EventReaderMessages.XesMissing(where, _keys.Touchpoint, "the touchpoint"));
        }
        else
        {
            Bad(EventReadErrorCode.RequiredFieldEmpty, e.Line, e.Position, _keys.Timestamp, EventReaderMessages.XesMissing(where, _keys.Timestamp, "the timestamp"));
        }
    }

    private void Bad(EventReadErrorCode code, long line, int position, string? key, string reason) =>
        _context.BadRow(new EventReadError(code, _context.FileName, line, key, Math.Max(0, position), reason,
            EventReaderMessages.LocateXml(_context.FileName, line, position, reason)));

    private void Fatal(EventReadErrorCode code, long line, int position, string? key, string reason, Exception? inner = null) =>
        throw new EventFormatException(
            new EventReadError(code, _context.FileName, Math.Max(0, line), key, Math.Max(0, position), reason,
                EventReaderMessages.LocateXml(_context.FileName, line, position, reason)),
            inner);

    private Range Append(string text)
    {
        if (_charCount + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + text.Length));
        }

        text.CopyTo(_chars.AsSpan(_charCount));
        var range = new Range(_charCount, _charCount + text.Length);
        _charCount += text.Length;
        return range;
    }

    private static void AddAttribute(ref Attribute[] attributes, ref int count, Range key, Range value)
    {
        if (count == attributes.Length)
        {
            Array.Resize(ref attributes, attributes.Length * 2);
        }

        attributes[count++] = new Attribute(key, value);
    }

    private ReadOnlySpan<char> Chars(Range range) => _chars.AsSpan(range);

    private readonly record struct Attribute(Range Key, Range Value);

    private readonly record struct Problem(ProblemKind Kind, long Line, int Position, string? Key, Range Text, TimestampError TimestampError);

    private struct PendingEvent
    {
        public long Line;
        public int Position;
        public Range Touchpoint;
        public Range Transition;
        public Range Channel;
        public Range EventId;
        public Range Value;
        public long Ticks;
        public bool HasTimestamp;
        public Problem Problem;
        public int AttributeStart;
        public int AttributeCount;
    }
}

/// <summary>The XES keys read as the standard fields (the customer id from the trace, the rest from the event).</summary>
internal sealed record XesKeys(string CustomerId, string Touchpoint, string Timestamp, string? Channel, string? EventId, string? Value)
{
    public static XesKeys Default { get; } =
        new(EventReaderConstants.XesConceptName, EventReaderConstants.XesConceptName, EventReaderConstants.XesTimestamp, null, null, null);

    /// <summary>The keys for <paramref name="mapping"/>: a mapped field's key, else the XES default.</summary>
    public static XesKeys From(EventColumnMapping? mapping) => mapping is null
        ? Default
        : new(mapping.CustomerId ?? Default.CustomerId, mapping.Touchpoint ?? Default.Touchpoint, mapping.Timestamp ?? Default.Timestamp,
            mapping.Channel, mapping.EventId, mapping.Value);
}
