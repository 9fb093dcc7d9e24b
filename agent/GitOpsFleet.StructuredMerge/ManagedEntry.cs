using System.Globalization;
using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>One metadata.managedFields entry: who owns which fields, through which operation.</summary>
internal sealed class ManagedEntry
{
    public const string ApplyOperation = "Apply";
    public const string UpdateOperation = "Update";

    public required string Manager { get; init; }
    public required string Operation { get; init; }
    public string? Subresource { get; init; }
    public string ApiVersion { get; private set; } = "";
    public string? Time { get; private set; }
    public FieldSet Set { get; private set; } = new();

    /// <summary>The entry as it was read, kept so an untouched entry is written back byte for byte.</summary>
    private JsonObject? Original { get; set; }

    /// <summary>A new entry, owning nothing yet.</summary>
    public static ManagedEntry Create(string manager, string operation, string? subresource) =>
        new() { Manager = manager, Operation = operation, Subresource = subresource };

    /// <summary>Replaces the owned set; the stored spelling is dropped when the set really changes.</summary>
    public void ReplaceSet(FieldSet set)
    {
        if (!set.Equals(Set))
        {
            Set = set;
            Original = null;
        }
    }

    /// <summary>Records that the manager wrote the object now, through <paramref name="apiVersion"/>.</summary>
    public void Stamp(string apiVersion, DateTimeOffset now)
    {
        ApiVersion = apiVersion;
        Time = FormatTime(now);
        Original = null;
    }

    public bool Is(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && (Subresource ?? "") == (subresource ?? "");

    public static string FormatTime(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads metadata.managedFields; malformed entries are skipped.</summary>
    public static List<ManagedEntry> Read(JsonObject? obj)
    {
        var result = new List<ManagedEntry>();
        if (obj?["metadata"] is not JsonObject meta || meta["managedFields"] is not JsonArray entries)
        {
            return result;
        }

        foreach (var node in entries)
        {
            if (node is not JsonObject e || Str(e, "manager") is not { } manager)
            {
                continue;
            }

            result.Add(new ManagedEntry
            {
                Manager = manager,
                Operation = Str(e, "operation") ?? UpdateOperation,
                Subresource = Str(e, "subresource") is { Length: > 0 } sub ? sub : null,
                ApiVersion = Str(e, "apiVersion") ?? "",
                Time = Str(e, "time"),
                Set = e["fieldsV1"] is JsonObject f ? FieldSet.FromFieldsV1(f) : new FieldSet(),
                Original = e,
            });
        }

        return result;
    }

    /// <summary>Writes entries to metadata.managedFields in the API server's order (Apply before Update, then by time, manager).</summary>
    public static void Write(JsonObject obj, IEnumerable<ManagedEntry> entries)
    {
        var meta = obj["metadata"] as JsonObject;
        if (meta is null)
        {
            meta = new JsonObject();
            obj["metadata"] = meta;
        }

        var sorted = entries.Where(e => !e.Set.IsEmpty)
            .OrderBy(e => e.Operation, StringComparer.Ordinal)
            .ThenBy(e => ParseSeconds(e.Time))
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Subresource ?? "", StringComparer.Ordinal)
            .ToList();
        meta.Remove("managedFields");
        if (sorted.Count == 0)
        {
            return;
        }

        meta["managedFields"] = new JsonArray(sorted.Select(e => (JsonNode)e.ToJson()).ToArray());
    }

    /// <summary>True when both lists hold the same owners with the same sets and versions.</summary>
    public static bool SameOwnership(IReadOnlyList<ManagedEntry> a, IReadOnlyList<ManagedEntry> b)
    {
        var left = a.Where(e => !e.Set.IsEmpty).ToList();
        var right = b.Where(e => !e.Set.IsEmpty).ToList();
        return left.Count == right.Count && left.All(l => right.Any(r =>
            r.Is(l.Manager, l.Operation, l.Subresource) && r.ApiVersion == l.ApiVersion && r.Set.Equals(l.Set)));
    }

    public ManagedEntry Clone() => new()
    {
        Manager = Manager,
        Operation = Operation,
        Subresource = Subresource,
        ApiVersion = ApiVersion,
        Time = Time,
        Set = Set,
        Original = Original,
    };

    private JsonObject ToJson()
    {
        if (Original is not null)
        {
            return (JsonObject)Original.DeepClone();
        }

        var json = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
            ["time"] = Time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = Set.ToFieldsV1(),
        };
        if (Subresource is not null)
        {
            json["subresource"] = Subresource;
        }

        return json;
    }

    private static long ParseSeconds(string? time) =>
        DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUnixTimeSeconds() : 0;

    private static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
