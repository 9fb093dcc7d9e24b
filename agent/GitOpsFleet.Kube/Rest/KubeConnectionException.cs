namespace GitOpsFleet.Kube.Rest;

/// <summary>A kubeconfig or in-cluster configuration that cannot be used; the message names the file, context or field.</summary>
public sealed class KubeConnectionException : InvalidOperationException
{
    public KubeConnectionException(string message)
        : base(message)
    {
    }

    public KubeConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
