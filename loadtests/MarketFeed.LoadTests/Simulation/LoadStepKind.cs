namespace MarketFeed.LoadTests.Simulation;

/// <summary>Kinds of load steps, named after NBomber's load simulations.</summary>
public enum LoadStepKind
{
    /// <summary>Ramp the number of open connections linearly to a target over the step.</summary>
    RampingConstant,

    /// <summary>Set the number of open connections to a target at once and hold it.</summary>
    KeepConstant,

    /// <summary>Close every connection and wait (no load).</summary>
    Pause,

    /// <summary>A number of workers each run a count of connect/subscribe/ack/close iterations.</summary>
    IterationsForConstant,
}
