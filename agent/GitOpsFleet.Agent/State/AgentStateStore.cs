using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GitOpsFleet.Kube;
using GitOpsFleet.Kube.Rest;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.State;

/// <summary>
/// The agent's local state in its namespace: the credential (Secret gitopsfleet-agent) and the last
/// desired message per application (Secret gitopsfleet-desired-APP: bundles may hold Secrets), so a
/// restarted agent keeps healing without the hub.
/// </summary>
internal sealed class AgentStateStore(KubeRestClient client, string ns)
{
    public const string CredentialSecretName = "gitopsfleet-agent";
    private const string RoleLabel = "gitopsfleet.io/role";

    /// <summary>The namespace holding the agent's state.</summary>
    public string Namespace => ns;

    private string SecretPath(string name) => $"/api/v1/namespaces/{ns}/secrets/{name}";

    public async Task<AgentCredential?> LoadCredentialAsync(CancellationToken cancellationToken)
    {
        var secret = await client.GetAsync(SecretPath(CredentialSecretName), cancellationToken).ConfigureAwait(false);
        var hub = Decode(secret, "hub");
        var name = Decode(secret, "clusterName");
        var credential = Decode(secret, "credential");
        return hub is null || name is null || string.IsNullOrEmpty(credential) ? null : new AgentCredential(hub, name, credential);
    }

    public Task SaveCredentialAsync(AgentCredential credential, CancellationToken cancellationToken)
        => SaveSecretAsync(CredentialSecretName, "credential", new Dictionary<string, byte[]>
        {
            ["hub"] = Encoding.UTF8.GetBytes(credential.Hub),
            ["clusterName"] = Encoding.UTF8.GetBytes(credential.ClusterName),
            ["credential"] = Encoding.UTF8.GetBytes(credential.Credential),
        }, cancellationToken);

    public Task SaveDesiredAsync(Desired desired, CancellationToken cancellationToken)
        => SaveSecretAsync(WellKnown.DesiredPrefix + desired.App, "desired", new Dictionary<string, byte[]> { ["desired"] = desired.ToByteArray() }, cancellationToken);

    public Task DeleteDesiredAsync(string app, CancellationToken cancellationToken)
        => client.DeleteAsync(SecretPath(WellKnown.DesiredPrefix + app), cancellationToken);

    /// <summary>Every stored desired message, for healing offline after a restart.</summary>
    public async Task<IReadOnlyList<Desired>> LoadAllDesiredAsync(CancellationToken cancellationToken)
    {
        var list = await client.GetAsync($"/api/v1/namespaces/{ns}/secrets?labelSelector={Uri.EscapeDataString(RoleLabel + "=desired")}", cancellationToken).ConfigureAwait(false);
        var result = new List<Desired>();
        foreach (var item in list?["items"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (item["data"]?["desired"]?.GetValue<string>() is { } data)
            {
                result.Add(Desired.Parser.ParseFrom(Convert.FromBase64String(data)));
            }
        }
        return result;
    }

    private async Task SaveSecretAsync(string name, string role, Dictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "Opaque",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [RoleLabel] = role, [WellKnown.ManagedByLabel] = "gitopsfleet-agent" },
            },
            ["data"] = new JsonObject(data.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(Convert.ToBase64String(kv.Value))))),
        };
        await client.ApplyAsync(SecretPath(name), body, WellKnown.FieldManager, force: true, dryRun: false, cancellationToken).ConfigureAwait(false);
    }

    private static string? Decode(JsonObject? secret, string key)
        => secret?["data"]?[key]?.GetValue<string>() is { } value ? Encoding.UTF8.GetString(Convert.FromBase64String(value)) : null;
}
