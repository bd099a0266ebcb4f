using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JourneyKit.Internal;

/// <summary>The one <see cref="Meter"/> (named and versioned) and <see cref="ActivitySource"/> of the core package.</summary>
internal static class JourneyKitTelemetry
{
    public static readonly Meter Meter = new(JourneyKitDiagnostics.MeterName, JourneyKitDiagnostics.MeterVersion);

    public static readonly ActivitySource ActivitySource = new(JourneyKitDiagnostics.ActivitySourceName, JourneyKitDiagnostics.MeterVersion);
}
