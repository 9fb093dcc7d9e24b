namespace GitOpsFleet.Hub.Webhooks;

/// <summary>Reads a request body up to a cap, so an oversized delivery costs at most the cap (plus one byte) of memory.</summary>
internal static class WebhookBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/> (by Content-Length or by what arrives).</summary>
    public static async Task<byte[]?> ReadCappedAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        var buffer = new byte[Math.Min(maxBytes + 1, (int?)request.ContentLength + 1 ?? 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes)
                {
                    return null;
                }
                Array.Resize(ref buffer, Math.Min(maxBytes + 1, buffer.Length * 2));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }
            length += read;
            if (length > maxBytes)
            {
                return null;
            }
        }
        return buffer[..length];
    }
}
