using System.Threading.Channels;

namespace GitOpsFleet.KubeSim.Store;

/// <summary>A live watch connection: which resource and namespace it follows, and its event queue.</summary>
internal sealed class Watcher(string resourceKey, string? ns)
{
    public string ResourceKey { get; } = resourceKey;
    public string? Namespace { get; } = ns;
    public Channel<WatchEvent> Events { get; } = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = false });

    public bool Matches(WatchEvent e) => e.ResourceKey == ResourceKey && (Namespace is null || Namespace == e.Namespace);
}
