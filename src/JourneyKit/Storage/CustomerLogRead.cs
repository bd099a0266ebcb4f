using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>One read of <see cref="EventStore.ReadManyAsync"/>: a customer's events from an instant on.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="From">The inclusive start; null for the whole log.</param>
public readonly record struct CustomerLogRead(string CustomerId, DateTimeOffset? From);
