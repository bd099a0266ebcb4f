using System.Buffers;
using System.Globalization;
using System.Text;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

public static partial class JsonLinesEventReader
{
    internal sealed partial class JsonLinesParser
    {
        /// <summary>Bytes that end a plain string: the quote, a backslash (an escape) and control characters (invalid).</summary>
        private static readonly SearchValues<byte> StringSpecial = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

        /// <summary>
        /// Gets whether plain lines take the byte-level path (<see cref="TryParsePlain"/>); tests turn it off to compare
        /// with <see cref="System.Text.Json.Utf8JsonReader"/> alone.
        /// </summary>
        internal bool PlainLines { get; init; } = true;

        /// <summary>
        /// Reads a plain, good line straight from its bytes: one flat object whose standard fields are strings without
        /// escapes (<c>value</c> a JSON number), other fields strings, an <c>attributes</c> object of strings, no standard
        /// field twice, a timestamp that parses and non-empty customer and touchpoint — the line as exported. It adds what
        /// <see cref="Parse"/> would add, with the same calls in the same order. Anything else (escapes, nulls, booleans,
        /// numbers elsewhere, nesting, any error) returns false having added nothing, and the line goes to
        /// <see cref="Parse"/>, which reads it and reports its problem exactly as before.
        /// </summary>
        private bool TryParsePlain(ReadOnlySpan<byte> bytes)
        {
            _charCount = 0;
            _attributeCount = 0;
            int i = SkipWhiteSpace(bytes, 0);
            if (i >= bytes.Length || bytes[i] != '{')
            {
                return false;
            }

            Range customer = default, touchpoint = default, channel = default, eventId = default;
            ReadOnlySpan<byte> timestamp = default; // parsed from the bytes (EventTimestamp's UTF-8 fast path)
            double value = double.NaN;
            int seen = 0;
            i = SkipWhiteSpace(bytes, i + 1);
            while (true)
            {
                if (!TryPlainString(bytes, ref i, out ReadOnlySpan<byte> name) || name.IsEmpty || !TryColon(bytes, ref i))
                {
                    return false;
                }

                Field field = IdentifyPlain(name);
                if (field != Field.Other)
                {
                    int bit = 1 << (int)field;
                    if ((seen & bit) != 0)
                    {
                        return false;
                    }

                    seen |= bit;
                }

                ReadOnlySpan<byte> text;
                switch (field)
                {
                    case Field.Value:
                        if (!TryPlainNumber(bytes, ref i, out value))
                        {
                            return false;
                        }

                        break;
                    case Field.Attributes:
                        if (i >= bytes.Length || bytes[i] != '{')
                        {
                            return false;
                        }

                        i = SkipWhiteSpace(bytes, i + 1);
                        if (i < bytes.Length && bytes[i] == '}')
                        {
                            i++;
                            break;
                        }

                        while (true)
                        {
                            if (!TryPlainString(bytes, ref i, out ReadOnlySpan<byte> key) || key.IsEmpty || !TryColon(bytes, ref i) || !TryPlainString(bytes, ref i, out text))
                            {
                                return false;
                            }

                            AddPlainAttribute(key, text);
                            i = SkipWhiteSpace(bytes, i);
                            if (i < bytes.Length && bytes[i] == ',')
                            {
                                i = SkipWhiteSpace(bytes, i + 1);
                                continue;
                            }

                            if (i < bytes.Length && bytes[i] == '}')
                            {
                                i++;
                                break;
                            }

                            return false;
                        }

                        break;
                    default:
                        if (!TryPlainString(bytes, ref i, out text))
                        {
                            return false;
                        }

                        if (field == Field.Other)
                        {
                            AddPlainAttribute(name, text);
                            break;
                        }

                        if (field == Field.Timestamp)
                        {
                            timestamp = text;
                            break;
                        }

                        Range range = Widen(text);
                        switch (field)
                        {
                            case Field.CustomerId:
                                customer = range;
                                break;
                            case Field.Touchpoint:
                                touchpoint = range;
                                break;
                            case Field.Channel:
                                channel = range;
                                break;
                            case Field.EventId:
                                eventId = range;
                                break;
                        }

                        break;
                }

                i = SkipWhiteSpace(bytes, i);
                if (i < bytes.Length && bytes[i] == ',')
                {
                    i = SkipWhiteSpace(bytes, i + 1);
                    continue;
                }

                if (i < bytes.Length && bytes[i] == '}')
                {
                    i++;
                    break;
                }

                return false;
            }

            if (SkipWhiteSpace(bytes, i) != bytes.Length || Chars(customer).IsEmpty || Chars(touchpoint).IsEmpty
                || !EventTimestamp.TryParse(timestamp, _format, _zone, out long ticks, out _))
            {
                return false;
            }

            EventBatchBuilder builder = context.Builder;
            if (!builder.Add(Chars(customer), Chars(touchpoint), ticks, Chars(channel), Chars(eventId), value))
            {
                return true; // a duplicate event id: counted by the builder
            }

            context.Added++;
            for (int a = 0; a < _attributeCount; a++)
            {
                ref Attribute attribute = ref _attributes[a];
                builder.SetAttribute(Chars(attribute.Key), Chars(attribute.Value));
            }

            return true;
        }

        /// <summary>The field a name without escapes stands for, as <see cref="IdentifyCore"/> finds it.</summary>
        private Field IdentifyPlain(ReadOnlySpan<byte> name)
        {
            for (int f = 0; f < _utf8Names.Length; f++)
            {
                if (name.SequenceEqual(_utf8Names[f]))
                {
                    return (Field)(f + 1);
                }
            }

            return name.SequenceEqual("attributes"u8) ? Field.Attributes : Field.Other;
        }

        /// <summary>An attribute as <see cref="TryAttribute"/> keeps it: an empty value is absent.</summary>
        private void AddPlainAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> text)
        {
            if (text.IsEmpty)
            {
                return;
            }

            Range keyRange = Widen(key);
            Range valueRange = Widen(text);
            if (_attributeCount == _attributes.Length)
            {
                Array.Resize(ref _attributes, _attributes.Length * 2);
            }

            _attributes[_attributeCount++] = new Attribute(keyRange, valueRange);
        }

        /// <summary>Decodes valid UTF-8 (the line was checked) into the scratch characters.</summary>
        private Range Widen(ReadOnlySpan<byte> utf8)
        {
            Ensure(utf8.Length); // UTF-16 never needs more code units than UTF-8 has bytes
            int written = Encoding.UTF8.GetChars(utf8, _chars.AsSpan(_charCount));
            var range = new Range(_charCount, _charCount + written);
            _charCount += written;
            return range;
        }

        /// <summary>A string token without escapes or control characters at <paramref name="i"/>; its content between the quotes.</summary>
        private static bool TryPlainString(ReadOnlySpan<byte> bytes, scoped ref int i, out ReadOnlySpan<byte> content)
        {
            content = default;
            if (i >= bytes.Length || bytes[i] != '"')
            {
                return false;
            }

            int length = bytes[(i + 1)..].IndexOfAny(StringSpecial);
            if (length < 0 || bytes[i + 1 + length] != '"')
            {
                return false;
            }

            content = bytes.Slice(i + 1, length);
            i += length + 2;
            return true;
        }

        /// <summary>Optional white space, a colon, optional white space.</summary>
        private static bool TryColon(ReadOnlySpan<byte> bytes, ref int i)
        {
            i = SkipWhiteSpace(bytes, i);
            if (i >= bytes.Length || bytes[i] != ':')
            {
                return false;
            }

            i = SkipWhiteSpace(bytes, i + 1);
            return true;
        }

        /// <summary>
        /// A JSON number (<c>-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</c>) that is finite as a double; parsed with
        /// correct rounding, as <see cref="System.Text.Json.Utf8JsonReader.TryGetDouble"/> parses it.
        /// </summary>
        private static bool TryPlainNumber(ReadOnlySpan<byte> bytes, ref int i, out double value)
        {
            value = double.NaN;
            int start = i, p = i;
            if (p < bytes.Length && bytes[p] == '-')
            {
                p++;
            }

            if (p >= bytes.Length || !char.IsAsciiDigit((char)bytes[p]))
            {
                return false;
            }

            if (bytes[p] == '0')
            {
                p++;
            }
            else
            {
                p = Digits(bytes, p);
            }

            if (p < bytes.Length && bytes[p] == '.')
            {
                int after = Digits(bytes, p + 1);
                if (after == p + 1)
                {
                    return false;
                }

                p = after;
            }

            if (p < bytes.Length && (bytes[p] == 'e' || bytes[p] == 'E'))
            {
                p++;
                if (p < bytes.Length && (bytes[p] == '+' || bytes[p] == '-'))
                {
                    p++;
                }

                int after = Digits(bytes, p);
                if (after == p)
                {
                    return false;
                }

                p = after;
            }

            if (p < bytes.Length && bytes[p] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)',' or (byte)'}'))
            {
                return false;
            }

            if (!double.TryParse(bytes[start..p], NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
            {
                return false;
            }

            i = p;
            return true;
        }

        private static int Digits(ReadOnlySpan<byte> bytes, int p)
        {
            while (p < bytes.Length && char.IsAsciiDigit((char)bytes[p]))
            {
                p++;
            }

            return p;
        }

        /// <summary>JSON white space within a line: space, tab and carriage return.</summary>
        private static int SkipWhiteSpace(ReadOnlySpan<byte> bytes, int i)
        {
            while (i < bytes.Length && bytes[i] is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                i++;
            }

            return i;
        }
    }
}
