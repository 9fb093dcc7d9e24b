using GitOpsFleet.Sources.Git;
using GitOpsFleet.Sources.Rendering.Tools;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>
/// Renderers that run an external tool (kustomize, jsonnet, helm) in a fresh checkout of the exact commit,
/// written to a private temp folder that is deleted afterwards.
/// </summary>
internal static class ToolRenderers
{
    public static async Task<RenderedBundle> RenderAsync(RenderPlan plan, RenderContext context, CancellationToken cancellationToken)
    {
        var tool = plan.Renderer switch
        {
            RenderPlan.Kustomize => ResolveKustomize(context.ToolSearchPath),
            RenderPlan.Jsonnet => ToolProcess.Find("jsonnet", context.ToolSearchPath) is { } jsonnet ? (jsonnet, Array.Empty<string>())
                : throw new SourceException("jsonnet not found on PATH; install jsonnet (Debian: apt-get install jsonnet) to use the jsonnet renderer"),
            RenderPlan.Helm => ToolProcess.Find("helm", context.ToolSearchPath) is { } helm ? (helm, Array.Empty<string>())
                : throw new SourceException("helm not found on PATH; install helm 3 to use the helm renderer"),
            _ => throw new SourceException($"renderer '{plan.Renderer}' is unknown ({context.Label})"),
        };

        var work = Path.Combine(Path.GetTempPath(), "gitopsfleet-render", Guid.NewGuid().ToString("N"));
        var source = Path.Combine(work, "src");
        var home = Path.Combine(work, "home");
        Directory.CreateDirectory(home);
        try
        {
            // A checkout may be larger than the output; allow it ten times the output cap.
            CheckoutMaterializer.Materialize(context.Commit, source, context.Path, context.Label, context.MaxOutputBytes * 10, cancellationToken);
            var appDirectory = context.Path.Length == 0 ? source : Path.Combine(source, context.Path.Replace('/', Path.DirectorySeparatorChar));
            if (!Directory.Exists(appDirectory) && !File.Exists(appDirectory))
                throw new SourceException($"path '{context.Path}' not found ({context.Label})");

            string Mask(string text) => SecretMasker.Mask(text.Replace(source + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace(source, ".", StringComparison.Ordinal), context.Request.Repository);
            var builder = new BundleBuilder(context.MaxOutputBytes, context.Label);
            switch (plan.Renderer)
            {
                case RenderPlan.Kustomize:
                    await KustomizeAsync(tool, source, appDirectory, home, context, builder, Mask, cancellationToken).ConfigureAwait(false);
                    break;
                case RenderPlan.Jsonnet:
                    await JsonnetAsync(tool.Item1, source, appDirectory, home, context, plan.Parameters, builder, Mask, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await HelmAsync(tool.Item1, source, appDirectory, work, home, context, plan.Parameters, builder, Mask, cancellationToken).ConfigureAwait(false);
                    break;
            }

            return builder.Build();
        }
        finally
        {
            TryDelete(work);
        }
    }

    private static (string, string[]) ResolveKustomize(string? searchPath)
    {
        if (ToolProcess.Find("kustomize", searchPath) is { } kustomize) return (kustomize, ["build"]);
        if (ToolProcess.Find("kubectl", searchPath) is { } kubectl) return (kubectl, ["kustomize"]);
        throw new SourceException("kustomize not found on PATH; install kustomize or kubectl to use the kustomize renderer");
    }

    private static async Task KustomizeAsync((string Executable, string[] Prefix) tool, string source, string appDirectory, string home,
        RenderContext context, BundleBuilder builder, Func<string, string> mask, CancellationToken cancellationToken)
    {
        if (!KustomizationCheck.FileNames.Any(f => File.Exists(Path.Combine(appDirectory, f))))
            throw new SourceException($"path '{context.Path}' has no kustomization.yaml ({context.Label})");
        KustomizationCheck.Check(source, context.Label);
        var output = await ToolProcess.RunAsync(tool.Executable, [.. tool.Prefix, appDirectory], source, home, context.MaxOutputBytes, context.Label, mask, cancellationToken).ConfigureAwait(false);
        builder.AddFile($"kustomize build {DisplayPath(context)}", Parsing.ManifestParser.ParseYaml(output, $"kustomize build {DisplayPath(context)}"));
    }

    private static async Task JsonnetAsync(string jsonnet, string source, string appDirectory, string home,
        RenderContext context, ResolvedParameters parameters, BundleBuilder builder, Func<string, string> mask, CancellationToken cancellationToken)
    {
        var entries = File.Exists(appDirectory)
            ? [appDirectory]
            : Directory.EnumerateFiles(appDirectory, "*.jsonnet").Order(StringComparer.Ordinal).ToArray();
        if (entries.Length == 0)
            throw new SourceException($"path '{context.Path}' has no .jsonnet file ({context.Label})");

        // Libraries: the repository root and any vendor/ folder (jsonnet-bundler's layout).
        var libraries = new List<string> { source };
        foreach (var library in parameters.JsonnetLibraries)
        {
            var full = Path.Combine(source, library.Replace('/', Path.DirectorySeparatorChar));
            if (!Directory.Exists(full))
                throw new SourceException($"jsonnet library path '{library}' not found ({context.Label})");
            if (!libraries.Contains(full)) libraries.Add(full);
        }
        foreach (var vendor in new[] { Path.Combine(source, "vendor"), Path.Combine(File.Exists(appDirectory) ? Path.GetDirectoryName(appDirectory)! : appDirectory, "vendor") })
            if (Directory.Exists(vendor) && !libraries.Contains(vendor)) libraries.Add(vendor);
        JsonnetImportCheck.Check(source, libraries, context.Label);

        var cluster = RenderPlan.ClusterJson(context.Request.Cluster);
        foreach (var entry in entries)
        {
            var args = new List<string>();
            foreach (var library in libraries) args.AddRange(["-J", library]);
            args.AddRange(["--ext-code", "cluster=" + cluster, "--ext-str", "clusterName=" + context.Request.Cluster.Name]);
            foreach (var (key, value) in parameters.JsonnetExtVars) args.AddRange(["--ext-str", key + "=" + value]);
            foreach (var (key, value) in parameters.JsonnetTlas) args.AddRange(["--tla-str", key + "=" + value]);
            args.Add(entry);
            var output = await ToolProcess.RunAsync(jsonnet, args, Path.GetDirectoryName(entry)!, home, context.MaxOutputBytes, context.Label, mask, cancellationToken).ConfigureAwait(false);
            var name = RepositoryPaths.Relative(source, entry);
            builder.AddFile(name, Parsing.ManifestParser.ParseJsonOutput(output, name));
        }
    }

    private static async Task HelmAsync(string helm, string source, string appDirectory, string work, string home,
        RenderContext context, ResolvedParameters parameters, BundleBuilder builder, Func<string, string> mask, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(appDirectory, "Chart.yaml")))
            throw new SourceException($"path '{context.Path}' has no Chart.yaml ({context.Label})");
        var release = parameters.HelmReleaseName
            ?? (context.Path.Length == 0 ? "release" : context.Path[(context.Path.LastIndexOf('/') + 1)..].ToLowerInvariant());
        var args = new List<string> { "template", release, appDirectory, "--include-crds" };
        foreach (var file in parameters.HelmValuesFiles)
        {
            // Resolved inside the repository already; the checkout holds no symbolic links, so this reads only the checkout.
            var full = Path.Combine(source, file.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(full))
                throw new SourceException($"helm values file '{file}' not found ({context.Label})");
            args.AddRange(["--values", full]);
        }
        if (parameters.HelmValues is { } inline)
        {
            var inlineFile = Path.Combine(work, "inline-values.yaml");
            await File.WriteAllTextAsync(inlineFile, inline, cancellationToken).ConfigureAwait(false);
            args.AddRange(["--values", inlineFile]);
        }
        // --set splits on ',' : escape it so a value stays one value.
        foreach (var (key, value) in parameters.HelmParameters)
            args.AddRange(["--set", key + "=" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)]);
        var output = await ToolProcess.RunAsync(helm, args, appDirectory, home, context.MaxOutputBytes, context.Label, mask, cancellationToken).ConfigureAwait(false);
        builder.AddFile($"helm template {DisplayPath(context)}", Parsing.ManifestParser.ParseYaml(output, $"helm template {DisplayPath(context)}"));
    }

    private static string DisplayPath(RenderContext context) => context.Path.Length == 0 ? "." : context.Path;

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless and cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
