namespace MarketFeed.Testing;

/// <summary>Locates the repository root and the shared real-data folder from a test.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding MarketFeed.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The shared historical data folder (../shared/data next to the checkout).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>The config folder.</summary>
    public static string Config => Path.Combine(RepoRoot, "config");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MarketFeed.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MarketFeed.sln not found above " + AppContext.BaseDirectory);
    }
}
