using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies;

/// <summary>What `--policy` and `--policy-config` select together: where the policy is and how its actions are read.</summary>
public sealed record PolicySelection(PolicyAddress Address, PolicyConfig Config)
{
    /// <summary>The record's "policy" field: `scripted`, or the URI and the config's hash (`grpc://host:port#config-1a2b3c4d`).</summary>
    public string Name => Address.Protocol == PolicyProtocol.Scripted ? ScriptedTaskPolicy.PolicyName : RemotePolicy.NameOf(Address, Config);

    /// <exception cref="FormatException">The value or the config file is not usable; the message says why.</exception>
    public static PolicySelection Parse(string policy, string? configFile)
    {
        var address = PolicyAddress.Parse(policy);
        if (address.Protocol == PolicyProtocol.Scripted && configFile is not null)
        {
            throw new FormatException($"--policy-config '{configFile}' applies to a policy server; --policy {policy} is built in and takes no config");
        }
        return new PolicySelection(address, configFile is null ? PolicyConfig.Default : PolicyConfig.Load(configFile));
    }

    /// <summary>A fresh policy for one episode attempt.</summary>
    public IPolicy Create() => Address.Protocol switch
    {
        PolicyProtocol.Scripted => new ScriptedTaskPolicy(),
        PolicyProtocol.Grpc => new Grpc.GrpcPolicy(Address, Config),
        PolicyProtocol.OpenPi => new OpenPi.OpenPiPolicy(Address, Config),
        PolicyProtocol.OpenVla => new OpenVla.OpenVlaPolicy(Address, Config),
        PolicyProtocol.Gr00t => new Gr00t.Gr00tPolicy(Address, Config),
        _ => throw new ArgumentOutOfRangeException(nameof(Address), Address.Protocol, "unknown policy protocol"),
    };
}
