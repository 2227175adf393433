// The CLI writes to the process-wide Console and AnsiConsole, which CliRunner redirects: run tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
