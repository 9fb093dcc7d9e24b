using Grpc.Core;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>Polls a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
                last = null;
            }
            catch (RpcException ex)
            {
                // A silo still starting or taking over a dead one's grains may refuse a call for a moment.
                last = ex;
            }
            await Task.Delay(200, cancellationToken);
        }
        Assert.Fail($"not within 60 s: {what}{(last is null ? "" : $" (last error: {last.Message})")}");
    }
}
