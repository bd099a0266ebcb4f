namespace JourneyKit.Fuzz;

/// <summary>
/// One fuzz target: a function of arbitrary bytes that returns normally for every input. It catches only the
/// documented, located error types of the API it calls (and checks that they are located); any other exception, a hang
/// or unbounded memory is a finding. The same <see cref="Run"/> is the entry point under SharpFuzz (AFL++ or
/// libFuzzer) and under the in-process <see cref="MutationDriver"/>.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>Gets the name used on the command line and as the corpus folder (<c>corpus/&lt;name&gt;</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Gets what the target calls.</summary>
    public abstract string Description { get; }

    /// <summary>Gets byte strings the mutator inserts (keywords, delimiters, edge values of the format).</summary>
    public virtual IReadOnlyList<byte[]> Tokens => [];

    /// <summary>Gets a value indicating whether the mutator should sometimes gzip the input (readers that accept gzip).</summary>
    public virtual bool AcceptsGzip => false;

    /// <summary>Runs one input; throws only on a finding.</summary>
    /// <param name="data">The input.</param>
    public abstract void Run(ReadOnlySpan<byte> data);

    /// <summary>Makes tokens from text.</summary>
    protected static byte[][] Utf8(params string[] tokens)
    {
        var result = new byte[tokens.Length][];
        for (int i = 0; i < tokens.Length; i++)
        {
            result[i] = System.Text.Encoding.UTF8.GetBytes(tokens[i]);
        }

        return result;
    }
}

/// <summary>A broken promise of the API under test (e.g. an error offset outside the text): a finding.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);

/// <summary>Checks used by the targets.</summary>
internal static class Check
{
    /// <summary>Throws a <see cref="FuzzInvariantException"/> when <paramref name="condition"/> is false.</summary>
    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(message);
        }
    }
}
