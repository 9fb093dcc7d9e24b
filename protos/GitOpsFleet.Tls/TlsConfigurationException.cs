namespace GitOpsFleet.Tls;

/// <summary>
/// A certificate or key that cannot be used; the message names where it came from (a flag and file, or a
/// kubeconfig entry). An <see cref="InvalidOperationException"/>, so hosts report it as a configuration error.
/// </summary>
public sealed class TlsConfigurationException : InvalidOperationException
{
    public TlsConfigurationException(string message)
        : base(message)
    {
    }

    public TlsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
