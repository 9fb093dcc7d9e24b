using Grpc.Core;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests.Support;

// Rollout calls answered from canned data.
internal sealed partial class FakeFleetService
{
    private int _getRolloutCalls;

    /// <summary>Answers GetRollout by call number (0-based).</summary>
    public Func<int, Rollout> Rollouts { get; set; } = _ => new Rollout();

    public int GetRolloutCalls => _getRolloutCalls;

    public RolloutPlan Plan { get; set; } = new();

    public override Task<Rollout> GetRollout(RolloutRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(Rollouts(Interlocked.Increment(ref _getRolloutCalls) - 1));
    }

    public override Task<Rollout> RollbackApplication(RollbackApplicationRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(new Rollout
        {
            Application = request.Name, ToRevision = request.ToRevision, Phase = request.AllAtOnce ? "Succeeded" : "Progressing",
        });
    }

    public override Task<RolloutPlan> PlanRollout(PlanRolloutRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(Plan);
    }
}
