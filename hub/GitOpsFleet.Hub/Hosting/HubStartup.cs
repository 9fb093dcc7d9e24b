using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Grpc;

namespace GitOpsFleet.Hub.Hosting;

/// <summary>Work done once the silo is up: the first admin token, and waking repositories so they poll.</summary>
internal static partial class HubStartup
{
    /// <summary>The description of the admin token made on first start; rollout history names it "admin".</summary>
    internal const string InitialAdminDescription = "created on first start";

    /// <summary>Creates the admin token when none exists; returns it (shown once) or null.</summary>
    public static async Task<string?> EnsureAdminTokenAsync(IGrainFactory grains, string? adminTokenFile, CancellationToken cancellationToken)
    {
        var token = $"gfa_{Secrets.NewSecret()}";
        var record = new ApiTokenRecord(Secrets.NewId(), Secrets.Hash(token), ApiRoles.Admin, InitialAdminDescription,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (!await grains.ApiTokens().EnsureInitialAdminAsync(record))
        {
            return null;
        }
        if (adminTokenFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(adminTokenFile))!);
            await File.WriteAllTextAsync(adminTokenFile, token + Environment.NewLine, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(adminTokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return token;
    }

    public static async Task WakeRepositoriesAsync(IGrainFactory grains, ILogger logger)
    {
        foreach (var name in (await grains.Index(IndexKeys.Repositories).ListAsync()).Keys)
        {
            try
            {
                await grains.GetGrain<IRepositoryGrain>(name).EnsureActiveAsync();
            }
            catch (Exception ex)
            {
                LogWakeFailed(logger, ex, name);
            }
        }
    }

    /// <summary>Says how many agents the open-file limit leaves room for, and warns when the registered fleet is near it.</summary>
    public static async Task CheckOpenFileLimitAsync(IGrainFactory grains, ILogger logger)
    {
        var registered = (await grains.Index(IndexKeys.Clusters).ListAsync()).Count;
        Diagnostics.OpenFileLimit.Check(logger, registered);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repository {Repository} could not be activated at start; it polls once something uses it")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string repository);
}
