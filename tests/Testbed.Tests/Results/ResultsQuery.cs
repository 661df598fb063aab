using System.Globalization;
using DuckDB.NET.Data;

namespace Testbed.Tests.Results;

/// <summary>Reads a results database, or Parquet files through an in-memory DuckDB, as rows of values.</summary>
public static class ResultsQuery
{
    public static IReadOnlyList<object?[]> Rows(string database, string sql)
    {
        var source = database == ":memory:" ? database : database + ";ACCESS_MODE=READ_ONLY";
        using var connection = new DuckDBConnection("DataSource=" + source);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        }
        return rows;
    }

    public static object? Scalar(string database, string sql) => Rows(database, sql).Single().Single();

    public static long Count(string database, string sql) => Convert.ToInt64(Scalar(database, sql), CultureInfo.InvariantCulture);

    /// <summary>Every row of the query as text, in order: what two stores are compared by.</summary>
    public static IReadOnlyList<string> AsText(string database, string sql) =>
        Rows(database, sql).Select(r => string.Join(" | ", r.Select(Text))).ToArray();

    private static string Text(object? value) => value switch
    {
        null => "NULL",
        string s => s,
        System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Text)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Sql(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
