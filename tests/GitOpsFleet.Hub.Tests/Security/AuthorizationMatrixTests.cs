using GitOpsFleet.Hub.Grpc;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Security;

/// <summary>
/// Walks every FleetService method from the generated descriptor with every kind of caller.
/// A new rpc without a row in <see cref="FleetAuthorization.Table"/> fails here.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private const string RepoUrl = "https://git.example/matrix.git";
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly IReadOnlyList<MethodDescriptor> Methods = [.. FleetService.Descriptor.Methods];

    [Fact]
    public void Table_EveryFleetServiceMethod_HasExactlyOneRow()
    {
        var missing = Methods.Select(m => m.Name).Where(name => !FleetAuthorization.Table.ContainsKey(name)).ToList();
        var stale = FleetAuthorization.Table.Keys.Except(Methods.Select(m => m.Name)).ToList();

        Assert.True(missing.Count == 0, $"FleetService methods without a row in FleetAuthorization.Table: {string.Join(", ", missing)}");
        Assert.True(stale.Count == 0, $"rows for methods FleetService does not have: {string.Join(", ", stale)}");
    }

    [Fact]
    public async Task EveryMethod_NoToken_Unauthenticated()
    {
        await using var hub = await TestHub.StartAsync();

        foreach (var method in Methods)
        {
            var code = await CallAsync(hub, method, token: null, RequestFor(method, "alpha", "default"));
            Assert.True(code == StatusCode.Unauthenticated, $"{method.Name} without a token answered {code}");
        }
    }

    [Fact]
    public async Task EveryMethod_ReadOnlyToken_ReadsAllowedMutationsDenied()
    {
        await using var hub = await TestHub.StartAsync();
        await SeedApplicationAsync(hub, "alpha", "default");
        var token = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "readonly" })).Token;

        foreach (var method in Methods)
        {
            var rule = FleetAuthorization.Table[method.Name];
            var code = await CallAsync(hub, method, token, RequestFor(method, "alpha", "default"));
            if (rule.Permission == FleetPermission.Read)
            {
                Assert.True(IsAllowed(code), $"readonly {method.Name} (a read) answered {code}");
            }
            else
            {
                Assert.True(code == StatusCode.PermissionDenied, $"readonly {method.Name} (a mutation) answered {code}");
            }
        }
        Assert.Single((await hub.Fleet.ListApplicationsAsync(new ListApplicationsRequest())).Applications);
    }

    [Fact]
    public async Task EveryMethod_ProjectToken_OnlyItsProjectsApplications()
    {
        await using var hub = await TestHub.StartAsync();
        await SeedApplicationAsync(hub, "theirs", "team-b");
        // Project team-a (created by the seeding below) has no destinations: every cluster is among its own.
        await hub.RegisterClusterAsync("matrix-cluster");
        var token = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "project", Project = "team-a" })).Token;

        for (var i = 0; i < Methods.Count; i++)
        {
            var method = Methods[i];
            var rule = FleetAuthorization.Table[method.Name];

            // Another project's application (or anything fleet-wide): always refused.
            // (A project-scoped method names the project itself; lists answer filtered, ProjectViewTests check what.)
            var foreign = await CallAsync(hub, method, token, RequestFor(method, rule.Scope == FleetScope.Project ? "team-b" : "theirs", "team-a"));
            if (rule.Scope != FleetScope.ApplicationList && !(rule.Scope == FleetScope.ProjectView && !HasName(method)))
            {
                Assert.True(foreign == StatusCode.PermissionDenied, $"project token {method.Name} on another project answered {foreign}");
            }

            // Its own application (a fresh one per method, since some methods delete it).
            var own = $"own-{i}";
            if (method.Name != nameof(FleetService.FleetServiceClient.CreateApplication))
            {
                await SeedApplicationAsync(hub, own, "team-a");
            }
            var ownName = rule.Scope switch
            {
                FleetScope.Project => "team-a",
                FleetScope.ProjectView => "matrix-cluster",
                _ => own,
            };
            var code = await CallAsync(hub, method, token, RequestFor(method, ownName, "team-a"));
            if (rule.Scope == FleetScope.Fleet || rule.Permission == FleetPermission.Admin)
            {
                Assert.True(code == StatusCode.PermissionDenied, $"project token {method.Name} (fleet-wide) answered {code}");
            }
            else
            {
                Assert.True(IsAllowed(code), $"project token {method.Name} on its own application answered {code}");
            }
        }

        var listed = await ProjectClient(hub, token).ListApplicationsAsync(new ListApplicationsRequest());
        Assert.NotEmpty(listed.Applications);
        Assert.All(listed.Applications, a => Assert.Equal("team-a", a.Spec.Project));
        var theirs = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "theirs" });
        Assert.Equal("team-b", theirs.Spec.Project);
    }

    [Fact]
    public async Task EveryMethod_AdminToken_Allowed()
    {
        await using var hub = await TestHub.StartAsync();
        await SeedApplicationAsync(hub, "alpha", "default");

        foreach (var method in Methods)
        {
            var name = method.Name == nameof(FleetService.FleetServiceClient.CreateApplication) ? "beta" : "alpha";
            var code = await CallAsync(hub, method, hub.AdminToken, RequestFor(method, name, "default"));
            Assert.True(IsAllowed(code), $"admin {method.Name} answered {code}");
        }
    }

    /// <summary>Past authorization: whatever the method then answers (NotFound, InvalidArgument...) is its own business.</summary>
    private static bool IsAllowed(StatusCode code) =>
        code is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Internal or StatusCode.Unimplemented);

    internal static async Task SeedApplicationAsync(TestHub hub, string name, string project)
    {
        hub.Git.SetHead(RepoUrl, "main", "c1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "matrix", Url = RepoUrl }, Upsert = true });
        if (project != "default")
        {
            // An application's project must exist.
            await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = new Project { Name = project }, Upsert = true });
        }
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = ApplicationFor(name, project), Upsert = true });
    }

    private static Application ApplicationFor(string name, string project) => new()
    {
        Name = name,
        Spec = new ApplicationSpec
        {
            Source = new ApplicationSource { Repo = "matrix", Path = "app", Revision = "main" },
            Destination = new ApplicationDestination { Namespace = "apps" },
            Project = project,
        },
    };

    /// <summary>An empty request of the method's type, naming the application where the request has a name.</summary>
    private static byte[] RequestFor(MethodDescriptor method, string application, string project)
    {
        if (method.InputType.ClrType == typeof(CreateApplicationRequest))
        {
            return new CreateApplicationRequest { Application = ApplicationFor(application, project) }.ToByteArray();
        }
        var message = (IMessage)Activator.CreateInstance(method.InputType.ClrType)!;
        if (method.InputType.FindFieldByName("name") is { FieldType: FieldType.String } field)
        {
            field.Accessor.SetValue(message, application);
        }
        return message.ToByteArray();
    }

    private static bool HasName(MethodDescriptor method) => method.InputType.FindFieldByName("name") is not null;

    private static FleetService.FleetServiceClient ProjectClient(TestHub hub, string token) =>
        new(global::Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(hub.Channel.CreateCallInvoker(), m => { m.Add("authorization", $"Bearer {token}"); return m; }));

    /// <summary>Calls one method with raw bytes; the status code it ends with (OK on success).</summary>
    private static async Task<StatusCode> CallAsync(TestHub hub, MethodDescriptor method, string? token, byte[] request)
    {
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("authorization", $"Bearer {token}");
        }
        var invoker = hub.Channel.CreateCallInvoker();
        try
        {
            if (method.IsServerStreaming)
            {
                // An allowed watch streams until its deadline; a refused one ends at once.
                var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(2));
                using var call = invoker.AsyncServerStreamingCall(
                    new Method<byte[], byte[]>(MethodType.ServerStreaming, method.Service.FullName, method.Name, Bytes, Bytes), null, options, request);
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
                return StatusCode.OK;
            }
            using var unary = invoker.AsyncUnaryCall(
                new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes), null,
                new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), request);
            await unary.ResponseAsync;
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
