using System.Diagnostics;

namespace MarketFeed.IntegrationTests;

/// <summary>A real, tiny file system (tmpfs) mounted by the test, to fill up on purpose; unmounted on dispose.</summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/>; null with <paramref name="reason"/> if this machine does not allow it (not root, no mount).</summary>
    public static SmallDisk? TryMount(long bytes, out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            reason = "a tmpfs mount needs Linux";
            return null;
        }

        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "marketfeed-smalldisk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            reason = $"cannot mount a tmpfs here (mount exit {code}: {output.Trim()}); run the tests as root to cover the full-disk case";
            return null;
        }

        return new SmallDisk(path);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Run("umount", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            return process.WaitForExit(10_000) ? (process.ExitCode, output) : (-1, "timed out");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
