namespace GitOpsFleet.Hub.Grains;

internal sealed class ProjectGrain(
    [PersistentState("project")] IPersistentState<ProjectState> state) : Grain, IProjectGrain
{
    private string Name => this.GetPrimaryKeyString();

    public async Task<ProjectModel> CreateAsync(ProjectModel project, bool upsert)
    {
        if (Name == ProjectModel.DefaultName)
        {
            throw new HubException(HubErrorKind.FailedPrecondition, "project default is built in and allows everything; it cannot be changed", "project.name");
        }
        if (state.State.Project is not null && !upsert)
        {
            throw new HubException(HubErrorKind.AlreadyExists, $"project {Name} already exists (use upsert to replace it)");
        }
        state.State.Project = project with
        {
            Name = Name,
            CreatedUnixMs = state.State.Project?.CreatedUnixMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        await state.WriteStateAsync();
        await GrainFactory.Index(ProjectKeys.Index).SetAsync(Name, new Dictionary<string, string>());
        return state.State.Project;
    }

    public Task<ProjectModel?> GetAsync() =>
        Task.FromResult(Name == ProjectModel.DefaultName ? ProjectModel.Default : state.State.Project);

    public async Task<bool> DeleteAsync()
    {
        if (Name == ProjectModel.DefaultName)
        {
            throw new HubException(HubErrorKind.FailedPrecondition, "project default is built in; it cannot be deleted", "name");
        }
        if (state.State.Project is null)
        {
            return false;
        }
        await state.ClearStateAsync();
        state.State = new ProjectState();
        await GrainFactory.Index(ProjectKeys.Index).RemoveAsync(Name);
        return true;
    }
}
