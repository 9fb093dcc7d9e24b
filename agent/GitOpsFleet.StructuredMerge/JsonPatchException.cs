namespace GitOpsFleet.StructuredMerge;

/// <summary>A JSON patch (RFC 6902) that cannot be applied; the message names the operation and path.</summary>
public sealed class JsonPatchException(string message) : Exception(message);
