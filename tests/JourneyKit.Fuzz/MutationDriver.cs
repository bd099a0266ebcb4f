using System.IO.Compression;

namespace JourneyKit.Fuzz;

/// <summary>
/// A deterministic, coverage-blind mutator in the style of libFuzzer's: each input is a seed of the corpus changed by
/// one to eight random edits (bit flips, interesting bytes, deletions, insertions, repeated chunks, the target's
/// tokens, splices with another seed, big numbers, truncation, gzip). The same seed gives the same inputs on any machine,
/// so a failure in the smoke run reproduces with its seed and input number.
/// </summary>
internal sealed class MutationDriver
{
    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'"', (byte)'\\', (byte)',', (byte)'\n', (byte)'\r', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'(', (byte)')', (byte)'<', (byte)'>', (byte)'&', (byte)'|', (byte)'*', (byte)'+', 0xc0, 0xed, 0xf4];
    private static readonly byte[][] Numbers = [.. new[] { "0", "-1", "2147483648", "-9223372036854775809", "99999999999999999999", "1e309", "-1e-400", "NaN", "4294967296", "65536" }.Select(System.Text.Encoding.ASCII.GetBytes)];

    private readonly FuzzTarget _target;
    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly int _maxLength;
    private ulong _state;

    public MutationDriver(FuzzTarget target, IReadOnlyList<byte[]> seeds, ulong seed, int maxLength)
    {
        _target = target;
        _seeds = seeds.Count > 0 ? seeds : [[]];
        _maxLength = maxLength;
        _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
    }

    /// <summary>Makes the next input.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(_seeds[Below(_seeds.Count)]);
        int edits = 1 + Below(8);
        bool gzip = false;
        for (int e = 0; e < edits; e++)
        {
            Mutate(data, ref gzip);
        }

        if (data.Count > _maxLength)
        {
            data.RemoveRange(_maxLength, data.Count - _maxLength);
        }

        byte[] result = [.. data];
        return gzip ? Gzip(result) : result;
    }

    private void Mutate(List<byte> data, ref bool gzip)
    {
        int n = data.Count;
        switch (Below(12))
        {
            case 0 when n > 0:
                data[Below(n)] ^= (byte)(1 << Below(8));
                break;
            case 1 when n > 0:
                data[Below(n)] = (byte)Next64();
                break;
            case 2 when n > 0:
                data[Below(n)] = Interesting[Below(Interesting.Length)];
                break;
            case 3 when n > 0:
            {
                int at = Below(n);
                data.RemoveRange(at, Math.Min(n - at, 1 + Below(Math.Min(n - at, 32))));
                break;
            }

            case 4:
            {
                int count = 1 + Below(16);
                var bytes = new byte[count];
                for (int i = 0; i < count; i++)
                {
                    bytes[i] = (byte)Next64();
                }

                data.InsertRange(Below(n + 1), bytes);
                break;
            }

            case 5 when n > 0:
            {
                // A chunk repeated many times: deep nesting, long names, many keys or rows from a small seed.
                int at = Below(n);
                int length = 1 + Below(Math.Min(n - at, 64));
                byte[] chunk = [.. data.GetRange(at, length)];
                int times = 1 << Below(11);
                var repeated = new List<byte>(chunk.Length * times);
                for (int i = 0; i < times && repeated.Count < _maxLength; i++)
                {
                    repeated.AddRange(chunk);
                }

                data.InsertRange(at, repeated);
                break;
            }

            case 6 when _target.Tokens.Count > 0:
                data.InsertRange(Below(n + 1), _target.Tokens[Below(_target.Tokens.Count)]);
                break;
            case 7 when _target.Tokens.Count > 0 && n > 0:
            {
                byte[] token = _target.Tokens[Below(_target.Tokens.Count)];
                int at = Below(n);
                data.RemoveRange(at, Math.Min(n - at, token.Length));
                data.InsertRange(at, token);
                break;
            }

            case 8:
            {
                byte[] other = _seeds[Below(_seeds.Count)];
                if (other.Length > 0)
                {
                    int from = Below(other.Length);
                    int length = 1 + Below(other.Length - from);
                    data.InsertRange(Below(n + 1), other.AsSpan(from, length).ToArray());
                }

                break;
            }

            case 9:
                data.InsertRange(Below(n + 1), Numbers[Below(Numbers.Length)]);
                break;
            case 10 when n > 1:
            {
                int at = Below(n);
                data.RemoveRange(at, n - at);
                break;
            }

            case 11 when _target.AcceptsGzip:
                gzip = !gzip;
                break;
            default:
                data.Add(Interesting[Below(Interesting.Length)]);
                break;
        }

        if (data.Count > _maxLength)
        {
            data.RemoveRange(_maxLength, data.Count - _maxLength);
        }
    }

    /// <summary>Gzips the input, then sometimes cuts it, flips a byte of it or appends to it.</summary>
    private byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        byte[] z = buffer.ToArray();
        if (z.Length == 0)
        {
            return z; // GZipStream writes nothing for an empty input
        }

        int kind = Below(4);
        int at = Below(z.Length);
        switch (kind)
        {
            case 0:
                return z[..(at + 1)];
            case 1:
                z[at] ^= (byte)(1 << Below(8));
                return z;
            case 2:
            {
                var twice = new byte[z.Length + at + 1];
                z.CopyTo(twice, 0);
                Array.Copy(z, 0, twice, z.Length, at + 1);
                return twice;
            }

            default:
                return z;
        }
    }

    private int Below(int n) => n <= 1 ? 0 : (int)(Next64() % (ulong)n);

    /// <summary>xorshift64*.</summary>
    private ulong Next64()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }
}
