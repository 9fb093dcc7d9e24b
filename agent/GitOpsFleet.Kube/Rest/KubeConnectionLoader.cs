using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace GitOpsFleet.Kube.Rest;

/// <summary>
/// Builds a <see cref="KubeConnection"/> without KubernetesClient, for the lean (Native AOT) agent:
/// a kubeconfig read with YamlDotNet's representation model (no reflection), or the pod's service account.
/// Supported: current-context (or a named context), server, certificate-authority(-data),
/// insecure-skip-tls-verify, client-certificate(-data) and client-key(-data) (PEM, RSA or EC), token and
/// tokenFile. exec and auth-provider plugins are refused with an error naming the user.
/// </summary>
public static class KubeConnectionLoader
{
    /// <summary>Where Kubernetes mounts the pod's service account token and cluster CA.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Reads <paramref name="path"/> and connects to the cluster of <paramref name="context"/> (default: current-context).</summary>
    public static KubeConnection FromKubeconfig(string path, string? context = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConnectionException($"kubeconfig '{path}' cannot be read: {ex.Message}", ex);
        }
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode map
                ? map
                : throw new KubeConnectionException($"kubeconfig '{path}' is not a YAML mapping");
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new KubeConnectionException($"kubeconfig '{path}' is not valid YAML: {ex.Message}", ex);
        }
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var contextName = context ?? Scalar(root, "current-context")
            ?? throw new KubeConnectionException($"kubeconfig '{path}' has no current-context; name a context");
        var contextMap = Named(root, "contexts", "context", contextName, path);
        var clusterName = Scalar(contextMap, "cluster") ?? throw new KubeConnectionException($"kubeconfig '{path}': context '{contextName}' names no cluster");
        var cluster = Named(root, "clusters", "cluster", clusterName, path);
        var userName = Scalar(contextMap, "user");
        var user = userName is null ? null : Named(root, "users", "user", userName, path);

        var where = $"kubeconfig '{path}' cluster '{clusterName}'";
        var server = Scalar(cluster, "server") ?? throw new KubeConnectionException($"{where} has no server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new KubeConnectionException($"{where}: server '{server}' is not an http(s) URL");
        }
        var insecure = string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase);
        var caPem = PemValue(cluster, "certificate-authority", baseDirectory, where);
        var ca = caPem is null ? null : KubeTls.ParseCertificates(caPem, where + " certificate-authority");

        X509Certificate2? clientCertificate = null;
        Func<CancellationToken, ValueTask<string?>>? bearer = null;
        if (user is not null)
        {
            var userWhere = $"kubeconfig '{path}' user '{userName}'";
            foreach (var plugin in (string[])["exec", "auth-provider"])
            {
                if (user.Children.ContainsKey(plugin))
                {
                    throw new KubeConnectionException(
                        $"{userWhere} uses an {plugin} plugin, which is not supported by the lean (Native AOT) agent; " +
                        "use a token, tokenFile or client certificate, or the regular build of gitopsfleet-agent");
                }
            }
            if (user.Children.ContainsKey("username"))
            {
                throw new KubeConnectionException($"{userWhere} uses basic auth (username/password), which is not supported by the lean (Native AOT) agent; use a token or client certificate");
            }
            var certPem = PemValue(user, "client-certificate", baseDirectory, userWhere);
            var keyPem = PemValue(user, "client-key", baseDirectory, userWhere);
            if ((certPem is null) != (keyPem is null))
            {
                throw new KubeConnectionException($"{userWhere} needs both client-certificate and client-key, or neither");
            }
            if (certPem is not null && keyPem is not null)
            {
                clientCertificate = KubeTls.ParseClientCertificate(certPem, keyPem, userWhere);
            }
            if (Scalar(user, "token") is { Length: > 0 } token)
            {
                bearer = _ => ValueTask.FromResult<string?>(token);
            }
            else if (Scalar(user, "tokenFile") is { Length: > 0 } tokenFile)
            {
                bearer = new FileTokenSource(Path.Combine(baseDirectory, tokenFile)).GetTokenAsync;
            }
        }
        return Create(baseUri, ca, insecure, clientCertificate, bearer);
    }

    /// <summary>The pod's service account: KUBERNETES_SERVICE_HOST/PORT, its token (read again as it rotates) and CA.</summary>
    public static KubeConnection InCluster()
        => InCluster(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"), Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT"), ServiceAccountDirectory);

    internal static KubeConnection InCluster(string? host, string? port, string serviceAccountDirectory)
    {
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConnectionException("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; use --kubeconfig PATH");
        }
        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        if (!File.Exists(tokenPath))
        {
            throw new KubeConnectionException($"in-cluster service account token '{tokenPath}' does not exist");
        }
        string caPem;
        try
        {
            caPem = File.ReadAllText(caPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConnectionException($"in-cluster CA '{caPath}' cannot be read: {ex.Message}", ex);
        }
        // An IPv6 service address needs brackets in a URL.
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        var ca = KubeTls.ParseCertificates(caPem, $"in-cluster CA '{caPath}'");
        return Create(new Uri("https://" + authority), ca, insecureSkipVerify: false, clientCertificate: null, new FileTokenSource(tokenPath).GetTokenAsync);
    }

    private static KubeConnection Create(Uri baseUri, X509Certificate2Collection? ca, bool insecureSkipVerify, X509Certificate2? clientCertificate, Func<CancellationToken, ValueTask<string?>>? bearer)
    {
        // No overall timeout: watches stay open for minutes; every call carries a CancellationToken.
        var httpClient = new HttpClient(KubeTls.CreateHandler(ca, insecureSkipVerify, clientCertificate)) { Timeout = Timeout.InfiniteTimeSpan };
        return new KubeConnection(baseUri, httpClient, bearer);
    }

    /// <summary>PEM text of <c>KEY-data</c> (base64) or of the file <c>KEY</c> (relative to the kubeconfig); null when neither is set.</summary>
    private static string? PemValue(YamlMappingNode map, string key, string baseDirectory, string where)
    {
        if (Scalar(map, key + "-data") is { Length: > 0 } data)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }
            catch (FormatException ex)
            {
                throw new KubeConnectionException($"{where}: {key}-data is not base64", ex);
            }
        }
        if (Scalar(map, key) is not { Length: > 0 } file)
        {
            return null;
        }
        var full = Path.Combine(baseDirectory, file);
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConnectionException($"{where}: {key} '{full}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The <paramref name="inner"/> mapping of the entry named <paramref name="name"/> in the list <paramref name="list"/>.</summary>
    private static YamlMappingNode Named(YamlMappingNode root, string list, string inner, string name, string path)
    {
        if (root.Children.TryGetValue(list, out var node) && node is YamlSequenceNode items)
        {
            foreach (var item in items.OfType<YamlMappingNode>())
            {
                if (Scalar(item, "name") == name)
                {
                    return item.Children.TryGetValue(inner, out var value) && value is YamlMappingNode map
                        ? map
                        : new YamlMappingNode();
                }
            }
        }
        throw new KubeConnectionException($"kubeconfig '{path}' has no {inner} named '{name}' in {list}");
    }

    private static string? Scalar(YamlMappingNode map, string key)
        => map.Children.TryGetValue(key, out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
