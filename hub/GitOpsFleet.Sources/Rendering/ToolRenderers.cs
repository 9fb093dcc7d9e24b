namespace GitOpsFleet.Sources.Rendering;

/// <summary>Renderers that run an external tool (kustomize, jsonnet, helm) on a fresh checkout of the commit.</summary>
internal static class ToolRenderers
{
    public static Task<RenderedBundle> RenderAsync(RenderPlan plan, RenderContext context, CancellationToken cancellationToken) =>
        throw new SourceException($"renderer '{plan.Renderer}' is not available in this hub yet ({context.Label})");
}
