using System.Diagnostics;
using System.Text;

namespace GitOpsFleet.Sources.Rendering.Tools;

/// <summary>
/// Runs a renderer tool as a child process: a bare environment (no credentials, HOME inside the work folder),
/// stdout capped, stderr kept short for the error message, and the whole process tree killed on timeout.
/// </summary>
internal static class ToolProcess
{
    private const int MaxErrorChars = 2000;

    /// <summary>The tool's full path when <paramref name="name"/> is on PATH, else null.</summary>
    public static string? Find(string name, string? searchPath = null)
    {
        var path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    /// <summary>Runs the tool and returns its stdout; failures become <see cref="SourceException"/>s naming the tool and the source.</summary>
    public static async Task<string> RunAsync(string executable, IEnumerable<string> arguments, string workingDirectory, string homeDirectory,
        long maxOutputBytes, string label, Func<string, string> mask, CancellationToken cancellationToken)
    {
        var tool = Path.GetFileName(executable);
        var psi = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);

        // Only what a tool needs: the hub's own secrets and settings stay out of its reach.
        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["HOME"] = homeDirectory;
        psi.Environment["TMPDIR"] = homeDirectory;
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(homeDirectory, ".config");
        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(homeDirectory, ".cache");
        psi.Environment["KUBECONFIG"] = Path.Combine(homeDirectory, "no-kubeconfig");

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SourceException($"{tool} could not be started ({label}): {ex.Message}");
        }

        process.StandardInput.Close();
        using var killOnCancel = cancellationToken.Register(() => Kill(process));
        var stderrTask = ReadTailAsync(process.StandardError, MaxErrorChars);
        string stdout;
        try
        {
            stdout = await ReadCappedAsync(process.StandardOutput, maxOutputBytes).ConfigureAwait(false);
        }
        catch (OutputTooLargeException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw new SourceException($"{tool} output of {label} exceeds the {maxOutputBytes:N0}-byte output limit");
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        var stderr = await stderrTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            var message = mask(stderr.Trim());
            throw new SourceException($"{tool} failed for {label} (exit code {process.ExitCode}): {(message.Length == 0 ? "no message" : message)}");
        }

        return stdout;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, long maxBytes)
    {
        var builder = new StringBuilder();
        var buffer = new char[16 * 1024];
        long bytes = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            bytes += Encoding.UTF8.GetByteCount(buffer, 0, read);
            if (bytes > maxBytes) throw new OutputTooLargeException();
            builder.Append(buffer, 0, read);
        }

        return builder.ToString();
    }

    // Keeps the first part of stderr (where tools put the cause) and drains the rest so the tool never blocks.
    private static async Task<string> ReadTailAsync(StreamReader reader, int maxChars)
    {
        var builder = new StringBuilder();
        var buffer = new char[4096];
        int read;
        var truncated = false;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = maxChars - builder.Length;
            if (room > 0) builder.Append(buffer, 0, Math.Min(room, read));
            if (read > room) truncated = true;
        }

        return truncated ? builder.Append(" …").ToString() : builder.ToString();
    }

    private sealed class OutputTooLargeException : Exception;
}
