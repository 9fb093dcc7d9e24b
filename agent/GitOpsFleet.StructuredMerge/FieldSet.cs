using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>
/// A set of field paths, as the API server keeps per manager in metadata.managedFields (FieldsV1).
/// A path is a list of FieldsV1 tokens ("f:spec", "k:{\"name\":\"nginx\"}", "v:\"x\""); a member is a
/// path that is itself owned (a leaf value, an atomic list, or a list item).
/// </summary>
public sealed partial class FieldSet : IEquatable<FieldSet>
{
    private sealed class Node
    {
        public bool Member;
        public SortedDictionary<string, Node>? Children;

        public Node Child(string token)
        {
            Children ??= new SortedDictionary<string, Node>(StringComparer.Ordinal);
            if (!Children.TryGetValue(token, out var child))
            {
                child = new Node();
                Children[token] = child;
            }

            return child;
        }
    }

    private readonly Node root = new();

    /// <summary>An empty set.</summary>
    public static FieldSet Empty => new();

    /// <summary>True when the set has no member.</summary>
    public bool IsEmpty => !HasMemberBelow(root);

    /// <summary>Members in the API server's order, each as its FieldsV1 tokens.</summary>
    public IEnumerable<IReadOnlyList<string>> Members()
    {
        var prefix = new List<string>();
        return Iterate(root, prefix);
    }

    /// <summary>Members in the API server's message spelling, e.g. ".spec.template.spec.containers[name=\"nginx\"].image".</summary>
    public IReadOnlyList<string> Paths => Members().Select(PathTokens.Human).ToList();

    /// <summary>Number of members.</summary>
    public int Count => Members().Count();

    /// <summary>Parses a FieldsV1 tree (the "fieldsV1" of a managedFields entry).</summary>
    public static FieldSet FromFieldsV1(JsonObject fieldsV1)
    {
        var set = new FieldSet();
        Parse(fieldsV1, set.root);
        return set;
    }

    /// <summary>
    /// The fields an object sets: leaves, atomic lists and list items by their merge keys; apiVersion, kind and
    /// the server-owned metadata (name, namespace, uid, resourceVersion, managedFields ...) are not tracked.
    /// </summary>
    public static FieldSet FromObject(JsonObject obj)
    {
        var set = new FieldSet();
        ObjectWalker.Collect(obj, "", new List<string>(), set);
        return set;
    }

    /// <summary>The FieldsV1 tree of this set ("." marks a member that also has children).</summary>
    public JsonObject ToFieldsV1() => Encode(root) ?? new JsonObject();

    /// <summary>True when the path (FieldsV1 tokens) is a member.</summary>
    public bool Contains(IReadOnlyList<string> tokens) => Find(tokens)?.Member == true;

    /// <summary>True when the path, spelled as in messages (".spec.replicas"), is a member.</summary>
    public bool Contains(string path) => Paths.Contains(path, StringComparer.Ordinal);

    /// <summary>True when the path or anything below it is a member.</summary>
    public bool ContainsPrefix(IReadOnlyList<string> tokens)
    {
        var node = Find(tokens);
        return node is not null && Iterate(node, []).Any();
    }

    /// <summary>Members of either set.</summary>
    public FieldSet Union(FieldSet other)
    {
        var result = Clone();
        foreach (var path in other.Members())
        {
            result.Insert(path);
        }

        return result;
    }

    /// <summary>Members of this set that are not members of <paramref name="other"/>.</summary>
    public FieldSet Except(FieldSet other)
    {
        var result = new FieldSet();
        foreach (var path in Members().Where(p => !other.Contains(p)))
        {
            result.Insert(path);
        }

        return result;
    }

    /// <summary>Members of both sets.</summary>
    public FieldSet Intersect(FieldSet other)
    {
        var result = new FieldSet();
        foreach (var path in Members().Where(other.Contains))
        {
            result.Insert(path);
        }

        return result;
    }

    /// <summary>Adds a path (FieldsV1 tokens) as a member.</summary>
    public void Insert(IReadOnlyList<string> tokens)
    {
        var node = root;
        foreach (var token in tokens)
        {
            node = node.Child(token);
        }

        node.Member = true;
    }

    // Walks both trees instead of listing members: IsEmpty and Equals run several times per apply.
    public bool Equals(FieldSet? other) => other is not null && SameMembersBelow(root, other.root);

    public override bool Equals(object? obj) => obj is FieldSet other && Equals(other);

    public override int GetHashCode() => ToFieldsV1().ToJsonString().GetHashCode(StringComparison.Ordinal);

    public override string ToString() => string.Join(", ", Paths);

    private FieldSet Clone()
    {
        var result = new FieldSet();
        foreach (var path in Members())
        {
            result.Insert(path);
        }

        return result;
    }

    private Node? Find(IReadOnlyList<string> tokens)
    {
        var node = root;
        foreach (var token in tokens)
        {
            if (node.Children is null || !node.Children.TryGetValue(token, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static bool HasMemberBelow(Node node)
    {
        if (node.Children is null)
        {
            return false;
        }

        foreach (var child in node.Children.Values)
        {
            if (child.Member || HasMemberBelow(child))
            {
                return true;
            }
        }

        return false;
    }

    // Same members strictly below a and b (the nodes' own Member flags are not compared); empty branches do not count.
    private static bool SameMembersBelow(Node a, Node b)
    {
        if (a.Children is not null)
        {
            foreach (var (token, child) in a.Children)
            {
                var childHas = child.Member || HasMemberBelow(child);
                if (b.Children is null || !b.Children.TryGetValue(token, out var theirs))
                {
                    if (childHas)
                    {
                        return false;
                    }

                    continue;
                }

                if (child.Member != theirs.Member || !SameMembersBelow(child, theirs))
                {
                    return false;
                }
            }
        }

        if (b.Children is not null)
        {
            foreach (var (token, child) in b.Children)
            {
                if ((a.Children is null || !a.Children.ContainsKey(token)) && (child.Member || HasMemberBelow(child)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Members of a level first, then the children's subtrees: the order structured-merge-diff iterates in.
    private static IEnumerable<IReadOnlyList<string>> Iterate(Node node, List<string> prefix)
    {
        if (node.Children is null)
        {
            yield break;
        }

        foreach (var (token, child) in node.Children)
        {
            if (child.Member)
            {
                yield return [.. prefix, token];
            }
        }

        foreach (var (token, child) in node.Children)
        {
            prefix.Add(token);
            foreach (var path in Iterate(child, prefix))
            {
                yield return path;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private static void Parse(JsonObject fields, Node node)
    {
        foreach (var (key, value) in fields)
        {
            if (key == ".")
            {
                node.Member = true;
                continue;
            }

            var child = node.Child(PathTokens.Normalize(key));
            if (value is JsonObject obj && obj.Count > 0)
            {
                Parse(obj, child);
            }
            else
            {
                child.Member = true;
            }
        }
    }

    private static JsonObject? Encode(Node node)
    {
        var obj = new JsonObject();
        if (node.Children is not null)
        {
            foreach (var (token, child) in node.Children)
            {
                var encoded = Encode(child);
                if (encoded is not null && (encoded.Count > 0 || child.Member))
                {
                    obj[token] = encoded;
                }
            }
        }

        if (obj.Count == 0)
        {
            return node.Member ? obj : null;
        }

        if (node.Member)
        {
            var withDot = new JsonObject { ["."] = new JsonObject() };
            foreach (var (k, v) in obj.ToList())
            {
                obj.Remove(k);
                withDot[k] = v;
            }

            return withDot;
        }

        return obj;
    }
}
