using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>What erasing a customer removed.</summary>
/// <param name="Events">Events removed.</param>
/// <param name="States">Instance states removed.</param>
public readonly record struct ErasureResult(int Events, int States);
