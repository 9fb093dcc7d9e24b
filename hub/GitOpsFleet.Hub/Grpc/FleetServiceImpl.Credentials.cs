using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

// Credential rotation: a new per-cluster credential, delivered over the agent's stream (docs/security.md).
internal sealed partial class FleetServiceImpl
{
    public override async Task<Cluster> RotateClusterCredential(RotateClusterCredentialRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var cluster = grains.GetGrain<IClusterGrain>(request.Name);
        if (await cluster.GetAsync() is null)
        {
            throw HubException.NotFound($"cluster {request.Name}");
        }
        // Minted here, sent once to the connected session, never stored: the grain keeps its hash only.
        var credential = Secrets.NewClusterCredential(request.Name);
        var info = await cluster.RotateCredentialAsync(Secrets.Hash(credential), credential, request.RevokeOldNow);
        return info.ToProto();
    }
}
