using System.Diagnostics;
using System.Diagnostics.Metrics;
using JourneyKit.Internal;

namespace JourneyKit.Storage;

/// <summary>
/// The store instruments of JourneyKit's meter, for store providers (ours and third-party): how many operations ran
/// (<c>journeykit.store.operations</c>, <c>{operation}</c>) and how long each took
/// (<c>journeykit.store.operation.duration</c>, <c>s</c>), tagged with <see cref="JourneyKitDiagnostics.StoreTag"/>,
/// <see cref="JourneyKitDiagnostics.StoreOperationTag"/> and, when it failed, <see cref="JourneyKitDiagnostics.ErrorTypeTag"/>.
/// </summary>
/// <example>
/// <code>
/// long started = StoreTelemetry.Start();
/// Exception? failure = null;
/// try { … } catch (Exception e) { failure = e; throw; }
/// finally { StoreTelemetry.Record("mystore", "events.append", started, failure); }
/// </code>
/// </example>
/// <remarks><threadsafety>All members are thread-safe.</threadsafety></remarks>
public static class StoreTelemetry
{
    private static readonly Counter<long> Operations = JourneyKitTelemetry.Meter.CreateCounter<long>(
        "journeykit.store.operations", "{operation}", "Store operations run (each call of a store method, failed ones included).");

    private static readonly Histogram<double> Duration = JourneyKitTelemetry.Meter.CreateHistogram<double>(
        "journeykit.store.operation.duration", "s", "Time from the start of a store operation to its end (a queued write: until its commit).");

    /// <summary>Gets whether anything listens to the store instruments (a provider may skip its bookkeeping when not).</summary>
    public static bool Enabled => Operations.Enabled || Duration.Enabled;

    /// <summary>Starts timing an operation: a <see cref="Stopwatch"/> timestamp to pass to <see cref="Record"/>.</summary>
    /// <returns>The timestamp.</returns>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Records one operation: adds 1 to <c>journeykit.store.operations</c> and its duration since <paramref name="started"/>.</summary>
    /// <param name="store">The store, e.g. <c>sqlite</c>, <c>postgresql</c> (lower case, one word).</param>
    /// <param name="operation">The operation, <c>contract.method</c> in snake_case: <c>events.append</c>, <c>instances.save_many</c>.</param>
    /// <param name="started">The value <see cref="Start"/> returned when the operation began.</param>
    /// <param name="error">The exception the operation failed with, or <see langword="null"/> when it succeeded.</param>
    /// <exception cref="ArgumentException"><paramref name="store"/> or <paramref name="operation"/> is null or empty.</exception>
    public static void Record(string store, string operation, long started, Exception? error = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(store);
        ArgumentException.ThrowIfNullOrEmpty(operation);
        if (!Enabled)
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
