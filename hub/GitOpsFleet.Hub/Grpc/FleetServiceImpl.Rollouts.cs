using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

// Rollouts: status, control (pause, resume, promote, abort), plan, history and rollback.
internal sealed partial class FleetServiceImpl
{
    public override async Task<Rollout> GetRollout(RolloutRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var app = await grains.GetGrain<IApplicationGrain>(request.Name).GetAsync(includeResources: false)
            ?? throw HubException.NotFound($"application {request.Name}");
        var record = await grains.GetGrain<IRolloutGrain>(request.Name).GetAsync();
        return record.ToProto(request.Name, app.Targets.ToDictionary(t => t.Cluster, StringComparer.Ordinal));
    }

    public override Task<Rollout> PauseRollout(RolloutActionRequest request, ServerCallContext context) =>
        RolloutActionAsync(request, (rollout, reason) => rollout.PauseAsync(RolloutActor.Of(context), reason));

    public override Task<Rollout> ResumeRollout(RolloutActionRequest request, ServerCallContext context) =>
        RolloutActionAsync(request, (rollout, reason) => rollout.ResumeAsync(RolloutActor.Of(context), reason));

    public override Task<Rollout> PromoteRollout(RolloutActionRequest request, ServerCallContext context) =>
        RolloutActionAsync(request, (rollout, reason) => rollout.PromoteAsync(RolloutActor.Of(context), reason));

    public override Task<Rollout> AbortRollout(RolloutActionRequest request, ServerCallContext context) =>
        RolloutActionAsync(request, (rollout, reason) => rollout.AbortAsync(RolloutActor.Of(context), reason));

    public override async Task<RolloutPlan> PlanRollout(PlanRolloutRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var plan = await grains.GetGrain<IRolloutGrain>(request.Name).PlanAsync(request.Revision);
        var reply = new RolloutPlan { Application = plan.Application, FromRevision = plan.FromRevision, ToRevision = plan.ToRevision };
        reply.Waves.AddRange(plan.Waves.Select(w => w.ToProto(targets: null)));
        reply.ChangedFiles.AddRange(plan.ChangedFiles);
        reply.ChangedResources.AddRange(plan.ChangedResources);
        if (plan.Error.Length > 0)
        {
            reply.ChangedResources.Add($"! {plan.Error}");
        }
        return reply;
    }

    public override async Task<RolloutHistory> ListRolloutHistory(RolloutRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var history = await grains.GetGrain<IRolloutGrain>(request.Name).HistoryAsync();
        var reply = new RolloutHistory();
        reply.Rollouts.AddRange(history.Select(r => r.ToProto(request.Name)));
        return reply;
    }

    public override async Task<Rollout> RollbackApplication(RollbackApplicationRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        Require(request.ToRevision, "to_revision");
        var record = await grains.GetGrain<IRolloutGrain>(request.Name).RollbackAsync(request.ToRevision, request.AllAtOnce, RolloutActor.Of(context));
        return record.ToProto(request.Name);
    }

    private async Task<Rollout> RolloutActionAsync(RolloutActionRequest request, Func<IRolloutGrain, string, Task<RolloutRecord>> action)
    {
        RequireDnsLabel(request.Name, "name");
        var record = await action(grains.GetGrain<IRolloutGrain>(request.Name), request.Reason);
        return record.ToProto(request.Name);
    }
}
