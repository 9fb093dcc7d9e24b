using Grpc.Net.Client;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Tls;

namespace GitOpsFleet.Agent.Hub;

/// <summary>
/// One gRPC channel per hub address (several silos of one hub); the agent moves to the next address
/// after a lost stream, so a dead silo's agents move to the others. The first address is tried first
/// (give each agent its own order, or one load-balanced address, to spread a fleet).
/// </summary>
internal sealed class HubChannels : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly AgentService.AgentServiceClient[] _clients;
    private int _current;

    public HubChannels(IReadOnlyList<string> urls, string? caFile = null)
    {
        // A private CA from --ca-file is the only root; without it, the system roots.
        var trust = caFile is null ? null : PemCertificates.LoadFile(caFile, $"--ca-file '{caFile}'");
        _channels = urls.Select(url => GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = BundleCodec.MaxMessageBytes,
            MaxSendMessageSize = BundleCodec.MaxMessageBytes,
            HttpHandler = ServerTrust.Configure(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }, trust),
        })).ToArray();
        _clients = _channels.Select(channel => new AgentService.AgentServiceClient(channel)).ToArray();
    }

    public AgentService.AgentServiceClient Current => _clients[_current];

    /// <summary>Moves to the next address (round robin) and returns its client.</summary>
    public AgentService.AgentServiceClient Next()
    {
        _current = (_current + 1) % _clients.Length;
        return _clients[_current];
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
