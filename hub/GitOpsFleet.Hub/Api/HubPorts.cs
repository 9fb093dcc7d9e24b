namespace GitOpsFleet.Hub.Api;

/// <summary>
/// The ports this hub listens on, so an answer given over the HTTP port (the JSON API) can still name the
/// gRPC port where it tells agents what to dial.
/// </summary>
internal sealed record HubPorts(int Http, int Grpc);
