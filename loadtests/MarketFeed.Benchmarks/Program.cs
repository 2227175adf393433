using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MarketFeed.Benchmarks.EngineIngestBenchmarks).Assembly).Run(args);
