using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JourneyKit.DependencyInjection;

/// <summary>Options of JourneyKit in a service container.</summary>
public sealed class JourneyKitOptions
{
    /// <summary>Gets or sets how long without events makes a journey a dead end.</summary>
    /// <value>Positive. The default value is 14 days.</value>
    public TimeSpan InactivityPeriod { get; set; } = EvaluationOptions.DefaultInactivityPeriod;

    /// <summary>Gets the journeys registered with <see cref="JourneyKitBuilder.AddJourney(Journey)"/>.</summary>
    public IList<Journey> Journeys { get; } = [];
}
