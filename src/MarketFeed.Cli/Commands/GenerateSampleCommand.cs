using System.CommandLine;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.Universe;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary>
/// <c>marketfeed generate-sample</c>: regenerate the synthetic quick-start dataset CSV and its mapping
/// (<c>config/datasets/sample-equities.csv</c>) deterministically from the simulator.
/// </summary>
internal static class GenerateSampleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var universe = new Option<string>("--universe") { Description = "Symbol universe CSV", DefaultValueFactory = _ => Path.Combine("config", "symbols.csv") };
        var output = new Option<string>("--output", "-o") { Description = "CSV to write (the mapping NAME.mapping.json is written beside it)", DefaultValueFactory = _ => Path.Combine("config", "datasets", SampleDataGenerator.DefaultName + ".csv") };
        var ticks = new Option<int>("--ticks") { Description = "Number of ticks", DefaultValueFactory = _ => 20_000 };
        var symbols = new Option<int>("--symbols") { Description = "Number of symbols (the first ones of the universe)", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 20240603UL };
        var command = new Command("generate-sample", "Regenerate the synthetic sample dataset CSV (deterministic: same options, same bytes)") { universe, output, ticks, symbols, seed };
        command.SetAction(parseResult =>
        {
            Output.ConsoleWidth.AvoidWrapping();
            string universePath = parseResult.GetValue(universe)!;
            string outputPath = parseResult.GetValue(output)!;
            try
            {
                int rows = SampleDataGenerator.Generate(SymbolUniverseFile.Load(universePath), outputPath, Math.Max(1, parseResult.GetValue(ticks)), Math.Max(1, parseResult.GetValue(symbols)), parseResult.GetValue(seed));
                AnsiConsole.MarkupLine($"wrote {rows} rows to {Markup.Escape(outputPath)} and {Markup.Escape(SampleDatasets.MappingPathFor(outputPath))}");
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
            {
                CommonOptions.Error(ex.Message);
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
