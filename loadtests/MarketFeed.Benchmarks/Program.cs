using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "import-cputime")
{
    MarketFeed.Benchmarks.ImportCpuTime.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(MarketFeed.Benchmarks.EngineIngestBenchmarks).Assembly).Run(args);
