using System.Diagnostics;

namespace JourneyKit.Storage;

/// <summary>
/// One store operation being measured (<see cref="StoreTelemetry.Begin"/>): its span, if any, and its start. End it once
/// with <see cref="End"/>.
/// </summary>
/// <remarks>The default value measures nothing. <threadsafety>Immutable; end it once.</threadsafety></remarks>
public readonly struct StoreOperation : IEquatable<StoreOperation>
{
    private readonly string? _store;
    private readonly string? _operation;
    private readonly long _started;

    internal StoreOperation(string store, string operation, long started, Activity? activity)
    {
        _store = store;
        _operation = operation;
        _started = started;
        Activity = activity;
    }

    /// <summary>Gets the operation's span, or null when nothing listens to JourneyKit's activity source.</summary>
    public Activity? Activity { get; }

    /// <summary>Compares two operations (same store, operation, start and span).</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they are the same.</returns>
    public static bool operator ==(StoreOperation left, StoreOperation right) => left.Equals(right);

    /// <summary>Compares two operations.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(StoreOperation left, StoreOperation right) => !left.Equals(right);

    /// <summary>
    /// Ends the operation: adds 1 to <c>journeykit.store.operations</c>, records its duration, and stops its span —
    /// with <see cref="ActivityStatusCode.Error"/> and the <c>error.type</c> tag when <paramref name="error"/> is given.
    /// </summary>
    /// <param name="error">The exception the operation failed with, or <see langword="null"/> when it succeeded.</param>
    public void End(Exception? error = null)
    {
        if (_store is null)
        {
            return;
        }

        StoreTelemetry.Record(_store, _operation!, _started, error);
        if (Activity is { } activity)
        {
            if (error is not null)
            {
                activity.SetTag(JourneyKitDiagnostics.ErrorTypeTag, error.GetType().FullName);
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
            }

            activity.Stop();
        }
    }

    /// <inheritdoc/>
    public bool Equals(StoreOperation other) =>
        _store == other._store && _operation == other._operation && _started == other._started && ReferenceEquals(Activity, other.Activity);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StoreOperation other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_store, _operation, _started, Activity);
}
