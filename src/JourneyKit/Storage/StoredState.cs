using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>A customer's stored instance state for one journey.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="JourneyVersion">The journey version the state was evaluated against.</param>
/// <param name="State">The opaque state (e.g. <c>JourneyInstance.Serialize()</c>).</param>
/// <param name="ETag">The version tag to pass back when saving; changes on every save.</param>
/// <param name="DueAt">When a timer must look at this state next, or null.</param>
public sealed record StoredState(string CustomerId, string JourneyId, int JourneyVersion, ReadOnlyMemory<byte> State, string ETag, DateTimeOffset? DueAt);
