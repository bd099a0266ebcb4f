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
