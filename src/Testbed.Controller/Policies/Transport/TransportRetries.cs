using System.Globalization;
using System.Text.Json;

namespace Testbed.Controller.Policies.Transport;

/// <summary>How often a policy call is tried again after a transient transport failure
/// (<see cref="PolicyUnreachableException"/>), and how long to wait: <see cref="FirstDelayS"/>, doubled before each
/// further try. Nothing else is retried: a server's error reply, a malformed reply, or a call that timed out may have
/// had effects on the server, and asking again would not be the same question.</summary>
/// <param name="MaxRetries">Tries after the first; 0 never tries again.</param>
public sealed record TransportRetries(int MaxRetries, double FirstDelayS)
{
    /// <summary>Two more tries, after 0.5 s and 1 s: rides out a server restart or a dropped connection, and a server
    /// that is down costs 1.5 s before the episode fails (and the run's down-policy check takes over).</summary>
    public static TransportRetries Default { get; } = new(2, 0.5);

    public TimeSpan FirstDelay => TimeSpan.FromSeconds(FirstDelayS);

    /// <summary>Reads the config's "retries" object.</summary>
    /// <exception cref="FormatException">Not a usable setting; the message names the field.</exception>
    public static TransportRetries Read(JsonElement v, string where)
    {
        const string expected = "expected {\"max_retries\": whole number 0 to 10, \"first_delay_s\": seconds 0 to 60} (both optional)";
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: {expected}");
        var retries = Default;
        foreach (var field in v.EnumerateObject())
        {
            var value = field.Value;
            retries = field.Name switch
            {
                "max_retries" => retries with
                {
                    MaxRetries = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 0 and <= 10
                        ? n
                        : throw new FormatException($"{where}.max_retries is {value.GetRawText()}; {expected}"),
                },
                "first_delay_s" => retries with
                {
                    FirstDelayS = value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and <= 60 and var s
                        ? s
                        : throw new FormatException($"{where}.first_delay_s is {value.GetRawText()}; {expected}"),
                },
                _ => throw new FormatException($"{where}: unknown field '{field.Name}'; {expected}"),
            };
        }
        return retries;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{MaxRetries} retries from {FirstDelayS} s");
}

/// <summary>The transport failed before the server could answer: nobody listens (connection refused), the
/// connection was reset or dropped, or the server said UNAVAILABLE. Transient by nature: the only failure that
/// <see cref="TransportRetries"/> tries again.</summary>
public sealed class PolicyUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
