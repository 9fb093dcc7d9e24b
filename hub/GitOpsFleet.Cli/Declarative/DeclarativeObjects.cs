using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Protos.Fleet;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitOpsFleet.Cli.Declarative;

/// <summary>
/// Reads the declarative objects of <c>fleet apply -f</c> (apiVersion gitopsfleet.io/v1alpha1, kind Repository or
/// Application) into API requests. Strict: an unknown field is an error naming the file, document and field.
/// </summary>
internal static class DeclarativeObjects
{
    public const string ApiVersion = "gitopsfleet.io/v1alpha1";

    public static List<Google.Protobuf.IMessage> Read(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new CliException($"{file}: invalid YAML at line {ex.Start.Line}: {ex.Message}");
        }

        var requests = new List<Google.Protobuf.IMessage>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" }) continue;
            var where = $"{file}: document {i + 1}";
            if (Scalar(root, "kind") is { } k && Scalar(Child(root, "metadata"), "name") is { } n)
                where += $" ({k} {n})";
            var doc = new StrictMap(root, string.Empty, where);
            var apiVersion = doc.String("apiVersion");
            if (apiVersion != ApiVersion)
                throw new CliException($"{where}: apiVersion must be {ApiVersion}, not '{apiVersion}'");
            var kind = doc.String("kind");
            var metadata = doc.Map("metadata");
            var name = metadata.String("name");
            if (string.IsNullOrWhiteSpace(name)) throw new CliException($"{where}: metadata.name is required");
            requests.Add(kind switch
            {
                "Repository" => Repository(name, doc.Map("spec"), where),
                "Application" => Application(name, metadata, doc.Map("spec"), where),
                "Project" => ProjectReader.Read(name, doc.Map("spec")),
                _ => throw new CliException($"{where}: kind must be Repository, Application or Project, not '{kind}'"),
            });
            metadata.Done();
            doc.Done();
        }

        return requests;
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    private static AddRepositoryRequest Repository(string name, StrictMap spec, string where)
    {
        var repository = new Repository
        {
            Name = name,
            Url = spec.String("url") ?? throw new CliException($"{where}: spec.url is required"),
            PollIntervalSeconds = (int)(spec.Duration("pollInterval")?.TotalSeconds ?? 0),
            Username = spec.String("username") ?? string.Empty,
            Password = spec.String("password") ?? string.Empty,
            WebhookSecret = spec.String("webhookSecret") ?? string.Empty,
        };
        spec.Done();
        return new AddRepositoryRequest { Repository = repository, Upsert = true };
    }

    private static CreateApplicationRequest Application(string name, StrictMap metadata, StrictMap spec, string where)
    {
        var project = metadata.String("project") ?? "default";
        var source = spec.Map("source");
        var appSource = new ApplicationSource
        {
            Repo = source.String("repo") ?? throw new CliException($"{where}: spec.source.repo is required"),
            Path = source.String("path") ?? ".",
            Revision = source.String("revision") ?? string.Empty,
            Renderer = source.String("renderer") ?? "directory",
        };
        appSource.Include.Add(source.Strings("include"));
        appSource.Exclude.Add(source.Strings("exclude"));
        RenderParametersReader.Read(source, appSource);
        source.Done();

        var destination = spec.Map("destination");
        var appDestination = new ApplicationDestination { Namespace = destination.String("namespace") ?? string.Empty };
        appDestination.ClusterSelector.Add(destination.StringMap("clusterSelector"));
        destination.Done();

        var sync = spec.Map("syncPolicy");
        var policy = new SyncPolicy
        {
            Automated = sync.Bool("automated"),
            Prune = sync.Bool("prune"),
            SelfHeal = sync.Bool("selfHeal"),
            AllowEmpty = sync.Bool("allowEmpty"),
            ForceConflicts = sync.Bool("forceConflicts"),
            Drift = sync.String("drift") ?? string.Empty,
        };
        policy.IgnoreFields.Add(sync.Strings("ignoreFields"));
        policy.HealthRules.Add(HealthRulesReader.Read(sync));
        var retry = sync.Map("retry");
        if (retry.Keys.Any())
        {
            policy.Retry = new Protos.Agent.RetryPolicy
            {
                Limit = (int)(retry.Number("limit") ?? 0),
                BackoffSeconds = (int)(retry.Duration("backoff")?.TotalSeconds ?? 0),
                Factor = retry.Number("factor") ?? 0,
                MaxBackoffSeconds = (int)(retry.Duration("maxBackoff")?.TotalSeconds ?? 0),
            };
        }

        retry.Done();
        sync.Done();
        var rollout = RolloutStrategyReader.Read(spec.Map("rollout"));
        spec.Done();

        var application = new Application
        {
            Name = name,
            Spec = new ApplicationSpec { Source = appSource, Destination = appDestination, SyncPolicy = policy, Project = project, Rollout = rollout },
        };
        return new CreateApplicationRequest { Application = application, Upsert = true };
    }
}
