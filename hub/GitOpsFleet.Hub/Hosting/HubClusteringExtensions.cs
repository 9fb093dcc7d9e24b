using System.Net;
using GitOpsFleet.Hub.Storage;
using Orleans.Configuration;

namespace GitOpsFleet.Hub.Hosting;

/// <summary>
/// How silos find each other: localhost clustering for one process (default), Orleans' Redis membership
/// and reminders when <see cref="HubOptions.Redis"/> is set, so several hub processes form one cluster.
/// </summary>
internal static class HubClusteringExtensions
{
    public static ISiloBuilder AddHubClustering(this ISiloBuilder silo, HubOptions options, int siloPort, int gatewayPort)
    {
        if (options.Redis is not { } redis)
        {
            // Localhost clustering binds the silo to IPAddress.Loopback: one process, one silo.
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            return silo;
        }
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.UseRedisClustering(clustering => clustering.ConfigurationOptions = HubStorageExtensions.RedisConfiguration(redis));
        silo.UseRedisReminderService(reminders => reminders.ConfigurationOptions = HubStorageExtensions.RedisConfiguration(redis));
        var listen = IPAddress.Parse(options.ListenAddress);
        if (listen.Equals(IPAddress.Any))
        {
            // Listening everywhere: advertise this host's name so other silos can reach it.
            silo.ConfigureEndpoints(Dns.GetHostName(), siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(listen, siloPort, gatewayPort);
        }
        // A SIGKILLed silo is declared dead after three missed 2 s probes (the defaults take ~30 s or more),
        // so its agents' sessions and its grains move to the survivors quickly.
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = TimeSpan.FromSeconds(2);
            membership.NumMissedProbesLimit = 3;
            membership.NumVotesForDeathDeclaration = 1;
            membership.DefunctSiloExpiration = TimeSpan.FromMinutes(10);
        });
        return silo;
    }
}
