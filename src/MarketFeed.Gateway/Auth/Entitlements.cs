namespace MarketFeed.Gateway.Auth;

/// <summary>An identity's entitlements, compiled for lookups on the control path. Immutable.</summary>
internal sealed class Entitlements
{
    private readonly Patterns _symbols;
    private readonly Patterns _datasets;

    public Entitlements(EntitlementOptions options, IReadOnlyList<string>? narrowSymbols = null)
    {
        _symbols = new Patterns(options.Symbols ?? ["*"]);
        Narrowed = narrowSymbols is null ? null : new Patterns(narrowSymbols);
        _datasets = new Patterns(options.Datasets ?? ["*"]);
        FullMode = options.FullMode;
        MinThrottle = options.MinThrottle;
        Replay = options.Replay;
        MaxConnections = options.MaxConnections;
        MaxSubscriptions = options.MaxSubscriptions;
        Admin = options.Admin;
    }

    /// <summary>Everything (anonymous access with auth off).</summary>
    public static Entitlements All { get; } = new(new EntitlementOptions());

    public bool FullMode { get; }

    public int MinThrottle { get; }

    public bool Replay { get; }

    public int MaxConnections { get; }

    public int MaxSubscriptions { get; }

    /// <summary>May read <c>/api/admin/*</c>.</summary>
    public bool Admin { get; }

    private Patterns? Narrowed { get; }

    /// <summary>True if the symbol matches the profile (and the token's narrowing, if any).</summary>
    public bool AllowsSymbol(string symbol) => _symbols.Matches(symbol) && (Narrowed?.Matches(symbol) ?? true);

    /// <summary>True if replays are allowed and the dataset matches.</summary>
    public bool AllowsDataset(string? dataset) => Replay && (dataset is null || _datasets.Matches(dataset));

    private sealed class Patterns
    {
        private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
        private readonly List<string> _prefixes = [];
        private readonly bool _all;

        public Patterns(IEnumerable<string> patterns)
        {
            foreach (string p in patterns)
            {
                if (p == "*")
                {
                    _all = true;
                }
                else if (p.EndsWith('*'))
                {
                    _prefixes.Add(p[..^1]);
                }
                else if (p.Length > 0)
                {
                    _exact.Add(p);
                }
            }
        }

        public bool Matches(string name)
        {
            if (_all || _exact.Contains(name))
            {
                return true;
            }

            foreach (string prefix in _prefixes)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
