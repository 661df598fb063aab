using System.Globalization;

namespace Testbed.Controller.Policies;

/// <summary>The wire protocols a policy URI can name, by scheme.</summary>
public enum PolicyProtocol
{
    /// <summary>A built-in policy by name, no URI (<see cref="PolicyCatalog"/>: `oracle`, the guards, the shield).</summary>
    BuiltIn,
    /// <summary>The testbed's neutral policy service, testbed.policy.v1 over gRPC: plaintext (`grpc://`) or TLS (`grpcs://`).</summary>
    Grpc,
    /// <summary>openpi's websocket server: msgpack with numpy arrays (`openpi+ws://`).</summary>
    OpenPi,
    /// <summary>OpenVLA's REST server: POST /act with json_numpy arrays (`openvla+http://`).</summary>
    OpenVla,
    /// <summary>GR00T's ZeroMQ REQ/REP server: msgpack with .npy-wrapped arrays (`gr00t+tcp://`).</summary>
    Gr00t,
}

/// <summary>Where a policy is: a built-in policy's name (its canonical name, an alias resolved), or a URI whose
/// scheme names the server's wire protocol.</summary>
public sealed record PolicyAddress(PolicyProtocol Protocol, string Text, string Host, int Port)
{
    /// <summary>True for a scheme whose transport is TLS (`grpcs://`): the server's certificate is checked.</summary>
    public bool Tls { get; init; }

    private static readonly Dictionary<string, PolicyProtocol> Supported = new(StringComparer.Ordinal)
    {
        ["grpc"] = PolicyProtocol.Grpc,
        ["grpcs"] = PolicyProtocol.Grpc,
        ["openpi+ws"] = PolicyProtocol.OpenPi,
        ["openvla+http"] = PolicyProtocol.OpenVla,
        ["gr00t+tcp"] = PolicyProtocol.Gr00t,
    };

    public static IReadOnlyList<string> Forms { get; } = [.. PolicyCatalog.Names, "grpc://HOST:PORT", "grpcs://HOST:PORT", "openpi+ws://HOST:PORT", "openvla+http://HOST:PORT", "gr00t+tcp://HOST:PORT"];

    /// <summary>Parses a `--policy` value; the exception's message names the value, the problem and what is expected.</summary>
    /// <exception cref="FormatException">Not a policy this testbed can drive.</exception>
    public static PolicyAddress Parse(string text)
    {
        var expected = $"expected one of: {string.Join(", ", Forms)}";
        if (PolicyCatalog.IsBuiltIn(text)) return new PolicyAddress(PolicyProtocol.BuiltIn, PolicyCatalog.CanonicalName(text), "", 0);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) throw new FormatException($"--policy '{text}' is neither a built-in policy nor a URI; {expected}");
        var scheme = text[..schemeEnd].ToLowerInvariant();
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
        return new PolicyAddress(protocol, $"{scheme}://{rest}", host, port) { Tls = scheme == "grpcs" };
    }
}
