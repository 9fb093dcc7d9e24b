using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// The OpenAPI 3 document of the JSON API, generated from FleetService's descriptors and their google.api.http
/// rules (the same rules transcoding serves), so a new rpc shows up here without anyone remembering to.
/// </summary>
internal static partial class FleetOpenApi
{
    private const string SchemaRef = "#/components/schemas/";
    private const string ErrorSchema = "Error";

    private static readonly Lazy<string> Built = new(() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The document as JSON text (built once).</summary>
    public static string Document => Built.Value;

    /// <summary>The HTTP verb and path of a method: its google.api.http rule, or the hand-served event stream.</summary>
    public static (string Verb, string Path, string? Body)? RouteOf(MethodDescriptor method)
    {
        if (method.Name == "WatchEvents")
        {
            return ("get", FleetJsonApi.WatchEventsPath, null);
        }
        var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
        return rule?.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("get", rule.Get, NullIfEmpty(rule.Body)),
            HttpRule.PatternOneofCase.Post => ("post", rule.Post, NullIfEmpty(rule.Body)),
            HttpRule.PatternOneofCase.Put => ("put", rule.Put, NullIfEmpty(rule.Body)),
            HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete, NullIfEmpty(rule.Body)),
            HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch, NullIfEmpty(rule.Body)),
            _ => null,
        };
    }

    internal static JsonObject Build()
    {
        var schemas = new JsonObject { [ErrorSchema] = ErrorSchemaJson() };
        var paths = new JsonObject();
        foreach (var method in FleetService.Descriptor.Methods)
        {
            if (RouteOf(method) is not var (verb, path, body))
            {
                continue;
            }
            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = new JsonObject();
            }
            item[verb] = Operation(method, path, body, schemas);
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "GitOpsFleet hub JSON API",
                ["version"] = "v1",
                ["description"] = "FleetService over HTTP (see docs/api.md). Authenticate with 'Authorization: Bearer <API token>'.",
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                },
                ["schemas"] = schemas,
            },
        };
    }

    private static JsonObject Operation(MethodDescriptor method, string path, string? body, JsonObject schemas)
    {
        var pathFields = PathParameter().Matches(path).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var parameters = new JsonArray();
        foreach (var field in method.InputType.Fields.InFieldNumberOrder())
        {
            var inPath = pathFields.Contains(field.Name);
            // Fields not in the path come from the query string when there is no body (scalars and repeated scalars only).
            if (inPath || (body is null && field.FieldType != FieldType.Message && field.FieldType != FieldType.Group))
            {
                parameters.Add(new JsonObject
                {
                    ["name"] = inPath ? field.Name : field.JsonName,
                    ["in"] = inPath ? "path" : "query",
                    ["required"] = inPath,
                    ["schema"] = FieldSchema(field, schemas),
                });
            }
        }
        var operation = new JsonObject
        {
            ["operationId"] = method.Name,
            ["tags"] = new JsonArray(path.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2)?.Split(':')[0] ?? "fleet"),
            ["parameters"] = parameters,
        };
        if (body is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = MessageRef(method.InputType, schemas) } },
            };
        }
        var success = method.IsServerStreaming
            ? new JsonObject
            {
                ["description"] = $"server-sent events: each 'data:' line is one {method.OutputType.Name} as JSON",
                ["content"] = new JsonObject { ["text/event-stream"] = new JsonObject { ["schema"] = MessageRef(method.OutputType, schemas) } },
            }
            : new JsonObject
            {
                ["description"] = method.OutputType.Name,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = MessageRef(method.OutputType, schemas) } },
            };
        operation["responses"] = new JsonObject
        {
            ["200"] = success,
            ["default"] = new JsonObject
            {
                ["description"] = "error: {code (gRPC status code), message}",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(ErrorSchema) } },
            },
        };
        return operation;
    }

    private static JsonObject MessageRef(MessageDescriptor message, JsonObject schemas)
    {
        if (!schemas.ContainsKey(message.FullName))
        {
            var properties = new JsonObject();
            // Added before its fields, so recursive messages end.
            schemas[message.FullName] = new JsonObject { ["type"] = "object", ["properties"] = properties };
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                properties[field.JsonName] = FieldSchema(field, schemas);
            }
        }
        return Ref(message.FullName);
    }

    private static JsonNode FieldSchema(FieldDescriptor field, JsonObject schemas)
    {
        if (field.IsMap)
        {
            var value = field.MessageType.FindFieldByNumber(2);
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = SingleSchema(value, schemas) };
        }
        var single = SingleSchema(field, schemas);
        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = single } : single;
    }

    private static JsonNode SingleSchema(FieldDescriptor field, JsonObject schemas) => field.FieldType switch
    {
        FieldType.String => Type("string"),
        FieldType.Bool => Type("boolean"),
        FieldType.Bytes => Type("string", "byte"),
        FieldType.Double => Type("number", "double"),
        FieldType.Float => Type("number", "float"),
        // proto3 JSON writes 64-bit integers as strings (JavaScript numbers lose precision past 2^53).
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => Type("string", "int64"),
        FieldType.Enum => new JsonObject
        {
            ["type"] = "string",
            ["enum"] = new JsonArray(field.EnumType.Values.Select(v => (JsonNode)v.Name).ToArray()),
        },
        FieldType.Message or FieldType.Group => MessageRef(field.MessageType, schemas),
        _ => Type("integer", "int32"),
    };

    private static JsonObject ErrorSchemaJson() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["code"] = Type("integer", "int32"),
            ["message"] = Type("string"),
            ["details"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
        },
    };

    private static JsonObject Type(string type, string? format = null)
    {
        var schema = new JsonObject { ["type"] = type };
        if (format is not null)
        {
            schema["format"] = format;
        }
        return schema;
    }

    private static JsonObject Ref(string name) => new() { ["$ref"] = SchemaRef + name };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex(@"\{([a-z_0-9.]+)\}")]
    private static partial Regex PathParameter();
}
