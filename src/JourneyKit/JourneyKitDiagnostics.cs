namespace JourneyKit;

/// <summary>
/// Names of JourneyKit's diagnostics: the meter and its version, the activity source and the tags its instruments carry
/// (docs/orchestration.md#telemetry). With OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddMeter(JourneyKitDiagnostics.MeterName))</c>
/// and <c>.WithTracing(t =&gt; t.AddSource(JourneyKitDiagnostics.ActivitySourceName))</c>.
/// </summary>
public static class JourneyKitDiagnostics
{
    /// <summary>The name of JourneyKit's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>JourneyKit</c>. The store packages report under the same name.</summary>
    public const string MeterName = "JourneyKit";

    /// <summary>
    /// The version of the meter (<see cref="System.Diagnostics.Metrics.Meter.Version"/>): <c>1.0</c>. It names the set of
    /// instruments, their units and their tags; it changes when one is renamed, removed or changes meaning (a new
    /// instrument or tag is a minor change: <c>1.1</c>).
    /// </summary>
    public const string MeterVersion = "1.0";

    /// <summary>The name of JourneyKit's <see cref="System.Diagnostics.ActivitySource"/>: <c>JourneyKit</c>.</summary>
    public const string ActivitySourceName = "JourneyKit";

    /// <summary>The tag with the journey's id, on every orchestration instrument: <c>journeykit.journey.id</c>.</summary>
    public const string JourneyIdTag = "journeykit.journey.id";

    /// <summary>The tag with the rule's name, on <c>journeykit.interventions.dropped</c>: <c>journeykit.rule</c>.</summary>
    public const string RuleTag = "journeykit.rule";

    /// <summary>
    /// The tag with why an occurrence was dropped, on <c>journeykit.interventions.dropped</c>: <c>journeykit.reason</c>, one
    /// of <c>suppressed</c>, <c>cooldown</c>, <c>rule_frequency_cap</c>, <c>customer_frequency_cap</c>, <c>evaluation_limit</c>.
    /// </summary>
    public const string ReasonTag = "journeykit.reason";

    /// <summary>The tag with the store, on the store instruments: <c>journeykit.store</c> (<c>sqlite</c>, <c>postgresql</c>).</summary>
    public const string StoreTag = "journeykit.store";

    /// <summary>
    /// The tag with the store operation, on the store instruments: <c>journeykit.store.operation</c>, e.g.
    /// <c>events.append</c>, <c>events.read</c>, <c>instances.get_many</c>, <c>instances.save_many</c>.
    /// </summary>
    public const string StoreOperationTag = "journeykit.store.operation";

    /// <summary>The tag with the exception type of a failed store operation (OpenTelemetry's <c>error.type</c>); absent on success.</summary>
    public const string ErrorTypeTag = "error.type";
}
