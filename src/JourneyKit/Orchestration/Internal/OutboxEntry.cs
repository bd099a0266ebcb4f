namespace JourneyKit.Orchestration.Internal;

/// <summary>A pending intervention in a customer's outbox.</summary>
internal sealed class OutboxEntry(Intervention intervention, int attempts, long nextAttemptTicks)
{
    public Intervention Intervention { get; } = intervention;

    public int Attempts { get; set; } = attempts;

    public long NextAttemptTicks { get; set; } = nextAttemptTicks;
}
