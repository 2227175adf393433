namespace MarketFeed.LoadTests.Simulation;

/// <summary>
/// A chain of load steps over connections, in NBomber's vocabulary:
/// <c>LoadSimulation.RampingConstant(1000, 5s).KeepConstant(1000, 30s).Pause(2s)</c>.
/// The source tick rate is part of the scenario (<c>ScenarioDefinition.TickRates</c>): one rate
/// per run, or a list of rates run one after another (a stepped rate ramp).
/// </summary>
public sealed class LoadSimulation
{
    private readonly List<LoadStep> _steps = [];

    /// <summary>Steps in order.</summary>
    public IReadOnlyList<LoadStep> Steps => _steps;

    /// <summary>Total planned duration (iteration steps count with their time limit).</summary>
    public TimeSpan Duration
    {
        get
        {
            var total = TimeSpan.Zero;
            foreach (var s in _steps)
            {
                total += s.During;
            }

            return total;
        }
    }

    /// <summary>Largest connection count any step asks for.</summary>
    public int PeakConnections
    {
        get
        {
            int peak = 0;
            foreach (var s in _steps)
            {
                peak = Math.Max(peak, s.Connections);
            }

            return peak;
        }
    }

    /// <summary>Starts a chain with a ramp.</summary>
    public static LoadSimulation StartRamping(int copies, TimeSpan during) => new LoadSimulation().RampingConstant(copies, during);

    /// <summary>Starts a chain with a constant step.</summary>
    public static LoadSimulation StartConstant(int copies, TimeSpan during) => new LoadSimulation().KeepConstant(copies, during);

    /// <summary>Ramps open connections linearly from the current count to <paramref name="copies"/>.</summary>
    public LoadSimulation RampingConstant(int copies, TimeSpan during) => Add(new LoadStep(LoadStepKind.RampingConstant, copies, during));

    /// <summary>Opens/closes connections at once to reach <paramref name="copies"/>, then holds.</summary>
    public LoadSimulation KeepConstant(int copies, TimeSpan during) => Add(new LoadStep(LoadStepKind.KeepConstant, copies, during));

    /// <summary>Closes all connections and waits.</summary>
    public LoadSimulation Pause(TimeSpan during) => Add(new LoadStep(LoadStepKind.Pause, 0, during));

    /// <summary><paramref name="copies"/> workers each run <paramref name="iterations"/> connect/subscribe/ack/close cycles (bounded by <paramref name="limit"/>).</summary>
    public LoadSimulation IterationsForConstant(int copies, int iterations, TimeSpan limit) => Add(new LoadStep(LoadStepKind.IterationsForConstant, copies, limit, iterations));

    /// <inheritdoc />
    public override string ToString() => string.Join(" -> ", _steps);

    private LoadSimulation Add(LoadStep step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step.Connections);
        if (step.During <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "a step needs a positive duration");
        }

        _steps.Add(step);
        return this;
    }
}
