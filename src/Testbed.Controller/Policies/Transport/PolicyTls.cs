using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Testbed.Controller.Policies.Transport;

/// <summary>How a `grpcs://` policy server's certificate is checked: against the system's trusted roots, or against
/// the roots of a CA file (a private lab CA); and the name the certificate must carry, when the URI's host is not it
/// (a server reached by IP address).</summary>
/// <param name="CaFile">Full path of a PEM file of trusted root certificates; null: the system store.</param>
/// <param name="ServerName">The name the certificate must be issued to; null: the URI's host.</param>
public sealed record PolicyTls(string? CaFile, string? ServerName)
{
    public static PolicyTls SystemStore { get; } = new(null, null);

    /// <summary>Reads the config's "tls" object; a relative ca_file is taken from the config file's folder.</summary>
    /// <exception cref="FormatException">Not a usable TLS setting; the message names the field.</exception>
    public static PolicyTls Read(JsonElement v, string where, string configSource)
    {
        const string expected = "expected {\"ca_file\": \"PEM file of trusted roots\", \"server_name\": \"name on the certificate\"} (both optional)";
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: {expected}");
        string? caFile = null, serverName = null;
        foreach (var field in v.EnumerateObject())
        {
            var text = field.Value.ValueKind == JsonValueKind.String && field.Value.GetString()!.Length > 0
                ? field.Value.GetString()!
                : throw new FormatException($"{where}.{field.Name} is {field.Value.GetRawText()}; expected a non-empty string");
            switch (field.Name)
            {
                case "ca_file":
                    var folder = Path.GetDirectoryName(Path.GetFullPath(configSource)) ?? Environment.CurrentDirectory;
                    caFile = Path.GetFullPath(text, folder);
                    try
                    {
                        if (LoadRoots(caFile).Count == 0) throw new FormatException($"{where}.ca_file '{caFile}' holds no PEM certificate; expected the CA's certificate(s) in PEM");
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
                    {
                        throw new FormatException($"{where}.ca_file '{caFile}': cannot read it ({e.Message}); expected a PEM file of CA certificates");
                    }
                    break;
                case "server_name":
                    serverName = Uri.CheckHostName(text) == UriHostNameType.Dns
                        ? text
                        : throw new FormatException($"{where}.server_name '{text}' is not a host name; expected the DNS name the server's certificate is issued to");
                    break;
                default:
                    throw new FormatException($"{where}: unknown field '{field.Name}'; {expected}");
            }
        }
        return new PolicyTls(caFile, serverName);
    }

    /// <summary>The certificates of a PEM file.</summary>
    public static X509Certificate2Collection LoadRoots(string pemFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pemFile);
        return roots;
    }

    /// <summary>Checks a server certificate as this setting says, and says why it is refused: null when it is
    /// trusted, else the reason in words (for the episode's error).</summary>
    public string? Refusal(X509Certificate2? certificate, X509Chain? systemChain, SslPolicyErrors errors, string host)
    {
        if (certificate is null) return "the server sent no certificate";
        var name = ServerName ?? host;
        var problems = new List<string>();
        if (CaFile is null)
        {
            // The platform checked the chain against the system store and the name against the URI's host.
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            {
                problems.Add($"its chain is not trusted by the system store ({ChainProblems(systemChain)})");
            }
        }
        else
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(LoadRoots(CaFile));
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (systemChain is not null)
            {
                foreach (var element in systemChain.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            if (!chain.Build(certificate)) problems.Add($"its chain does not lead to a root of {CaFile} ({ChainProblems(chain)})");
        }
        if (ServerName is not null || CaFile is not null
            ? !certificate.MatchesHostname(name)
            : errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add($"it is not issued to '{name}' (subject {certificate.Subject})");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) problems.Add("the server sent no certificate");
        return problems.Count == 0 ? null : $"the server's certificate is refused: {string.Join("; ", problems)}";
    }

    private static string ChainProblems(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
        return statuses.Length == 0 ? "no detail" : string.Join(", ", statuses);
    }
}
