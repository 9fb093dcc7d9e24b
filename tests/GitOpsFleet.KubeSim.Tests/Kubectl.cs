using System.Diagnostics;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Runs the real kubectl against one simulated cluster through its own kubeconfig.</summary>
public sealed class Kubectl(SimulatedCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubesim-test-").FullName;

    public string KubeconfigPath => field ??= cluster.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => await RunWithTimeoutAsync(TimeSpan.FromSeconds(60), args);

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunWithTimeoutAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["KUBECONFIG"] = KubeconfigPath;
        psi.Environment["KUBECACHEDIR"] = Path.Combine(_dir, "cache");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (get -w) whose output can be read while it runs.</summary>
    public Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["KUBECONFIG"] = KubeconfigPath;
        psi.Environment["KUBECACHEDIR"] = Path.Combine(_dir, "cache");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi)!;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind harms nobody.
        }
    }
}
