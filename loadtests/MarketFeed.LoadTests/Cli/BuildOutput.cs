namespace MarketFeed.LoadTests.Cli;

/// <summary>Finds the server assemblies built next to this repo (for self-hosted runs).</summary>
public static class BuildOutput
{
    /// <summary>Path of <c>{project}.dll</c> under <c>{folder}/{project}/bin/{config}/net10.0/</c>, preferring this build's configuration.</summary>
    public static string Find(string folder, string project)
    {
        string config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string other = config == "Release" ? "Debug" : "Release";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (int i = 0; i < 10 && dir is not null; i++, dir = dir.Parent)
        {
            string projectDir = Path.Combine(dir.FullName, folder, project);
            if (Directory.Exists(projectDir))
            {
                foreach (string c in new[] { config, other })
                {
                    string dll = Path.Combine(projectDir, "bin", c, "net10.0", project + ".dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                }

                return Path.Combine(projectDir, "bin", config, "net10.0", project + ".dll");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, project + ".dll");
    }
}
