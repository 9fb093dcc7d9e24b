using System.Security.Cryptography;
using System.Text;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Random secrets and their hashes: the hub stores only hashes of tokens and credentials.</summary>
internal static class Secrets
{
    public static string NewSecret(int bytes = 32) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>"Bearer X" from the authorization metadata, or null.</summary>
    public static string? BearerToken(global::Grpc.Core.Metadata headers)
    {
        var value = headers.GetValue("authorization");
        const string prefix = "Bearer ";
        return value is not null && value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && value.Length > prefix.Length
            ? value[prefix.Length..].Trim()
            : null;
    }

    /// <summary>An agent credential is "CLUSTER.SECRET": the cluster is found from the credential alone.</summary>
    public static string NewClusterCredential(string cluster) => $"{cluster}.{NewSecret()}";

    public static string? ClusterOfCredential(string credential)
    {
        var dot = credential.IndexOf('.');
        return dot > 0 ? credential[..dot] : null;
    }
}
