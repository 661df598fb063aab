using Xunit;

namespace Testbed.Tests.Domain;

/// <summary>Checks a computed number against a value printed in a table with a given number of decimals.</summary>
internal static class TableValue
{
    /// <summary>Passes when <paramref name="actual"/> rounds to <paramref name="printed"/>: within half a unit of its last decimal.</summary>
    public static void Rounds(double printed, double actual, int decimals)
    {
        var halfUnit = 0.5 * Math.Pow(10, -decimals) + 1e-12;
        Assert.True(Math.Abs(actual - printed) <= halfUnit, $"{actual} does not round to {printed} at {decimals} decimal(s)");
    }
}
