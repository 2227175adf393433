namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Passed to a scenario's init/clean hooks.</summary>
/// <param name="BaseUri">The server's http base address.</param>
/// <param name="Http">An HTTP client for the server's endpoints.</param>
/// <param name="Symbols">The server's symbols in id (popularity rank) order.</param>
/// <param name="Log">Writes a line to the run log.</param>
public sealed record ScenarioContext(Uri BaseUri, HttpClient Http, IReadOnlyList<string> Symbols, Action<string> Log);
