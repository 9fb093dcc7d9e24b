namespace GitOpsFleet.Hub.Grains;

// Approval: a cluster that joined with a token requiring it is sent nothing until approved.
internal sealed partial class ClusterGrain
{
    public async Task<bool> ApproveAsync()
    {
        if (!state.State.Exists)
        {
            return false;
        }
        if (!state.State.PendingApproval)
        {
            return true;
        }
        state.State.PendingApproval = false;
        await state.WriteStateAsync();
        await AppendEventAsync(EventTypes.ClusterRegistered, $"cluster {Name} approved");
        if (_observer is not null)
        {
            // A connected agent catches up now rather than at its next reconnect.
            foreach (var (app, entry) in state.State.Apps.Where(a => !a.Value.Removed))
            {
                var message = await ToDesiredAsync(app, entry);
                if (message is not null)
                {
                    _ = _observer.OnDesiredAsync(message);
                }
            }
        }
        return true;
    }
}
