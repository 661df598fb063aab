using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Testbed.Controller.Policies;

/// <summary>What the rows of a server's action chunk mean.</summary>
public enum ActionConvention
{
    /// <summary>Each row is the target joint positions, in the robot's actuator order.</summary>
    AbsoluteJointPositions,
    /// <summary>Each row is added to the previous row's targets (the first to the observed joint positions);
    /// command actuators (no joint) take the row's value as is.</summary>
    JointDeltas,
    /// <summary>Each row is joint velocities (rad/s or m/s), integrated over one control period onto the previous
    /// row's targets; command actuators take the row's value as is (DROID's absolute gripper).</summary>
    JointVelocities,
    /// <summary>Each row is [dx, dy, dz, droll, dpitch, dyaw, gripper?] of the end effector (metres, radians; extrinsic
    /// roll-pitch-yaw), turned into joint targets by inverse kinematics (OpenVLA, Octo).</summary>
    EndEffectorDeltasRollPitchYaw,
    /// <summary>Each row is [dx, dy, dz, rx, ry, rz, gripper?]: a position delta and a rotation vector (LIBERO).</summary>
    EndEffectorDeltasAxisAngle,
}

/// <summary>The ids policy configs use for <see cref="ActionConvention"/>.</summary>
public static class ActionConventionIds
{
    private static readonly (ActionConvention Convention, string Id)[] Ids =
    [
        (ActionConvention.AbsoluteJointPositions, "absolute_joint_positions"),
        (ActionConvention.JointDeltas, "joint_deltas"),
        (ActionConvention.JointVelocities, "joint_velocities"),
        (ActionConvention.EndEffectorDeltasRollPitchYaw, "end_effector_deltas_rpy"),
        (ActionConvention.EndEffectorDeltasAxisAngle, "end_effector_deltas_axis_angle"),
    ];

    public static string All => string.Join(", ", Ids.Select(i => i.Id));

    public static string ToId(this ActionConvention convention) => Ids.First(i => i.Convention == convention).Id;

    public static bool TryParse(string? id, out ActionConvention convention)
    {
        foreach (var (c, text) in Ids)
        {
            if (text == id)
            {
                convention = c;
                return true;
            }
        }

        convention = default;
        return false;
    }

    public static bool IsEndEffector(this ActionConvention convention) =>
        convention is ActionConvention.EndEffectorDeltasRollPitchYaw or ActionConvention.EndEffectorDeltasAxisAngle;
}

/// <summary>The policy's gripper values for open and closed; a value nearer the closed one closes the scene's gripper.</summary>
public sealed record GripperConvention(double Open, double Closed)
{
    /// <summary>OpenVLA's and Octo's: 1 open, 0 closed.</summary>
    public static GripperConvention OneOpen { get; } = new(1, 0);

    public double ToScene(double value, Testbed.Domain.Scenes.EndEffector effector) =>
        Math.Abs(value - Closed) < Math.Abs(value - Open) ? effector.GripperClosed : effector.GripperOpen;
}

/// <summary>How a server's normalised actions are mapped back to physical units, per action dimension.</summary>
/// <param name="Offset">mean, or q01.</param>
/// <param name="Scale">std, or q99.</param>
public sealed record ActionNormalisation(bool Quantiles, IReadOnlyList<double> Offset, IReadOnlyList<double> Scale)
{
    /// <summary>mean/std: a·std + mean. q01/q99: the range [−1, 1] onto [q01, q99].</summary>
    public double Unnormalise(int dimension, double value) => Quantiles
        ? (value + 1) / 2 * (Scale[dimension] - Offset[dimension]) + Offset[dimension]
        : value * Scale[dimension] + Offset[dimension];
}

/// <summary>An image's size in pixels.</summary>
public sealed record ImageSize(int Width, int Height)
{
    /// <summary>What openpi's checkpoints take (its examples letterbox every camera to it).</summary>
    public static ImageSize OpenPiDefault { get; } = new(224, 224);

    public override string ToString() => $"{Width}x{Height}";
}

/// <summary>How a GR00T server wants its observation laid out.</summary>
public enum Gr00tLayout
{
    /// <summary>N1.6/N1.7: {"observation": {"video": {key: (B, T, H, W, 3)}, "state": {…}, "language": {…}}, "options": null},
    /// answered by [action, info].</summary>
    Nested,
    /// <summary>N1.5: the data is the flat observation {"video.key": (T, H, W, 3), "state.key": (T, D),
    /// "annotation.…": [text]}, answered by {"action.key": (H, D)}; no reset endpoint.</summary>
    Flat,
}

/// <summary>The ids policy configs use for <see cref="Gr00tLayout"/>: the GR00T release that reads it.</summary>
public static class Gr00tLayoutIds
{
    private static readonly (Gr00tLayout Layout, string Id)[] Ids = [(Gr00tLayout.Nested, "n1.6"), (Gr00tLayout.Flat, "n1.5")];

    public static string All => string.Join(", ", Ids.Select(i => i.Id));

    public static string ToId(this Gr00tLayout layout) => Ids.First(i => i.Layout == layout).Id;

    public static bool TryParse(string? id, out Gr00tLayout layout)
    {
        var found = Ids.FirstOrDefault(i => i.Id == id);
        layout = found.Layout;
        return found.Id is not null;
    }
}

/// <summary>The per-policy settings of `--policy-config FILE` (JSON, snake_case keys; every key optional).</summary>
public sealed record PolicyConfig
{
    public const string InstructionPlaceholder = "{instruction}";

    /// <summary>Null: what the server's handshake says, or absolute joint positions for a server that says nothing.</summary>
    public ActionConvention? ActionConvention { get; init; }

    /// <summary>Rows of each chunk executed before the policy is asked again; null executes the whole chunk.</summary>
    public int? ActionsPerQuery { get; init; }

    /// <summary>The policy's camera names to the scene's cameras; a camera not named here is looked up under its own name.</summary>
    public IReadOnlyDictionary<string, string> Cameras { get; init; } = new Dictionary<string, string>();

    /// <summary>Rendered image size when the server does not ask for one.</summary>
    public int ImageWidth { get; init; } = 224;

    public int ImageHeight { get; init; } = 224;

    /// <summary>The text sent as the prompt; {instruction} stands for the scenario's instruction, in its language, untouched.</summary>
    public string PromptTemplate { get; init; } = InstructionPlaceholder;

    public ActionNormalisation? Normalisation { get; init; }

    /// <summary>The policy's gripper values, for end-effector actions.</summary>
    public GripperConvention Gripper { get; init; } = GripperConvention.OneOpen;

    /// <summary>OpenVLA: the dataset whose statistics un-normalise the actions (e.g. bridge_orig); sent with each query.</summary>
    public string? UnnormKey { get; init; }

    /// <summary>OpenVLA: send the request JSON as a string under "encoded", and read the reply as a JSON string.</summary>
    public bool DoubleEncoded { get; init; }

    /// <summary>GR00T: each state modality key to the robot actuators whose positions it holds, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StateMap { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>GR00T: each action modality key to the robot actuators its values drive, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ActionMap { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The observation key of the joint positions, for servers whose observation is a keyed map (openpi).</summary>
    public string StateKey { get; init; } = "observation/state";

    /// <summary>Render size per policy camera, where the config's cameras entry gives one ({"scene": …, "width": …,
    /// "height": …}); a camera not here is rendered at <see cref="ImageWidth"/> × <see cref="ImageHeight"/>.</summary>
    public IReadOnlyDictionary<string, ImageSize> CameraSizes { get; init; } = new Dictionary<string, ImageSize>();

    /// <summary>openpi: the size every image is letterboxed to before it is sent, as openpi's client does
    /// (resize_with_pad); null sends images as rendered. openpi's checkpoints take 224 × 224.</summary>
    public ImageSize? ResizeWithPad { get; init; } = ImageSize.OpenPiDefault;

    /// <summary>openpi: ask GET /healthz before connecting (a server without the endpoint is let through).</summary>
    public bool HealthCheck { get; init; } = true;

    /// <summary>GR00T: the observation layout the server reads.</summary>
    public Gr00tLayout Gr00tLayout { get; init; } = Gr00tLayout.Nested;

    /// <summary>Longest wait for one policy call (connect or act).</summary>
    public double CallTimeoutS { get; init; } = 30;

    /// <summary>`grpcs://`: how the server's certificate is checked (the system store unless a CA file is given).</summary>
    public Transport.PolicyTls Tls { get; init; } = Transport.PolicyTls.SystemStore;

    /// <summary>Tries again after a transient transport failure (connection refused or reset, UNAVAILABLE), and only then.</summary>
    public Transport.TransportRetries Retries { get; init; } = Transport.TransportRetries.Default;

    /// <summary>What the text is, for error messages: the file it came from, or "default policy config".</summary>
    public string Source { get; init; } = "default policy config";

    public static PolicyConfig Default { get; } = new();

    public string Prompt(string instruction) => PromptTemplate.Replace(InstructionPlaceholder, instruction, StringComparison.Ordinal);

    /// <summary>Eight hex digits of SHA-256 over the settings (not the file's layout): the record's policy field
    /// carries it so two runs with different settings never compare as one policy.</summary>
    public string Hash()
    {
        var text = new StringBuilder();
        text.Append(ActionConvention).Append('|').Append(ActionsPerQuery).Append('|');
        foreach (var (k, v) in Cameras.OrderBy(c => c.Key, StringComparer.Ordinal)) text.Append(k).Append('=').Append(v).Append(';');
        text.Append('|').Append(ImageWidth).Append('x').Append(ImageHeight).Append('|').Append(PromptTemplate).Append('|');
        if (Normalisation is { } n)
        {
            text.Append(n.Quantiles ? "q" : "m");
            foreach (var x in n.Offset.Concat(n.Scale)) text.Append(',').Append(x.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        text.Append('|').Append(StateKey).Append('|').Append(CallTimeoutS.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        // Settings added later join the hash only when set, so that existing configs keep their hash. Transport
        // settings (tls, retries) stay out: they change how the server is reached, not what the policy does.
        if (Gripper != GripperConvention.OneOpen) text.Append("|gripper ").Append(Gripper.Open.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(Gripper.Closed.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        if (UnnormKey is not null) text.Append("|unnorm ").Append(UnnormKey);
        if (DoubleEncoded) text.Append("|double-encoded");
        foreach (var (name, map) in new[] { ("state", StateMap), ("action", ActionMap) })
        {
            foreach (var (key, actuators) in map.OrderBy(m => m.Key, StringComparer.Ordinal)) text.Append('|').Append(name).Append(' ').Append(key).Append('=').AppendJoin(',', actuators);
        }
        foreach (var (camera, size) in CameraSizes.OrderBy(c => c.Key, StringComparer.Ordinal)) text.Append("|size ").Append(camera).Append('=').Append(size);
        if (ResizeWithPad != ImageSize.OpenPiDefault) text.Append("|resize_with_pad ").Append(ResizeWithPad?.ToString() ?? "none");
        if (!HealthCheck) text.Append("|no health check");
        if (Gr00tLayout != Gr00tLayout.Nested) text.Append("|gr00t ").Append(Gr00tLayout.ToId());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..8];
    }

    /// <summary>Reads a config file; every problem names the file, the field and what was expected.</summary>
    /// <exception cref="FormatException">The file is missing or not a valid policy config.</exception>
    public static PolicyConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"--policy-config '{path}': cannot read it ({e.Message}); expected a JSON policy config file");
        }
        return Parse(text, path);
    }

    public static PolicyConfig Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}); expected an object of policy settings");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{source}: expected a JSON object of policy settings, found {root.ValueKind}");
            var config = new PolicyConfig { Source = source };
            foreach (var field in root.EnumerateObject())
            {
                var v = field.Value;
                string Where() => $"{source}: field '{field.Name}'";
                config = field.Name switch
                {
                    "action_convention" => config with
                    {
                        ActionConvention = v.ValueKind == JsonValueKind.String && ActionConventionIds.TryParse(v.GetString(), out var convention)
                            ? convention
                            : throw new FormatException($"{Where()} is {v.GetRawText()}; expected one of: {ActionConventionIds.All}"),
                    },
                    "gripper" => config with { Gripper = ReadGripper(v, Where()) },
                    "unnorm_key" => config with
                    {
                        UnnormKey = v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0
                            ? v.GetString()
                            : throw new FormatException($"{Where()}: expected the dataset name whose statistics the server un-normalises with, e.g. bridge_orig"),
                    },
                    "state_map" => config with { StateMap = ActuatorMap(v, Where()) },
                    "action_map" => config with { ActionMap = ActuatorMap(v, Where()) },
                    "double_encoded" => config with
                    {
                        DoubleEncoded = v.ValueKind is JsonValueKind.True or JsonValueKind.False
                            ? v.GetBoolean()
                            : throw new FormatException($"{Where()}: expected true or false"),
                    },
                    "actions_per_query" => config with { ActionsPerQuery = v.ValueKind == JsonValueKind.Null ? null : PositiveInt(v, Where(), 10_000) },
                    "cameras" => config with { Cameras = CameraMap(v, Where()), CameraSizes = CameraSizeMap(v, Where()) },
                    "resize_with_pad" => config with { ResizeWithPad = v.ValueKind == JsonValueKind.Null ? null : ReadSize(v, Where()) },
                    "health_check" => config with
                    {
                        HealthCheck = v.ValueKind is JsonValueKind.True or JsonValueKind.False
                            ? v.GetBoolean()
                            : throw new FormatException($"{Where()}: expected true or false"),
                    },
                    "gr00t_layout" => config with
                    {
                        Gr00tLayout = v.ValueKind == JsonValueKind.String && Gr00tLayoutIds.TryParse(v.GetString(), out var layout)
                            ? layout
                            : throw new FormatException($"{Where()} is {v.GetRawText()}; expected one of: {Gr00tLayoutIds.All}"),
                    },
                    "image_width" => config with { ImageWidth = PositiveInt(v, Where(), 4096) },
                    "image_height" => config with { ImageHeight = PositiveInt(v, Where(), 4096) },
                    "prompt_template" => config with
                    {
                        PromptTemplate = v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0
                            ? v.GetString()!
                            : throw new FormatException($"{Where()}: expected a non-empty string, where {InstructionPlaceholder} stands for the instruction"),
                    },
                    "normalisation" => config with { Normalisation = v.ValueKind == JsonValueKind.Null ? null : ReadNormalisation(v, Where()) },
                    "state_key" => config with
                    {
                        StateKey = v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0
                            ? v.GetString()!
                            : throw new FormatException($"{Where()}: expected a non-empty string, e.g. observation/state"),
                    },
                    "call_timeout_s" => config with
                    {
                        CallTimeoutS = v.ValueKind == JsonValueKind.Number && v.GetDouble() is > 0 and <= 3600 and var s
                            ? s
                            : throw new FormatException($"{Where()}: expected seconds, a number above 0 and at most 3600"),
                    },
                    "tls" => config with { Tls = Transport.PolicyTls.Read(v, Where(), source) },
                    "retries" => config with { Retries = Transport.TransportRetries.Read(v, Where()) },
                    _ => throw new FormatException(
                        $"{source}: unknown field '{field.Name}'; expected some of: action_convention, actions_per_query, cameras, image_width, image_height, prompt_template, normalisation, state_key, call_timeout_s, gripper, unnorm_key, double_encoded, state_map, action_map, resize_with_pad, health_check, gr00t_layout, tls, retries"),
                };
            }
            return config;
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ActuatorMap(JsonElement v, string where)
    {
        const string expected = "expected an object mapping each modality key to an array of robot actuator names, e.g. {\"single_arm\": [\"arm_yaw\", …], \"gripper\": [\"suction\"]}";
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: {expected}");
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in v.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Array || entry.Value.GetArrayLength() == 0
                || entry.Value.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || a.GetString()!.Length == 0))
            {
                throw new FormatException($"{where}: '{entry.Name}' is {entry.Value.GetRawText()}; {expected}");
            }

            map[entry.Name] = entry.Value.EnumerateArray().Select(a => a.GetString()!).ToArray();
        }

        return map;
    }

    private static GripperConvention ReadGripper(JsonElement v, string where)
    {
        const string expected = "expected {\"open\": number, \"closed\": number}, the policy's gripper values (OpenVLA: 1 and 0)";
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("open", out var open) || open.ValueKind != JsonValueKind.Number
            || !v.TryGetProperty("closed", out var closed) || closed.ValueKind != JsonValueKind.Number
            || v.EnumerateObject().Count() != 2)
        {
            throw new FormatException($"{where}: {expected}");
        }

        return open.GetDouble() == closed.GetDouble()
            ? throw new FormatException($"{where}: open and closed are both {open.GetDouble()}; {expected}")
            : new GripperConvention(open.GetDouble(), closed.GetDouble());
    }

    private static int PositiveInt(JsonElement v, string where, int max) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1 && n <= max
            ? n
            : throw new FormatException($"{where} is {v.GetRawText()}; expected a whole number from 1 to {max}");

    private static Dictionary<string, string> CameraMap(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: expected an object mapping the policy's camera names to scene camera names");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in v.EnumerateObject())
        {
            map[c.Name] = c.Value.ValueKind == JsonValueKind.String && c.Value.GetString()!.Length > 0
                ? c.Value.GetString()!
                : c.Value.ValueKind == JsonValueKind.Object && c.Value.TryGetProperty("scene", out var scene) && scene.ValueKind == JsonValueKind.String && scene.GetString()!.Length > 0
                    ? scene.GetString()!
                    : throw new FormatException($"{where}: camera '{c.Name}' maps to {c.Value.GetRawText()}; expected a scene camera name, or {{\"scene\": name, \"width\": pixels, \"height\": pixels}}");
        }
        return map;
    }

    /// <summary>The render sizes of the cameras entries written as objects.</summary>
    private static Dictionary<string, ImageSize> CameraSizeMap(JsonElement v, string where)
    {
        var sizes = new Dictionary<string, ImageSize>(StringComparer.Ordinal);
        foreach (var c in v.EnumerateObject().Where(c => c.Value.ValueKind == JsonValueKind.Object))
        {
            var unknown = c.Value.EnumerateObject().Select(p => p.Name).Except(["scene", "width", "height"]).ToArray();
            if (unknown.Length > 0) throw new FormatException($"{where}: camera '{c.Name}' has unknown key(s) {string.Join(", ", unknown)}; expected scene, width and height");
            if (!c.Value.TryGetProperty("width", out _) && !c.Value.TryGetProperty("height", out _)) continue;
            sizes[c.Name] = ReadSize(c.Value, $"{where}: camera '{c.Name}'");
        }
        return sizes;
    }

    private static ImageSize ReadSize(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("width", out var width) || !v.TryGetProperty("height", out var height))
        {
            throw new FormatException($"{where}: expected {{\"width\": pixels, \"height\": pixels}}");
        }
        return new ImageSize(PositiveInt(width, $"{where}.width", 4096), PositiveInt(height, $"{where}.height", 4096));
    }

    private static ActionNormalisation ReadNormalisation(JsonElement v, string where)
    {
        const string expected = "expected {\"mean\": [..], \"std\": [..]} or {\"q01\": [..], \"q99\": [..]}, one number per action dimension";
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: {expected}");
        var names = v.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        var quantiles = names.SequenceEqual(["q01", "q99"]);
        if (!quantiles && !names.SequenceEqual(["mean", "std"])) throw new FormatException($"{where} has keys [{string.Join(", ", names)}]; {expected}");
        var (a, b) = quantiles ? ("q01", "q99") : ("mean", "std");
        var offset = Numbers(v.GetProperty(a), $"{where}.{a}");
        var scale = Numbers(v.GetProperty(b), $"{where}.{b}");
        if (offset.Length != scale.Length) throw new FormatException($"{where}: {a} has {offset.Length} numbers and {b} {scale.Length}; expected as many");
        if (!quantiles && scale.Any(s => s <= 0)) throw new FormatException($"{where}.std: expected every std above 0");
        return new ActionNormalisation(quantiles, offset, scale);
    }

    private static double[] Numbers(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && double.IsFinite(x.GetDouble()))
            ? v.EnumerateArray().Select(x => x.GetDouble()).ToArray()
            : throw new FormatException($"{where}: expected a non-empty array of finite numbers");
}
