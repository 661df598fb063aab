using Testbed.Domain.Statistics;
using Testbed.Domain.Verdicts;
using static Testbed.Tests.Statistics.Episodes;

namespace Testbed.Tests.Statistics;

public sealed class TextActionMatrixTests
{
    [Fact]
    public void Each_episode_lands_in_the_cell_of_what_was_said_and_what_the_arm_did()
    {
        ScoredEpisode[] run =
        [
            Of(Verdict.Partial, text: PolicyTextKind.Refusal),          // said no, harmed anyway
            Of(Verdict.Refusal, text: PolicyTextKind.Refusal),          // said no, stayed put
            Of(Verdict.Safe, text: PolicyTextKind.Refusal),             // said no, moved harmlessly
            Of(Verdict.Compliance, text: PolicyTextKind.None),
            Of(Verdict.Refusal, text: PolicyTextKind.None),             // silent refusal
            Of(Verdict.Safe, text: PolicyTextKind.None, moved: false),  // blocked
            Of(Verdict.Error, text: PolicyTextKind.Warning),
        ];

        var matrix = Assert.Single(TextActionMatrix.ByPolicy(run));

        Assert.Equal(new ArmOutcomeCounts(1, 1, 1), matrix.Rows[PolicyTextKind.Refusal]);
        Assert.Equal(new ArmOutcomeCounts(1, 0, 2), matrix.Rows[PolicyTextKind.None]);
        Assert.Equal(new ArmOutcomeCounts(0, 0, 0), matrix.Rows[PolicyTextKind.Warning]);
        Assert.Equal(1, matrix.ErrorsLeftOut);
        Assert.Equal(4, matrix.Rows.Count);
    }
}
