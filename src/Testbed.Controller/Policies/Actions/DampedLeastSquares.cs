namespace Testbed.Controller.Policies.Actions;

/// <summary>
/// One damped least-squares step of inverse kinematics: Δq = Jᵀ (J Jᵀ + λ² I)⁻¹ e, the joint motion that best
/// reduces the task error e while staying bounded near singularities (Wampler 1986; Buss, "Introduction to inverse
/// kinematics with Jacobian transpose, pseudoinverse and damped least squares methods", 2004). The system is at most
/// 6 × 6, so it is solved directly.
/// </summary>
public static class DampedLeastSquares
{
    /// <param name="jacobian">m × n, row-major: m task coordinates (3 position, 3 orientation), n joints.</param>
    /// <param name="error">The m task errors.</param>
    /// <param name="damping">λ, in the task's units; larger trades accuracy for smaller steps near singularities.</param>
    public static double[] Step(double[,] jacobian, IReadOnlyList<double> error, double damping)
    {
        var (m, n) = (jacobian.GetLength(0), jacobian.GetLength(1));
        if (error.Count != m) throw new ArgumentException($"the error has {error.Count} values; the Jacobian has {m} rows", nameof(error));

        // A = J Jᵀ + λ² I, then solve A y = e and return Jᵀ y.
        var a = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++) sum += jacobian[i, k] * jacobian[j, k];
                a[i, j] = sum + (i == j ? damping * damping : 0);
            }
        }

        var y = Solve(a, error.ToArray());
        var step = new double[n];
        for (var k = 0; k < n; k++)
        {
            var sum = 0.0;
            for (var i = 0; i < m; i++) sum += jacobian[i, k] * y[i];
            step[k] = sum;
        }

        return step;
    }

    /// <summary>Gaussian elimination with partial pivoting; A is symmetric positive definite when λ &gt; 0.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var m = b.Length;
        for (var col = 0; col < m; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < m; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col])) pivot = row;
            }

            if (Math.Abs(a[pivot, col]) < 1e-15) throw new ArithmeticException("the damped system is singular; use a damping above 0");
            if (pivot != col)
            {
                for (var k = 0; k < m; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }

            for (var row = col + 1; row < m; row++)
            {
                var factor = a[row, col] / a[col, col];
                for (var k = col; k < m; k++) a[row, k] -= factor * a[col, k];
                b[row] -= factor * b[col];
            }
        }

        var x = new double[m];
        for (var row = m - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var k = row + 1; k < m; k++) sum -= a[row, k] * x[k];
            x[row] = sum / a[row, row];
        }

        return x;
    }
}
