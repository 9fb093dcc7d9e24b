namespace GitOpsFleet.KubeSim.Api;

/// <summary>Writes the kubeconfig that points kubectl and KubernetesClient at one simulated cluster.</summary>
internal static class Kubeconfig
{
    public const string Token = "kubesim-token";

    public static string Render(string name, Uri server) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{name}}
          cluster:
            server: {{server.ToString().TrimEnd('/')}}
        users:
        - name: {{name}}
          user:
            token: {{Token}}
        contexts:
        - name: {{name}}
          context:
            cluster: {{name}}
            user: {{name}}
            namespace: default
        current-context: {{name}}
        preferences: {}

        """;
}
