using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Declarative;

/// <summary>
/// Reads a <c>kind: Project</c> object: <c>spec.sourceRepos</c>, <c>spec.destinations</c> (each
/// <c>namespace</c> and <c>clusterSelector</c>), <c>spec.allowedKinds</c> and <c>spec.deniedKinds</c>.
/// </summary>
internal static class ProjectReader
{
    public static CreateProjectRequest Read(string name, StrictMap spec)
    {
        var project = new Project { Name = name, Spec = new ProjectSpec() };
        project.Spec.SourceRepos.Add(spec.Strings("sourceRepos"));
        foreach (var destination in spec.Maps("destinations"))
        {
            var proto = new ProjectDestination { Namespace = destination.String("namespace") ?? string.Empty };
            proto.ClusterSelector.Add(destination.StringMap("clusterSelector"));
            destination.Done();
            project.Spec.Destinations.Add(proto);
        }
        project.Spec.AllowedKinds.Add(spec.Strings("allowedKinds"));
        project.Spec.DeniedKinds.Add(spec.Strings("deniedKinds"));
        spec.Done();
        return new CreateProjectRequest { Project = project, Upsert = true };
    }
}
