using BenchmarkDotNet.Running;

// Run by hand (not by CI): dotnet run -c Release --project bench/Testbed.Benchmarks -- --job short --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Testbed.Benchmarks.PolicyWireBenchmarks).Assembly).Run(args);
