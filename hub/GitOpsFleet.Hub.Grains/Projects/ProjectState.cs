namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class ProjectState
{
    [Id(0)] public ProjectModel? Project { get; set; }
}
