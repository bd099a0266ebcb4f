namespace JourneyKit.Orchestration;

/// <summary>The customers' states an engine has just saved (<see cref="JourneyEngine.StatesSaved"/>).</summary>
/// <param name="states">The saved states.</param>
public sealed class JourneyStatesSavedEventArgs(IReadOnlyList<CustomerState> states) : EventArgs
{
    /// <summary>Gets the saved states, one per customer, as saved. Read them during the call only: the engine goes on
    /// to record dispatch outcomes on them.</summary>
    public IReadOnlyList<CustomerState> States { get; } = states;
}
