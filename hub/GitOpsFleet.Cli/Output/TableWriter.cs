namespace GitOpsFleet.Cli.Output;

/// <summary>A plain, left-aligned text table, columns separated by three spaces (kubectl style).</summary>
internal sealed class TableWriter(params string[] headers)
{
    private const int MaxCell = 80;
    private readonly List<string[]> _rows = [];

    public TableWriter Row(params object?[] cells)
    {
        // The last column (usually a message) is never cut: nothing to its right needs the room.
        _rows.Add(cells.Select((c, i) => Cell(c, truncate: i < cells.Length - 1)).ToArray());
        return this;
    }

    public int Count => _rows.Count;

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        WriteLine(writer, headers, widths);
        foreach (var row in _rows) WriteLine(writer, row, widths);
    }

    private static void WriteLine(TextWriter writer, string[] cells, int[] widths)
    {
        var parts = cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]));
        writer.WriteLine(string.Join("   ", parts).TrimEnd());
    }

    private static string Cell(object? value, bool truncate)
    {
        var text = value?.ToString() ?? string.Empty;
        text = text.ReplaceLineEndings(" ");
        if (text.Length == 0) return "-";
        return truncate && text.Length > MaxCell ? text[..(MaxCell - 1)] + "…" : text;
    }
}
