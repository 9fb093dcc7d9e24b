namespace GitOpsFleet.Hub.Api;

/// <summary>Settings of the JSON API's hand-written parts (the event stream).</summary>
public sealed class FleetJsonApiOptions
{
    /// <summary>
    /// How often an idle event stream sends an SSE comment line (<c>: keep-alive</c>), so proxies and load
    /// balancers that cut idle connections leave it open and a gone client is noticed. Default 15 s.
    /// </summary>
    public TimeSpan EventStreamHeartbeat { get; set; } = TimeSpan.FromSeconds(15);
}
