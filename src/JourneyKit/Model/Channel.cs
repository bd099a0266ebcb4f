using System.Diagnostics.CodeAnalysis;

namespace JourneyKit.Model;

/// <summary>
/// A channel through which a customer interacts: web, mobile, email, contact centre, store, and so on.
/// </summary>
/// <remarks>
/// <para>Channels form an open set: the well-known values below cover the common cases and any other non-empty
/// name is allowed. Names are compared ordinally after trimming and lower-casing (invariant culture), so
/// <c>"Web"</c> and <c>"web"</c> are the same channel.</para>
/// <para>The default value (<c>default(Channel)</c>) is <see cref="None"/>: no channel known.</para>
/// <threadsafety>This type is an immutable value type and is thread-safe.</threadsafety>
/// </remarks>
public readonly struct Channel : IEquatable<Channel>, IComparable<Channel>
{
    private readonly string? _name;

    /// <summary>Creates a channel from its name.</summary>
    /// <param name="name">The channel name; trimmed and lower-cased.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public Channel(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = Normalize(name);
    }

    private Channel(string normalized, bool _) => _name = normalized;

    /// <summary>No channel: the default value.</summary>
    public static Channel None => default;

    /// <summary>The web channel (<c>web</c>): a web site.</summary>
    public static Channel Web { get; } = new("web", true);

    /// <summary>The mobile channel (<c>mobile</c>): a mobile app.</summary>
    public static Channel Mobile { get; } = new("mobile", true);

    /// <summary>The email channel (<c>email</c>).</summary>
    public static Channel Email { get; } = new("email", true);

    /// <summary>The SMS channel (<c>sms</c>).</summary>
    public static Channel Sms { get; } = new("sms", true);

    /// <summary>The voice channel (<c>voice</c>): phone calls, IVR.</summary>
    public static Channel Voice { get; } = new("voice", true);

    /// <summary>The chat channel (<c>chat</c>): live chat or messaging with an agent or bot.</summary>
    public static Channel Chat { get; } = new("chat", true);

    /// <summary>The social channel (<c>social</c>): social networks.</summary>
    public static Channel Social { get; } = new("social", true);

    /// <summary>The store channel (<c>store</c>): a physical shop.</summary>
    public static Channel Store { get; } = new("store", true);

    /// <summary>The branch channel (<c>branch</c>): a bank or service branch.</summary>
    public static Channel Branch { get; } = new("branch", true);

    /// <summary>The contact-centre channel (<c>contact-centre</c>): agents answering calls, chats and emails.</summary>
    public static Channel ContactCentre { get; } = new("contact-centre", true);

    /// <summary>Gets the well-known channels, in the order they are declared on this type.</summary>
    public static IReadOnlyList<Channel> WellKnown { get; } =
        [Web, Mobile, Email, Sms, Voice, Chat, Social, Store, Branch, ContactCentre];

    /// <summary>Gets the normalized channel name; the empty string for <see cref="None"/>.</summary>
    public string Name => _name ?? string.Empty;

    /// <summary>Gets a value indicating whether this is <see cref="None"/>.</summary>
    public bool IsNone => _name is null;

    /// <summary>Gets a value indicating whether this is one of <see cref="WellKnown"/>.</summary>
    public bool IsWellKnown
    {
        get
        {
            foreach (Channel c in WellKnown)
            {
                if (Equals(c))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Gets a value indicating whether the channel is assisted, that is, a person serves the customer:
    /// <see cref="Voice"/>, <see cref="Chat"/>, <see cref="Store"/>, <see cref="Branch"/> and <see cref="ContactCentre"/>.
    /// Assisted contacts cost more and count as effort in journey scores.
    /// </summary>
    public bool IsAssisted => Equals(Voice) || Equals(Chat) || Equals(Store) || Equals(Branch) || Equals(ContactCentre);

    /// <summary>Parses a channel name; an empty or white-space string gives <see cref="None"/>.</summary>
    /// <param name="name">The name, or null.</param>
    /// <returns>The channel.</returns>
    public static Channel FromName(string? name) => string.IsNullOrWhiteSpace(name) ? None : new Channel(name);

    /// <summary>Tries to parse a channel name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="channel">The channel, or <see cref="None"/> when the name is empty.</param>
    /// <returns><see langword="true"/> when the name is a valid, non-empty channel name.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out Channel channel)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            channel = None;
            return false;
        }

        channel = new Channel(name);
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(Channel other) => string.Equals(_name, other._name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Channel other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _name is null ? 0 : StringComparer.Ordinal.GetHashCode(_name);

    /// <summary>Orders channels ordinally by name; <see cref="None"/> sorts first.</summary>
    /// <param name="other">The other channel.</param>
    /// <returns>The ordinal comparison of the names.</returns>
    public int CompareTo(Channel other) => string.CompareOrdinal(_name, other._name);

    /// <summary>Returns the channel name; the empty string for <see cref="None"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>Compares two channels for equality.</summary>
    /// <param name="left">The left channel.</param>
    /// <param name="right">The right channel.</param>
    /// <returns><see langword="true"/> when the names are equal.</returns>
    public static bool operator ==(Channel left, Channel right) => left.Equals(right);

    /// <summary>Compares two channels for inequality.</summary>
    /// <param name="left">The left channel.</param>
    /// <param name="right">The right channel.</param>
    /// <returns><see langword="true"/> when the names differ.</returns>
    public static bool operator !=(Channel left, Channel right) => !left.Equals(right);

    /// <summary>Orders two channels.</summary>
    /// <param name="left">The left channel.</param>
    /// <param name="right">The right channel.</param>
    /// <returns><see langword="true"/> when left sorts before right.</returns>
    public static bool operator <(Channel left, Channel right) => left.CompareTo(right) < 0;

    /// <summary>Orders two channels.</summary>
    /// <param name="left">The left channel.</param>
    /// <param name="right">The right channel.</param>
    /// <returns><see langword="true"/> when left sorts before or equal to right.</returns>
    public static bool operator <=(Channel left, Channel right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two channels.</summary>
    /// <param name="left">The left channel.</param>
    /// <param name="right">The right channel.</param>
    /// <returns><see langword="true"/> when left sorts after right.</returns>
    public static bool operator >(Channel left, Channel right) => left.CompareTo(right) > 0;

    /// <summary>Orders two channels.</summary>
    /// <param name="left">The left channel.</param>
    /// <param name="right">The right channel.</param>
    /// <returns><see langword="true"/> when left sorts after or equal to right.</returns>
    public static bool operator >=(Channel left, Channel right) => left.CompareTo(right) >= 0;

    private static string Normalize(string name) => name.Trim().ToLowerInvariant();
}
