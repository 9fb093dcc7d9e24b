using GitOpsFleet.Cli.Tests.Support;

namespace GitOpsFleet.Cli.Tests;

public sealed class AuthConfigTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Token_FromEnvironment_IsSentAsBearer()
    {
        var result = await _hub.RunWithAsync(new Dictionary<string, string> { ["FLEET_HUB"] = _hub.Address, ["FLEET_TOKEN"] = "env-token" }, "cluster", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Bearer env-token"], _hub.Service.Authorizations);
    }

    [Fact]
    public async Task Login_WritesConfig_ThatLaterCommandsUse()
    {
        var login = await _hub.RunAsync("login", "--token", "saved-token");
        var list = await _hub.RunWithAsync(new Dictionary<string, string>(), "cluster", "list");

        Assert.Equal(0, login.ExitCode);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(["Bearer saved-token", "Bearer saved-token"], _hub.Service.Authorizations);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_hub.ConfigPath));
    }

    [Fact]
    public async Task TokenOption_WinsOverEnvironment()
    {
        await _hub.RunWithAsync(new Dictionary<string, string> { ["FLEET_TOKEN"] = "env-token" }, "cluster", "list", "--hub", _hub.Address, "--token", "flag-token");

        Assert.Equal(["Bearer flag-token"], _hub.Service.Authorizations);
    }
}
