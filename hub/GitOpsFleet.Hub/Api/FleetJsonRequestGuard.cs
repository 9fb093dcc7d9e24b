using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// Checks a JSON API request before transcoding reads it, because transcoding alone accepts unknown fields
/// and query parameters (a typo would silently be ignored) and answers a vague message for bad JSON:
/// too-large bodies answer 413, unknown or mistyped fields and unknown query parameters 400 naming them.
/// </summary>
internal static class FleetJsonRequestGuard
{
    /// <summary>Largest JSON request body under /api/v1 (4 MiB: an application spec with inline Helm values fits).</summary>
    internal const long MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly JsonParser StrictParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Path.StartsWithSegments("/api/v1"))
        {
            await next(http);
            return;
        }
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            await FleetHttpErrors.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, StatusCode.InvalidArgument,
                $"request body of {http.Request.ContentLength:N0} bytes is larger than the limit of {MaxBodyBytes:N0} bytes");
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { } transcoded
            && await ProblemAsync(http, transcoded.MethodDescriptor, transcoded.HttpRule.Body) is { } problem)
        {
            await FleetHttpErrors.WriteAsync(http, problem.Status, StatusCode.InvalidArgument, problem.Message);
            return;
        }
        await next(http);
    }

    private static async Task<(int Status, string Message)?> ProblemAsync(HttpContext http, MethodDescriptor method, string body)
    {
        var routeValues = http.Request.RouteValues.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var key in http.Request.Query.Keys)
        {
            if (!routeValues.Contains(key) && FieldPath(method.InputType, key) is null)
            {
                return (StatusCodes.Status400BadRequest,
                    $"unknown query parameter '{key}' for {method.Name}; known: {string.Join(", ", method.InputType.Fields.InFieldNumberOrder().Select(f => f.JsonName))}");
            }
        }
        if (body.Length == 0)
        {
            return null;
        }
        var target = body == "*" ? method.InputType : method.InputType.FindFieldByName(body)?.MessageType;
        if (target is null)
        {
            return null;
        }
        http.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBodyBytes);
        string json;
        try
        {
            using var reader = new StreamReader(http.Request.Body, leaveOpen: true);
            json = await reader.ReadToEndAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (StatusCodes.Status413PayloadTooLarge, $"request body is larger than the limit of {MaxBodyBytes:N0} bytes");
        }
        http.Request.Body.Position = 0;
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            StrictParser.Parse(json, target);
            return null;
        }
        catch (Exception ex) when (IsParseError(ex))
        {
            // Google.Protobuf names unknown fields ("Unknown field: colour") but not mistyped ones: find those.
            var field = BadField(target, json, "");
            return (StatusCodes.Status400BadRequest, $"{method.Name} request body{(field is null ? "" : $", field {field}")}: {ex.Message}");
        }
    }

    private static bool IsParseError(Exception ex) =>
        ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException or OverflowException;

    /// <summary>The path of the first field whose value does not parse ("application.spec.source"), or null.</summary>
    private static string? BadField(MessageDescriptor message, string json, string prefix)
    {
        System.Text.Json.JsonDocument document;
        try
        {
            document = System.Text.Json.JsonDocument.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return null;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var path = prefix + property.Name;
                var field = message.Fields.InFieldNumberOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
                if (field is null)
                {
                    return path;
                }
                try
                {
                    StrictParser.Parse($"{{{System.Text.Json.JsonSerializer.Serialize(property.Name)}:{property.Value.GetRawText()}}}", message);
                }
                catch (Exception ex) when (IsParseError(ex))
                {
                    var inner = field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap
                        ? BadField(field.MessageType, property.Value.GetRawText(), path + ".")
                        : null;
                    return inner ?? path;
                }
            }
            return null;
        }
    }

    /// <summary>The field a query parameter names ("a.b" paths, JSON or proto names), or null.</summary>
    private static FieldDescriptor? FieldPath(MessageDescriptor message, string path)
    {
        FieldDescriptor? field = null;
        foreach (var part in path.Split('.'))
        {
            if (message is null)
            {
                return null;
            }
            field = message.Fields.InFieldNumberOrder().FirstOrDefault(f => f.JsonName == part || f.Name == part);
            if (field is null)
            {
                return null;
            }
            message = field.FieldType == FieldType.Message ? field.MessageType : null!;
        }
        return field;
    }
}
