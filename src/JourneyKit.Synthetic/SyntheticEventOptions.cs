using System.Globalization;

namespace JourneyKit.Synthetic;

/// <summary>Options for <see cref="SyntheticEventGenerator"/>: how many customers, the seed, the time frame and how often
/// each kind of real-world mess happens.</summary>
/// <remarks>
/// <para>Probabilities are per opportunity: <see cref="DropOutProbability"/>, <see cref="FailureProbability"/>,
/// <see cref="StuckProbability"/> and <see cref="BacktrackProbability"/> apply each time a customer leaves a stage;
/// <see cref="ChannelSwitchProbability"/>, <see cref="TieProbability"/>, <see cref="DuplicateProbability"/> and
/// <see cref="OutOfOrderProbability"/> apply to each event.</para>
/// <threadsafety>Instances are immutable once created and may be shared.</threadsafety>
/// </remarks>
public sealed class SyntheticEventOptions
{
    /// <summary>Gets the number of customers to generate.</summary>
    /// <value>The default value is 1,000. Must be zero or more.</value>
    public int Customers { get; init; } = 1000;

    /// <summary>Gets the seed: the same seed, journey and options give the same events, on every platform and .NET version.</summary>
    /// <value>The default value is 1.</value>
    public ulong Seed { get; init; } = 1;

    /// <summary>Gets the earliest time a customer starts the journey.</summary>
    /// <value>The default value is 2026-01-01T00:00:00Z.</value>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the window in which customers start: each starts at <see cref="Start"/> plus a uniform random part of it.</summary>
    /// <value>The default value is 30 days. Must be zero or more.</value>
    public TimeSpan ArrivalWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Gets the standard time assumed for a stage that has none.</summary>
    /// <value>The default value is 1 day. Must be positive.</value>
    public TimeSpan DefaultStandardTime { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Gets the chance that a customer stops in a stage (a dead end) instead of moving on.</summary>
    /// <value>The default value is 0.12. From 0 to 1; with <see cref="FailureProbability"/> at most 1.</value>
    public double DropOutProbability { get; init; } = 0.12;

    /// <summary>Gets the chance that a customer moves to a failure stage when leaving a stage (when one is allowed next).</summary>
    /// <value>The default value is 0.04. From 0 to 1.</value>
    public double FailureProbability { get; init; } = 0.04;

    /// <summary>Gets the chance that a customer stays in a stage longer than its standard time (stuck) before moving on.</summary>
    /// <value>The default value is 0.15. From 0 to 1.</value>
    public double StuckProbability { get; init; } = 0.15;

    /// <summary>Gets the chance that a customer goes back to an allowed earlier stage (at most twice per customer).</summary>
    /// <value>The default value is 0.08. From 0 to 1.</value>
    public double BacktrackProbability { get; init; } = 0.08;

    /// <summary>Gets the chance that an event prefers a touchpoint on another channel than the customer's current one.</summary>
    /// <value>The default value is 0.15. From 0 to 1.</value>
    public double ChannelSwitchProbability { get; init; } = 0.15;

    /// <summary>Gets the chance that an event has exactly the timestamp of the customer's previous event.</summary>
    /// <value>The default value is 0.03. From 0 to 1.</value>
    public double TieProbability { get; init; } = 0.03;

    /// <summary>Gets the chance that an event is written twice with the same event id (needs <see cref="IncludeEventIds"/>).</summary>
    /// <value>The default value is 0.005. From 0 to 1.</value>
    public double DuplicateProbability { get; init; } = 0.005;

    /// <summary>Gets the chance that an event is written after the customer's next event instead of before it.</summary>
    /// <value>The default value is 0.005. From 0 to 1.</value>
    public double OutOfOrderProbability { get; init; } = 0.005;

    /// <summary>Gets a value indicating whether events carry event ids (<c>e17-3</c>: customer 17, event 3).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeEventIds { get; init; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Customers < 0)
        {
            problems.Add($"Customers: {Customers.ToString(CultureInfo.InvariantCulture)} is negative");
        }

        if (ArrivalWindow < TimeSpan.Zero)
        {
            problems.Add($"ArrivalWindow: {ArrivalWindow} is negative");
        }

        if (DefaultStandardTime <= TimeSpan.Zero)
        {
            problems.Add($"DefaultStandardTime: {DefaultStandardTime} is not positive");
        }

        Probability(problems, nameof(DropOutProbability), DropOutProbability);
        Probability(problems, nameof(FailureProbability), FailureProbability);
        Probability(problems, nameof(StuckProbability), StuckProbability);
        Probability(problems, nameof(BacktrackProbability), BacktrackProbability);
        Probability(problems, nameof(ChannelSwitchProbability), ChannelSwitchProbability);
        Probability(problems, nameof(TieProbability), TieProbability);
        Probability(problems, nameof(DuplicateProbability), DuplicateProbability);
        Probability(problems, nameof(OutOfOrderProbability), OutOfOrderProbability);
        if (DropOutProbability + FailureProbability > 1)
        {
            problems.Add("DropOutProbability + FailureProbability is more than 1");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The synthetic event options are not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }
    }

    private static void Probability(List<string> problems, string name, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            problems.Add($"{name}: {value.ToString(CultureInfo.InvariantCulture)} is not a probability from 0 to 1");
        }
    }
}
