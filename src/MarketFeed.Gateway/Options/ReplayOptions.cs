namespace MarketFeed.Gateway.Options;

/// <summary>Replay datasets and the replay source (section "Replay").</summary>
public sealed class ReplayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Replay";

    /// <summary>Folder of tick logs (<c>*.mflog</c>); each file is a dataset. Relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Import the shipped sample CSVs (config/datasets) into <see cref="DataDirectory"/> on start when missing.</summary>
    public bool ImportSamples { get; set; } = true;

    /// <summary>With <c>Feed:Source=replay</c>: the dataset the live feed replays.</summary>
    public string? Dataset { get; set; }

    /// <summary>With <c>Feed:Source=replay</c>: speed, e.g. "1", "10", "max".</summary>
    public string Speed { get; set; } = "1";

    /// <summary>With <c>Feed:Source=replay</c>: start again at the end.</summary>
    public bool Loop { get; set; } = true;

    /// <summary>Most concurrent per-client replay sessions on the server (each reads a file on its own task).</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>
    /// Cap on replayed ticks per second over all per-client replay sessions together (0 = none).
    /// Keeps max-speed replays from taking the CPU the live feed needs; the live feed itself
    /// (<c>Feed:Source=replay</c>) is never capped by it.
    /// </summary>
    public long MaxTicksPerSecond { get; set; }

    /// <summary>Seconds between replay status messages while playing.</summary>
    public double StatusIntervalSeconds { get; set; } = 1;

    /// <summary>Throws with the key name if a value is out of range.</summary>
    public void Validate()
    {
        if (MaxSessions < 1)
        {
            throw new InvalidOperationException($"configuration {SectionName}:{nameof(MaxSessions)} must be >= 1");
        }

        if (MaxTicksPerSecond is < 0 or > MarketFeed.Gateway.Replay.ReplayRateLimiter.MaxTicksPerSecond)
        {
            throw new InvalidOperationException($"configuration {SectionName}:{nameof(MaxTicksPerSecond)} must be 0 (no cap) .. {MarketFeed.Gateway.Replay.ReplayRateLimiter.MaxTicksPerSecond}");
        }

        if (StatusIntervalSeconds <= 0)
        {
            throw new InvalidOperationException($"configuration {SectionName}:{nameof(StatusIntervalSeconds)} must be > 0");
        }

        if (!MarketFeed.Sources.Replay.ReplaySpeed.TryParse(Speed, out _))
        {
            throw new InvalidOperationException($"configuration {SectionName}:{nameof(Speed)} must be a positive number or \"max\"");
        }
    }
}
