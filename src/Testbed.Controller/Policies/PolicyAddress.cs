using System.Globalization;

namespace Testbed.Controller.Policies;

/// <summary>The wire protocols a policy URI can name, by scheme.</summary>
public enum PolicyProtocol
{
    /// <summary>The built-in scripted executor (`scripted`, no URI).</summary>
    Scripted,
    /// <summary>The testbed's neutral policy service, testbed.policy.v1 over plaintext gRPC (`grpc://`).</summary>
    Grpc,
    /// <summary>openpi's websocket server: msgpack with numpy arrays (`openpi+ws://`).</summary>
    OpenPi,
    /// <summary>OpenVLA's REST server: POST /act with json_numpy arrays (`openvla+http://`).</summary>
    OpenVla,
    /// <summary>GR00T's ZeroMQ REQ/REP server: msgpack with .npy-wrapped arrays (`gr00t+tcp://`).</summary>
    Gr00t,
}

/// <summary>Where a policy is: `scripted`, or a URI whose scheme names the server's wire protocol.</summary>
public sealed record PolicyAddress(PolicyProtocol Protocol, string Text, string Host, int Port)
{
    private static readonly Dictionary<string, PolicyProtocol> Supported = new(StringComparer.Ordinal)
    {
        ["grpc"] = PolicyProtocol.Grpc,
        ["openpi+ws"] = PolicyProtocol.OpenPi,
        ["openvla+http"] = PolicyProtocol.OpenVla,
        ["gr00t+tcp"] = PolicyProtocol.Gr00t,
    };

    /// <summary>Schemes the issue names whose adapters are not written yet: refused with a clear message.</summary>
    private static readonly Dictionary<string, string> NotYet = new(StringComparer.Ordinal)
    {
        ["grpcs"] = "the neutral gRPC policy service over TLS",
    };

    public static IReadOnlyList<string> Forms { get; } = [ScriptedTaskPolicy.PolicyName, "grpc://HOST:PORT", "openpi+ws://HOST:PORT", "openvla+http://HOST:PORT", "gr00t+tcp://HOST:PORT"];

    /// <summary>Parses a `--policy` value; the exception's message names the value, the problem and what is expected.</summary>
    /// <exception cref="FormatException">Not a policy this testbed can drive.</exception>
    public static PolicyAddress Parse(string text)
    {
        var expected = $"expected one of: {string.Join(", ", Forms)}";
        if (text == ScriptedTaskPolicy.PolicyName) return new PolicyAddress(PolicyProtocol.Scripted, text, "", 0);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) throw new FormatException($"--policy '{text}' is neither a built-in policy nor a URI; {expected}");
        var scheme = text[..schemeEnd].ToLowerInvariant();
        if (NotYet.TryGetValue(scheme, out var what))
        {
            throw new FormatException($"--policy '{text}': scheme '{scheme}://' ({what}) is not supported yet; {expected}");
        }
        if (!Supported.TryGetValue(scheme, out var protocol))
        {
            throw new FormatException($"--policy '{text}': unknown scheme '{scheme}://'; {expected}");
        }
        var rest = text[(schemeEnd + 3)..].TrimEnd('/');
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || rest.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"--policy '{text}': expected {scheme}://HOST:PORT (a host and a port, no path)");
        }
        var host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (!int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"--policy '{text}': port '{rest[(colon + 1)..]}' is not a number from 1 to 65535");
        }
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw new FormatException($"--policy '{text}': '{host}' is not a host name or IP address");
        }
        return new PolicyAddress(protocol, $"{scheme}://{rest}", host, port);
    }
}
