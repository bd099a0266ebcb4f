using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>What an append did: events stored, and events skipped because the same (customer, event id) was already stored.</summary>
/// <param name="Appended">Events stored.</param>
/// <param name="Duplicates">Events skipped as duplicates: same customer and same event id as a stored event, or as an
/// earlier event of the same batch.</param>
public readonly record struct AppendResult(int Appended, int Duplicates);
