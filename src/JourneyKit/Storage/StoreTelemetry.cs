using System.Diagnostics;
using System.Diagnostics.Metrics;
using JourneyKit.Internal;

namespace JourneyKit.Storage;

/// <summary>
/// The store instruments and spans of JourneyKit's meter and activity source, for store providers (ours and
/// third-party): how many operations ran (<c>journeykit.store.operations</c>, <c>{operation}</c>), how long each took
/// (<c>journeykit.store.operation.duration</c>, <c>s</c>) and one <see cref="Activity"/> per operation
/// (<see cref="ActivityName"/>, <see cref="ActivityKind.Client"/>, display name the operation), all tagged with
/// <see cref="JourneyKitDiagnostics.StoreTag"/>, <see cref="JourneyKitDiagnostics.StoreOperationTag"/> and, when it
/// failed, <see cref="JourneyKitDiagnostics.ErrorTypeTag"/> (the span's status is then <see cref="ActivityStatusCode.Error"/>).
/// </summary>
/// <example>
/// <code>
/// StoreOperation op = StoreTelemetry.Begin("mystore", "events.append");
/// Exception? failure = null;
/// try { … } catch (Exception e) { failure = e; throw; }
/// finally { op.End(failure); }
/// </code>
/// </example>
/// <remarks><threadsafety>All members are thread-safe.</threadsafety></remarks>
public static class StoreTelemetry
{
    /// <summary>The name of a store operation's span: <c>JourneyKit.Store</c> (its display name is the operation, e.g. <c>events.append</c>).</summary>
    public const string ActivityName = "JourneyKit.Store";

    private static readonly Counter<long> Operations = JourneyKitTelemetry.Meter.CreateCounter<long>(
        "journeykit.store.operations", "{operation}", "Store operations run (each call of a store method, failed ones included).");

    private static readonly Histogram<double> Duration = JourneyKitTelemetry.Meter.CreateHistogram<double>(
        "journeykit.store.operation.duration", "s", "Time from the start of a store operation to its end (a queued write: until its commit).");

    /// <summary>Gets whether anything listens to the store instruments or spans (a provider may skip its bookkeeping when not).</summary>
    public static bool Enabled => Operations.Enabled || Duration.Enabled || JourneyKitTelemetry.ActivitySource.HasListeners();

    /// <summary>
    /// Begins one operation: starts its span (when the activity source has a listener; it becomes
    /// <see cref="Activity.Current"/>) and its timer. Call <see cref="StoreOperation.End"/> once when it ends.
    /// </summary>
    /// <param name="store">The store, e.g. <c>sqlite</c>, <c>postgresql</c> (lower case, one word).</param>
    /// <param name="operation">The operation, <c>contract.method</c> in snake_case: <c>events.append</c>, <c>instances.save_many</c>.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="ArgumentException"><paramref name="store"/> or <paramref name="operation"/> is null or empty.</exception>
    public static StoreOperation Begin(string store, string operation)
    {
        ArgumentException.ThrowIfNullOrEmpty(store);
        ArgumentException.ThrowIfNullOrEmpty(operation);
        Activity? activity = JourneyKitTelemetry.ActivitySource.StartActivity(ActivityName, ActivityKind.Client);
        if (activity is not null)
        {
            activity.DisplayName = operation;
            activity.SetTag(JourneyKitDiagnostics.StoreTag, store);
            activity.SetTag(JourneyKitDiagnostics.StoreOperationTag, operation);
        }

        return new StoreOperation(store, operation, Stopwatch.GetTimestamp(), activity);
    }

    /// <summary>Records an ended operation in the instruments.</summary>
    internal static void Record(string store, string operation, long started, Exception? error)
    {
        if (!Operations.Enabled && !Duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { JourneyKitDiagnostics.StoreTag, store },
            { JourneyKitDiagnostics.StoreOperationTag, operation },
        };
        if (error is not null)
        {
            tags.Add(JourneyKitDiagnostics.ErrorTypeTag, error.GetType().FullName);
        }

        Operations.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
