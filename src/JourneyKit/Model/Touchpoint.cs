namespace JourneyKit.Model;

/// <summary>The kind of a touchpoint.</summary>
public enum TouchpointKind
{
    /// <summary>A customer-initiated interaction (open the app, fill a form).</summary>
    Interaction,

    /// <summary>An outbound communication (email, SMS, push) sent to the customer.</summary>
    Communication,

    /// <summary>A transaction (payment, order, deposit).</summary>
    Transaction,

    /// <summary>A support contact (call, chat, complaint).</summary>
    Support,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>A named interaction on a channel, such as <c>app.open</c> on mobile.</summary>
/// <param name="Id">The touchpoint id that events carry; unique within a journey.</param>
/// <param name="Name">A human-readable name; defaults to the id when empty.</param>
/// <param name="Channel">The channel; <see cref="Channel.None"/> when not fixed.</param>
/// <param name="Kind">The kind.</param>
public sealed record Touchpoint(string Id, string Name, Channel Channel, TouchpointKind Kind = TouchpointKind.Interaction);
