using System.Text;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>
/// The Kubernetes manifests that deploy an agent with a join token (returned in JoinToken.agent_manifests,
/// so API users get them as well as the CLI). Apply with <c>kubectl apply -f -</c>; when the join token request
/// named no cluster, replace <see cref="ClusterNamePlaceholder"/> with the cluster's name first.
/// </summary>
internal static class AgentManifests
{
    /// <summary>The agent's namespace; also where it keeps its credential and state.</summary>
    public const string Namespace = "gitopsfleet-system";

    /// <summary>Name of the ServiceAccount, RBAC objects and Deployment.</summary>
    public const string Name = "gitopsfleet-agent";

    /// <summary>The Secret holding the join token (the agent keeps its own credential in the Secret gitopsfleet-agent).</summary>
    public const string JoinTokenSecretName = "gitopsfleet-join-token";

    /// <summary>Stands for the cluster's name when the request gave none (one token may serve many clusters).</summary>
    public const string ClusterNamePlaceholder = "CLUSTER_NAME";

    /// <summary>
    /// ConfigMap (key ca.crt) with the CA that signed the hub's certificate, mounted for --ca-file when the
    /// hub speaks TLS. The hub does not know which CA clients should trust, so the operator creates it.
    /// </summary>
    public const string HubCaConfigMapName = "gitopsfleet-hub-ca";

    /// <summary>Where <see cref="HubCaConfigMapName"/> is mounted in the agent container.</summary>
    public const string HubCaMountPath = "/etc/gitopsfleet/hub-ca";

    /// <summary>The container image of the agent.</summary>
    public const string Image = "gitopsfleet/agent:latest";

    /// <summary>Renders the multi-document YAML for an agent that reaches the hub at <paramref name="hubUrl"/>.</summary>
    public static string Render(string hubUrl, string joinToken, string clusterName = ClusterNamePlaceholder)
    {
        var hub = Quote(hubUrl);
        // data (base64) rather than stringData: every API server stores it as given.
        var token = Quote(Convert.ToBase64String(Encoding.UTF8.GetBytes(joinToken)));
        var cluster = Quote(clusterName);
        // Over TLS the agent trusts the hub's CA from a ConfigMap the operator creates (the hub cannot know
        // which CA its clients should trust); with a publicly trusted certificate, drop --ca-file and the volume.
        var tls = hubUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var caArgs = tls ? $", \"--ca-file\", \"{HubCaMountPath}/ca.crt\"" : "";
        var caMount = tls
            ? $"\n        volumeMounts:\n        - name: hub-ca\n          mountPath: {HubCaMountPath}\n          readOnly: true"
              + $"\n      volumes:\n      - name: hub-ca\n        configMap:\n          name: {HubCaConfigMapName}"
            : "";
        var yaml = new StringBuilder(clusterName == ClusterNamePlaceholder
            ? $"# GitOpsFleet agent. Replace {ClusterNamePlaceholder} with this cluster's name (a DNS label), then:\n"
            : $"# GitOpsFleet agent for cluster {clusterName}. Apply with:\n");
        if (tls)
        {
            yaml.Append($"#   kubectl create namespace {Namespace}\n");
            yaml.Append($"#   kubectl -n {Namespace} create configmap {HubCaConfigMapName} --from-file=ca.crt=HUB_CA.pem   # the CA of the hub's TLS certificate\n");
        }
        yaml.Append($"""
            #   kubectl apply --server-side -f THIS_FILE
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {Namespace}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: {Name}
              namespace: {Namespace}
            ---
            # A GitOps agent applies whatever manifests its applications hold (any kind, any namespace,
            # CRDs included), so it honestly needs every verb on every resource. Narrow this only if you
            # also restrict what the fleet's projects may deploy to this cluster.
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: {Name}
            rules:
            - apiGroups: ["*"]
              resources: ["*"]
              verbs: ["*"]
            - nonResourceURLs: ["*"]
              verbs: ["*"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: {Name}
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: {Name}
            subjects:
            - kind: ServiceAccount
              name: {Name}
              namespace: {Namespace}
            ---
            # The agent's own state (credential, inventories, last desired bundles) lives in Secrets of its
            # namespace. This Role keeps that working if the ClusterRole above is ever narrowed.
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: {Name}-state
              namespace: {Namespace}
            rules:
            - apiGroups: [""]
              resources: ["secrets", "configmaps"]
              verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
            - apiGroups: ["coordination.k8s.io"]
              resources: ["leases"]
              verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: {Name}-state
              namespace: {Namespace}
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: {Name}-state
            subjects:
            - kind: ServiceAccount
              name: {Name}
              namespace: {Namespace}
            ---
            # Used once: the agent trades it for its own credential and then forgets it.
            apiVersion: v1
            kind: Secret
            metadata:
              name: {JoinTokenSecretName}
              namespace: {Namespace}
            type: Opaque
            data:
              token: {token}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {Name}
              namespace: {Namespace}
              labels:
                app.kubernetes.io/name: {Name}
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app.kubernetes.io/name: {Name}
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: {Name}
                spec:
                  serviceAccountName: {Name}
                  containers:
                  - name: agent
                    image: {Image}
                    args: ["--hub", {hub}, "--join-token", "$(GITOPSFLEET_JOIN_TOKEN)", "--cluster-name", {cluster}, "--namespace", "{Namespace}"{caArgs}]
                    env:
                    - name: GITOPSFLEET_JOIN_TOKEN
                      valueFrom:
                        secretKeyRef:
                          name: {JoinTokenSecretName}
                          key: token
                    resources:
                      requests:
                        cpu: 10m
                        memory: 64Mi
                      limits:
                        memory: 256Mi{caMount}

            """);
        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar (also valid JSON), so no value can break the document.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
