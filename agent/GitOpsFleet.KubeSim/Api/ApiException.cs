using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>A request failure carrying the HTTP code and Kubernetes Status reason the real API server uses.</summary>
internal sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => Status(Code, Reason, Message, Details);

    public static JsonObject Status(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }
        status["code"] = code;
        return status;
    }

    private static JsonObject DetailsOf(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Plural,
    };

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", DetailsOf(type, name));

    public static ApiException NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiException NotFoundPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", DetailsOf(type, name));

    public static ApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", DetailsOf(type, name));

    public static ApiException Invalid(ResourceType type, string name, string field, string detail)
    {
        var details = DetailsOf(type, name);
        details["kind"] = type.Kind;
        var reason = detail.StartsWith("Required value", StringComparison.Ordinal) ? "FieldValueRequired" : "FieldValueInvalid";
        details["causes"] = new JsonArray(new JsonObject { ["reason"] = reason, ["message"] = detail, ["field"] = field });
        return new(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {field}: {detail}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotSupported(ResourceType? type, string verb) =>
        new(405, "MethodNotSupported", $"the server does not allow this method on the requested resource", type is null ? null : new JsonObject { ["group"] = type.Group, ["kind"] = type.Plural });

    public static ApiException Gone(string message) => new(410, "Expired", message);
}
