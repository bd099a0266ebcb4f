using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>One write of <see cref="InstanceStateStore.SaveManyAsync"/>: the arguments of <see cref="InstanceStateStore.SaveAsync"/>.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="JourneyVersion">The journey version.</param>
/// <param name="State">The state bytes.</param>
/// <param name="DueAt">When a timer must look at it next, or null.</param>
/// <param name="ExpectedETag">The ETag read, or null when creating.</param>
public readonly record struct StateWrite(string CustomerId, string JourneyId, int JourneyVersion, ReadOnlyMemory<byte> State, DateTimeOffset? DueAt, string? ExpectedETag);
