namespace GitOpsFleet.Hub.Grains;

/// <summary>One project (key: project name). The default project is built in and never stored.</summary>
public interface IProjectGrain : IGrainWithStringKey
{
    /// <summary>Creates (or with <paramref name="upsert"/> replaces) the project.</summary>
    Task<ProjectModel> CreateAsync(ProjectModel project, bool upsert);

    /// <summary>The project, the built-in one for "default", or null when it does not exist.</summary>
    Task<ProjectModel?> GetAsync();

    /// <summary>Deletes the project; false when it did not exist.</summary>
    Task<bool> DeleteAsync();
}

/// <summary>Where projects are listed and how to reach one.</summary>
public static class ProjectKeys
{
    /// <summary>Key of the <see cref="INameIndexGrain"/> listing project names.</summary>
    public const string Index = "projects";

    public static IProjectGrain Project(this IGrainFactory grains, string name) => grains.GetGrain<IProjectGrain>(name);
}
