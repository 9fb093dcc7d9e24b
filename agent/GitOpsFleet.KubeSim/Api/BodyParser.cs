using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Turns request bodies into JSON nodes, failing with the 400 BadRequest a real API server gives.</summary>
internal static class BodyParser
{
    public static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding request body: invalid JSON: {e.Message}");
        }
    }

    /// <summary>The body of a create or update: JSON, or YAML when the content type says so.</summary>
    public static JsonObject ParseObject(string? contentType, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiException.BadRequest("the request body is empty: an object is required");
        }
        var node = contentType is not null && contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase)
            ? YamlJson.Parse(text)
            : ParseJsonObjectLikeKubernetes(text);
        return node as JsonObject ?? throw ApiException.BadRequest("couldn't get version/kind; json parse error: the body is not a JSON object");
    }

    private static JsonNode? ParseJsonObjectLikeKubernetes(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }
}
