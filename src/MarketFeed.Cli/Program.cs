using System.CommandLine;
using MarketFeed.Cli.Commands;

// One file per command under Commands/, each exposing `static Command Create()`; register new ones here.
var root = new RootCommand("marketfeed: command line tools for the MarketFeed market-data server")
{
    TailCommand.Create(),
    SymbolsCommand.Create(),
    PingCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
