namespace GitOpsFleet.Hub.Grains;

/// <summary>Kinds of domain errors; the gRPC boundary maps each to a status code.</summary>
[GenerateSerializer]
public enum HubErrorKind { InvalidArgument = 0, NotFound = 1, AlreadyExists = 2, FailedPrecondition = 3 }

/// <summary>A domain error that names the object (and field) it concerns.</summary>
[GenerateSerializer]
public sealed class HubException : Exception
{
    public HubException(HubErrorKind kind, string message, string field = "") : base(message)
    {
        Kind = kind;
        Field = field;
    }

    [Id(0)] public HubErrorKind Kind { get; init; }

    /// <summary>The request field at fault, when there is one.</summary>
    [Id(1)] public string Field { get; init; }

    public static HubException NotFound(string what) => new(HubErrorKind.NotFound, $"{what} not found");

    public static HubException Invalid(string field, string message) => new(HubErrorKind.InvalidArgument, $"{field}: {message}", field);
}
