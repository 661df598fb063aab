using DuckDB.NET.Data;

namespace Testbed.Controller.Results;

/// <summary>One column of a results table: its name, its DuckDB type, and how a row's value is appended. Each
/// factory appends through the C# type that matches the column's type exactly: the appender writes whatever width the
/// C# overload has (a constant <c>1</c> picks a one-byte overload and corrupts an INTEGER column).</summary>
public sealed record ResultColumn<T>(string Name, string SqlType, Action<IDuckDBAppenderRow, T> Append)
{
    public static ResultColumn<T> Text(string name, Func<T, string?> value) =>
        new(name, "VARCHAR", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> Json(string name, Func<T, string?> value) =>
        new(name, "JSON", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> Integer(string name, Func<T, int?> value) =>
        new(name, "INTEGER", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> UBigInt(string name, Func<T, ulong?> value) =>
        new(name, "UBIGINT", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> Double(string name, Func<T, double?> value) =>
        new(name, "DOUBLE", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> Boolean(string name, Func<T, bool?> value) =>
        new(name, "BOOLEAN", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> Timestamp(string name, Func<T, DateTimeOffset?> value) =>
        new(name, "TIMESTAMPTZ", (row, x) => row.AppendValue(value(x)));

    public static ResultColumn<T> TextList(string name, Func<T, IEnumerable<string>?> value) =>
        new(name, "VARCHAR[]", (row, x) => AppendList(row, value(x)));

    public static ResultColumn<T> DoubleList(string name, Func<T, IEnumerable<double>?> value) =>
        new(name, "DOUBLE[]", (row, x) => AppendList(row, value(x)));

    public static ResultColumn<T> UBigIntList(string name, Func<T, IEnumerable<ulong>?> value) =>
        new(name, "UBIGINT[]", (row, x) => AppendList(row, value(x)));

    private static void AppendList<TItem>(IDuckDBAppenderRow row, IEnumerable<TItem>? items)
    {
        if (items is null) row.AppendNullValue();
        else row.AppendValue(items.ToList());
    }
}

/// <summary>A results table: its name and columns, declared once; the schema and the appending both come from them.</summary>
public sealed class ResultTable<T>(string name, IReadOnlyList<ResultColumn<T>> columns)
{
    public string Name { get; } = name;
    public IReadOnlyList<ResultColumn<T>> Columns { get; } = columns;

    public string CreateStatement =>
        $"CREATE TABLE {Name} ({string.Join(", ", Columns.Select(c => $"{c.Name} {c.SqlType}"))})";

    public void Write(DuckDBConnection connection, IEnumerable<T> rows)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = CreateStatement;
            create.ExecuteNonQuery();
        }
        using var appender = connection.CreateAppender(Name);
        foreach (var item in rows)
        {
            var row = appender.CreateRow();
            foreach (var column in Columns) column.Append(row, item);
            row.EndRow();
        }
    }
}
