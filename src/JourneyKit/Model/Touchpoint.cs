namespace JourneyKit.Model;

/// <summary>A named interaction on a channel, such as <c>app.open</c> on mobile.</summary>
/// <param name="Id">The touchpoint id that events carry; unique within a journey.</param>
/// <param name="Name">A human-readable name; defaults to the id when empty.</param>
/// <param name="Channel">The channel; <see cref="Channel.None"/> when not fixed.</param>
/// <param name="Kind">The kind.</param>
public sealed record Touchpoint(string Id, string Name, Channel Channel, TouchpointKind Kind = TouchpointKind.Interaction);
