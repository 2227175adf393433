namespace MarketFeed.LoadTests.Simulation;

/// <summary>One step of a <see cref="LoadSimulation"/>.</summary>
/// <param name="Kind">What the step does.</param>
/// <param name="Connections">Target open connections (ramp/keep) or worker count (iterations).</param>
/// <param name="During">Step duration; for iterations, the time limit.</param>
/// <param name="Iterations">Iterations per worker (iterations steps only).</param>
public sealed record LoadStep(LoadStepKind Kind, int Connections, TimeSpan During, int Iterations = 0)
{
    /// <summary>Human-readable form for reports.</summary>
    public override string ToString() => Kind switch
    {
        LoadStepKind.RampingConstant => $"RampingConstant(copies: {Connections}, during: {During.TotalSeconds:0.#}s)",
        LoadStepKind.KeepConstant => $"KeepConstant(copies: {Connections}, during: {During.TotalSeconds:0.#}s)",
        LoadStepKind.Pause => $"Pause({During.TotalSeconds:0.#}s)",
        _ => $"IterationsForConstant(copies: {Connections}, iterations: {Iterations}, limit: {During.TotalSeconds:0.#}s)",
    };
}
