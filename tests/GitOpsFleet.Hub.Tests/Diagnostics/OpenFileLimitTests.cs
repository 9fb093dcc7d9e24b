using GitOpsFleet.Hub.Diagnostics;

namespace GitOpsFleet.Hub.Tests.Diagnostics;

/// <summary>The start-up check of the open-file limit: one descriptor per connected agent.</summary>
public sealed class OpenFileLimitTests
{
    private const string ProcLimits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            20000                20000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void Parse_ProcSelfLimits_SoftOpenFiles()
    {
        Assert.Equal(20000, OpenFileLimit.Parse(ProcLimits));
    }

    [Theory]
    [InlineData("Max open files            unlimited            unlimited            files")]
    [InlineData("Max cpu time              unlimited            unlimited            seconds")]
    public void Parse_UnlimitedOrAbsent_Null(string text)
    {
        Assert.Null(OpenFileLimit.Parse(text));
    }

    [Theory]
    [InlineData(20000, 9000, false)]   // 19,744 agents of room, under half used
    [InlineData(20000, 10000, true)]   // over half of the room: warn before the fleet grows into it
    [InlineData(1024, 3, false)]       // a small demo under a shell's default limit
    [InlineData(1024, 400, true)]
    public void IsTight_WarnsPastHalfTheRoom(long limit, int registered, bool tight)
    {
        Assert.Equal(tight, OpenFileLimit.IsTight(limit, registered));
    }
}
