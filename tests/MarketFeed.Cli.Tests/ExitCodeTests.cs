namespace MarketFeed.Cli.Tests;

/// <summary>
/// Every command-line error exits 64 (docs/client.md), whether System.CommandLine's parser finds it (unknown command or
/// option, missing or unparsable value) or a command's own check does: 1 means "cannot connect" and must not be reused.
/// </summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("no-such-command")]
    [InlineData("replay", "--dataset", "x", "--bogus")]
    [InlineData("replay")]
    [InlineData("import")]
    [InlineData("inspect")]
    [InlineData("tail", "--count", "abc", "AAPL")]
    [InlineData("ping", "--count", "-")]
    [InlineData("export", "x.mflog")]
    [InlineData("bars", "AAPL", "--last", "many")]
    [InlineData("record")]
    public async Task ParseErrors_ExitWithUsage_AndSayWhy(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.True(result.ExitCode == CliApp.UsageExitCode, result.ToString());
        Assert.Equal(64, CliApp.UsageExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr), "a usage error names the problem on stderr");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("replay", "--help")]
    [InlineData("--version")]
    public async Task HelpAndVersion_ExitZero(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
