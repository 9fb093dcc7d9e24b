namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>Small manifests the end-to-end tests commit.</summary>
internal static class Manifests
{
    public static string ConfigMap(string name, string version) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
        data:
          version: "{version}"
        """;

    public static string Deployment(string name, int replicas, string image = "nginx:1.27") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          labels:
            app: {name}
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
                - name: web
                  image: {image}
                  ports:
                    - containerPort: 80
        """;

    public static string Service(string name) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          selector:
            app: {name}
          ports:
            - port: 80
              targetPort: 80
        """;
}
