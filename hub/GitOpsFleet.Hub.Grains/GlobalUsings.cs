global using Orleans.Concurrency;
