using Testbed.Controller.Bridge;

namespace Testbed.Tests.Runs;

public sealed class CallDeadlineTests
{
    [Fact]
    public void A_step_call_gets_the_floor_plus_time_in_proportion_to_the_simulated_time_it_covers()
    {
        var deadlines = CallDeadlines.FromFloor(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), deadlines.ForStep(0));
        Assert.Equal(TimeSpan.FromSeconds(32), deadlines.ForStep(0.2));
        Assert.Equal(TimeSpan.FromSeconds(130), deadlines.ForStep(10));
        Assert.Equal(TimeSpan.FromSeconds(30), deadlines.ForStep(double.NaN));
    }

    [Fact]
    public void The_health_probe_never_waits_longer_than_the_floor_or_5_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), CallDeadlines.FromFloor(TimeSpan.FromSeconds(30)).HealthProbe);
        Assert.Equal(TimeSpan.FromSeconds(2), CallDeadlines.FromFloor(TimeSpan.FromSeconds(2)).HealthProbe);
    }
}
