using GitOpsFleet.Hub.Storage;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Sources;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;

namespace GitOpsFleet.Hub.Tests.Faults;

/// <summary>
/// Issue 8, fault 3: a grain state write fails (in the real store under the hub's own wrapper, in a real
/// in-process silo). The API caller gets a clear error, and the grain does not keep the half-made change:
/// its next call re-reads what is stored.
/// </summary>
public sealed class StorageWriteFailureTests : IAsyncLifetime
{
    private const string RepoUrl = "https://git.example/faulty.git";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeGitSource _git = new();
    private readonly FakeRenderer _renderer = new();
    private FaultyGrainStorage? _store;
    private HubHost? _host;
    private GrpcChannel? _channel;
    private Metadata _auth = [];

    private FaultyGrainStorage Store => _store ?? throw new InvalidOperationException("the store was never built");

    private FleetService.FleetServiceClient Fleet => new(_channel);

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _host = await HubHost.StartAsync(new HubOptions
        {
            HttpPort = 0,
            GrpcPort = 0,
            DataDirectory = _dataDirectory,
            ListenAddress = "127.0.0.1",
            AdminTokenFile = Path.Combine(_dataDirectory, "admin-token"),
        }, services =>
        {
            services.AddSingleton<IGitSource>(_git);
            services.AddSingleton<IManifestRenderer>(_renderer);
            // The fault goes in at the bottom, in place of the real store, under whatever the hub wraps it in.
            services.DecorateGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, registered) =>
            {
                var wrapper = Assert.IsType<DeactivateOnWriteFailureStorage>(registered);
                _store = new FaultyGrainStorage(wrapper.Inner);
                return new DeactivateOnWriteFailureStorage(_store, sp.GetRequiredService<IGrainContextAccessor>(),
                    sp.GetRequiredService<ILogger<DeactivateOnWriteFailureStorage>>());
            });
        }, timeout.Token);
        _channel = GrpcChannel.ForAddress(_host.GrpcAddress);
        _auth = new Metadata { { "authorization", $"Bearer {_host.InitialAdminToken}" } };
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
    }

    [Fact]
    public async Task AddRepository_WriteFails_CallerGetsErrorAndGrainForgetsTheChange()
    {
        Store.FailNextWrites("repository");
        var failed = await Assert.ThrowsAsync<RpcException>(() => AddRepositoryAsync("faulty", upsert: false));

        // Transient: Unavailable, saying the hub's storage failed and that the call can be retried.
        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Contains("the hub's storage failed", failed.Status.Detail);
        Assert.Contains("can be retried", failed.Status.Detail);
        Assert.Contains("WriteState", failed.Status.Detail);
        Assert.Contains("faulty", failed.Status.Detail);
        Assert.Contains("IOException: injected", failed.Status.Detail);
        Assert.DoesNotContain("\n", failed.Status.Detail);
        Assert.Equal(1, Store.Failed);
        // Had the grain kept its in-memory "exists", this would be AlreadyExists for a repository never stored.
        var added = await AddRepositoryAsync("faulty", upsert: false);
        Assert.Equal(RepoUrl, added.Url);
        var listed = await Fleet.ListRepositoriesAsync(new ListRepositoriesRequest(), _auth);
        Assert.Contains(listed.Repositories, r => r.Name == "faulty");
    }

    [Fact]
    public async Task CreateApplication_WriteFails_CallerGetsErrorAndApplicationNotFound()
    {
        _git.SetHead(RepoUrl, "main", "c1");
        _renderer.SetManifests("c1", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}""");
        await AddRepositoryAsync("faulty", upsert: false);

        Store.FailNextWrites("application");
        var failed = await Assert.ThrowsAsync<RpcException>(() => CreateApplicationAsync("half-made"));
        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Contains("half-made", failed.Status.Detail);

        // The grain re-read the store: nothing was stored, so there is no application.
        var missing = await Assert.ThrowsAsync<RpcException>(() => Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "half-made" }, _auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var listed = await Fleet.ListApplicationsAsync(new ListApplicationsRequest(), _auth);
        Assert.DoesNotContain(listed.Applications, a => a.Name == "half-made");

        // And the same call works once the store does.
        var created = await CreateApplicationAsync("half-made");
        Assert.Equal("half-made", created.Name);
        Assert.Equal("half-made", (await Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "half-made" }, _auth)).Name);
    }

    [Fact]
    public async Task RemoveRepository_ClearFails_RepositoryStillThere()
    {
        await AddRepositoryAsync("kept", upsert: false);

        Store.FailNextWrites("repository");
        var failed = await Assert.ThrowsAsync<RpcException>(() => Fleet.RemoveRepositoryAsync(new RemoveRepositoryRequest { Name = "kept" }, _auth).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);

        // Still stored and still known to its grain: adding it again without upsert is refused.
        var again = await Assert.ThrowsAsync<RpcException>(() => AddRepositoryAsync("kept", upsert: false));
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
    }

    private Task<Repository> AddRepositoryAsync(string name, bool upsert) =>
        Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = name, Url = RepoUrl }, Upsert = upsert }, _auth).ResponseAsync;

    private Task<Application> CreateApplicationAsync(string name) =>
        Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "faulty", Path = "guestbook", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = "web" },
                },
            },
        }, _auth).ResponseAsync;
}
