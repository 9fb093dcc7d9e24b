using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

// Registration approval: clusters that joined with a token requiring it receive nothing until approved.
internal sealed partial class FleetServiceImpl
{
    public override async Task<Cluster> ApproveCluster(ApproveClusterRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var cluster = grains.GetGrain<IClusterGrain>(request.Name);
        if (!await cluster.ApproveAsync())
        {
            throw HubException.NotFound($"cluster {request.Name}");
        }
        var info = await cluster.GetAsync() ?? throw HubException.NotFound($"cluster {request.Name}");
        return info.ToProto();
    }
}
