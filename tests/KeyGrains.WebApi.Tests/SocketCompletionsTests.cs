using KeyGrains.WebApi.Hosting;

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// <see cref="SocketCompletions.PreferInline"/> never overrides an operator's choice. (That the web
/// API process then runs its completions inline is shown by KeyGrains.Cluster.Tests, on real processes.)
/// </summary>
public sealed class SocketCompletionsTests
{
    [Fact]
    public void PreferInline_SetsTheVariableOnlyWhenUnset()
    {
        var before = Environment.GetEnvironmentVariable(SocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, "0");
            Assert.False(SocketCompletions.PreferInline());
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketCompletions.Variable));

            Environment.SetEnvironmentVariable(SocketCompletions.Variable, null);
            Assert.True(SocketCompletions.PreferInline());
            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, before);
        }
    }
}
