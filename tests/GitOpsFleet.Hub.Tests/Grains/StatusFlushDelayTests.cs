using GitOpsFleet.Hub.Grains;

namespace GitOpsFleet.Hub.Tests.Grains;

/// <summary>The application grain's batched status write backs off when a write of the whole state is slow.</summary>
public sealed class StatusFlushDelayTests
{
    [Theory]
    [InlineData(0, 1000)]       // a quick write: the normal one-second batching
    [InlineData(100, 1000)]
    [InlineData(400, 1600)]     // four times the write: writing takes at most a fifth of the grain's time
    [InlineData(2000, 8000)]
    [InlineData(60000, 30000)]  // never longer than the cap
    public void NextStatusFlushDelay_FromTheLastWrite(int lastWriteMs, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ApplicationGrain.NextStatusFlushDelay(TimeSpan.FromMilliseconds(lastWriteMs)));
    }
}
