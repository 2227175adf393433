namespace MarketFeed.Gateway.Hosting;

/// <summary>
/// Finds the config folder: <c>MARKETFEED_CONFIG_DIR</c> if set, else <c>config/</c> under the
/// current directory, else the copy next to the executable (the build copies config/ there).
/// </summary>
public static class ConfigPaths
{
    /// <summary>The config folder in use.</summary>
    public static string Directory { get; } = Find();

    /// <summary>Resolves a path: absolute stays as is; relative is taken against the config folder.</summary>
    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Directory, path));

    private static string Find()
    {
        string? env = Environment.GetEnvironmentVariable("MARKETFEED_CONFIG_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.GetFullPath(env);
        }

        string local = Path.Combine(Environment.CurrentDirectory, "config");
        if (File.Exists(Path.Combine(local, "appsettings.json")))
        {
            return local;
        }

        return Path.Combine(AppContext.BaseDirectory, "config");
    }
}
