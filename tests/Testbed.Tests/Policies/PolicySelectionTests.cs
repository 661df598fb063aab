using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Remote;
using Testbed.Domain.Scenarios;

namespace Testbed.Tests.Policies;

/// <summary>`--policy` and `--policy-config` read without running anything: URIs, config files and their errors,
/// and how a server's action rows become the robot's targets.</summary>
public sealed class PolicySelectionTests
{
    [Theory]
    [InlineData("oracle", PolicyProtocol.BuiltIn, "", 0)]
    [InlineData("scripted", PolicyProtocol.BuiltIn, "", 0)]
    [InlineData("shielded-oracle", PolicyProtocol.BuiltIn, "", 0)]
    [InlineData("keyword-guard-en", PolicyProtocol.BuiltIn, "", 0)]
    [InlineData("keyword-guard-all", PolicyProtocol.BuiltIn, "", 0)]
    [InlineData("minilm-guard", PolicyProtocol.BuiltIn, "", 0)]
    [InlineData("grpc://127.0.0.1:50051", PolicyProtocol.Grpc, "127.0.0.1", 50051)]
    [InlineData("grpc://policy-host.lab:8000/", PolicyProtocol.Grpc, "policy-host.lab", 8000)]
    [InlineData("grpc://[::1]:7000", PolicyProtocol.Grpc, "::1", 7000)]
    [InlineData("grpcs://gpu:443", PolicyProtocol.Grpc, "gpu", 443)]
    [InlineData("openpi+ws://gpu-box:8000", PolicyProtocol.OpenPi, "gpu-box", 8000)]
    public void Supported_policies_parse_into_protocol_host_and_port(string text, PolicyProtocol protocol, string host, int port)
    {
        var address = PolicyAddress.Parse(text);

        Assert.Equal((protocol, host, port), (address.Protocol, address.Host, address.Port));
        Assert.Equal(text.StartsWith("grpcs://", StringComparison.Ordinal), address.Tls);
    }

    [Theory]
    [InlineData("openvla", "neither a built-in policy nor a URI")]
    [InlineData("ftp://h:1", "unknown scheme 'ftp://'")]
    [InlineData("grpc://h", "HOST:PORT")]
    [InlineData("grpc://h:0", "from 1 to 65535")]
    [InlineData("grpc://h:80/act", "no path")]
    public void A_malformed_policy_is_refused_saying_what_is_expected(string text, string says)
    {
        var e = Assert.Throws<FormatException>(() => PolicyAddress.Parse(text));

        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_file_sets_every_field_it_names()
    {
        var config = PolicyConfig.Parse("""
            {
              "action_convention": "joint_deltas",
              "actions_per_query": 5,
              "cameras": { "observation/image": "overview" },
              "image_width": 320, "image_height": 240,
              "prompt_template": "In: what should the robot do to {instruction}?",
              "normalisation": { "q01": [-1, 0], "q99": [1, 2] },
              "call_timeout_s": 2.5
            }
            """, "policy.json");

        Assert.Equal(ActionConvention.JointDeltas, config.ActionConvention);
        Assert.Equal(5, config.ActionsPerQuery);
        Assert.Equal("overview", config.Cameras["observation/image"]);
        Assert.Equal((320, 240), (config.ImageWidth, config.ImageHeight));
        Assert.Equal("In: what should the robot do to 箱を運んで?", config.Prompt("箱を運んで"));
        Assert.True(config.Normalisation!.Quantiles);
        Assert.Equal(2.5, config.CallTimeoutS);
    }

    [Fact]
    public void Transport_settings_are_read_and_leave_the_configs_hash_as_it_was()
    {
        var folder = Path.Combine(Path.GetTempPath(), "testbed-policy-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var certificates = TestCertificates.Create();
            File.Copy(certificates.CaFile, Path.Combine(folder, "lab-ca.pem"));
            var plain = PolicyConfig.Parse("""{"call_timeout_s": 5}""", Path.Combine(folder, "policy.json"));
            var transport = PolicyConfig.Parse("""
                {"call_timeout_s": 5, "retries": {"max_retries": 0}, "tls": {"ca_file": "lab-ca.pem", "server_name": "policy.lab"}}
                """, Path.Combine(folder, "policy.json"));

            Assert.Equal(0, transport.Retries.MaxRetries);
            Assert.Equal(Path.Combine(folder, "lab-ca.pem"), transport.Tls.CaFile); // relative to the config file
            Assert.Equal("policy.lab", transport.Tls.ServerName);
            Assert.Equal((2, 0.5), (plain.Retries.MaxRetries, plain.Retries.FirstDelayS));
            Assert.Null(plain.Tls.CaFile);
            Assert.Equal(plain.Hash(), transport.Hash());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Per_camera_sizes_letterboxing_health_check_and_gr00t_layout_are_read_and_change_the_hash()
    {
        var config = PolicyConfig.Parse("""
            {"cameras": {"observation/image": "overview", "observation/wrist_image": {"scene": "wrist", "width": 128, "height": 96}},
             "resize_with_pad": null, "health_check": false, "gr00t_layout": "n1.5"}
            """, "p.json");

        Assert.Equal("wrist", config.Cameras["observation/wrist_image"]);
        Assert.Equal(new ImageSize(128, 96), config.CameraSizes["observation/wrist_image"]);
        Assert.False(config.CameraSizes.ContainsKey("observation/image"));
        Assert.Null(config.ResizeWithPad);
        Assert.False(config.HealthCheck);
        Assert.Equal(Gr00tLayout.Flat, config.Gr00tLayout);
        var plain = PolicyConfig.Parse("""{"cameras": {"observation/image": "overview", "observation/wrist_image": "wrist"}}""", "p.json");
        Assert.NotEqual(plain.Hash(), config.Hash());
        // Defaults leave the hash of existing configs alone.
        Assert.Equal(PolicyConfig.Default.Hash(), PolicyConfig.Parse("""{"resize_with_pad": {"width": 224, "height": 224}, "health_check": true, "gr00t_layout": "n1.6"}""", "p.json").Hash());
    }

    [Fact]
    public void Without_a_template_the_instruction_is_sent_untouched()
    {
        Assert.Equal("Trage die Kiste zum Band.", PolicyConfig.Default.Prompt("Trage die Kiste zum Band."));
    }

    [Theory]
    [InlineData("""{"action_convention": "ee_delta"}""", "field 'action_convention' is \"ee_delta\"; expected one of: absolute_joint_positions, joint_deltas, joint_velocities, end_effector_deltas_rpy, end_effector_deltas_axis_angle")]
    [InlineData("""{"actions_per_query": 0}""", "field 'actions_per_query' is 0; expected a whole number from 1")]
    [InlineData("""{"image_width": "224"}""", "field 'image_width'")]
    [InlineData("""{"cameras": {"wrist": 3}}""", "camera 'wrist' maps to 3; expected a scene camera name")]
    [InlineData("""{"normalisation": {"mean": [0, 0], "std": [1]}}""", "mean has 2 numbers and std 1")]
    [InlineData("""{"normalisation": {"mean": [0], "sd": [1]}}""", "keys [mean, sd]")]
    [InlineData("""{"normalisation": {"mean": [0], "std": [0]}}""", "every std above 0")]
    [InlineData("""{"prompt_template": ""}""", "field 'prompt_template'")]
    [InlineData("""{"call_timeout_s": -1}""", "field 'call_timeout_s'")]
    [InlineData("""{"cameras": {"wrist": {"scene": "wrist", "width": 128}}}""", "field 'cameras': camera 'wrist': expected {\"width\": pixels, \"height\": pixels}")]
    [InlineData("""{"cameras": {"wrist": {"scene": "wrist", "width": 0, "height": 96}}}""", "camera 'wrist'.width is 0; expected a whole number from 1 to 4096")]
    [InlineData("""{"cameras": {"wrist": {"scene": "wrist", "size": 96}}}""", "camera 'wrist' has unknown key(s) size; expected scene, width and height")]
    [InlineData("""{"cameras": {"wrist": {"width": 96, "height": 96}}}""", "expected a scene camera name, or {\"scene\": name")]
    [InlineData("""{"resize_with_pad": 224}""", "field 'resize_with_pad': expected {\"width\": pixels, \"height\": pixels}")]
    [InlineData("""{"health_check": "yes"}""", "field 'health_check': expected true or false")]
    [InlineData("""{"gr00t_layout": "n1"}""", "field 'gr00t_layout' is \"n1\"; expected one of: n1.6, n1.5")]
    [InlineData("""{"chunk": 5}""", "unknown field 'chunk'")]
    [InlineData("""{"retries": {"max_retries": -1}}""", "field 'retries'.max_retries is -1; expected {\"max_retries\": whole number 0 to 10")]
    [InlineData("""{"retries": {"backoff": 2}}""", "field 'retries': unknown field 'backoff'")]
    [InlineData("""{"tls": {"ca_file": "no-such-ca.pem"}}""", "field 'tls'.ca_file '")]
    [InlineData("""{"tls": {"server_name": "not a name"}}""", "field 'tls'.server_name 'not a name' is not a host name")]
    [InlineData("""{"tls": true}""", "field 'tls': expected {\"ca_file\"")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"action_convention": """, "not valid JSON")]
    public void A_bad_config_is_refused_naming_the_file_the_field_and_what_is_expected(string json, string says)
    {
        var e = Assert.Throws<FormatException>(() => PolicyConfig.Parse(json, "configs/policy.json"));

        Assert.StartsWith("configs/policy.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var e = Assert.Throws<FormatException>(() => PolicySelection.Parse("grpc://h:1", "/no/such/policy.json"));

        Assert.Contains("--policy-config '/no/such/policy.json'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_record_names_the_uri_and_a_hash_that_changes_with_the_settings()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"actions_per_query": 5}""");
        try
        {
            var plain = PolicySelection.Parse("grpc://127.0.0.1:50051", null).Name;
            var configured = PolicySelection.Parse("grpc://127.0.0.1:50051", path).Name;

            Assert.Matches("^grpc://127\\.0\\.0\\.1:50051#config-[0-9a-f]{8}$", plain);
            Assert.Matches("^grpc://127\\.0\\.0\\.1:50051#config-[0-9a-f]{8}$", configured);
            Assert.NotEqual(plain, configured);
            Assert.Equal(configured, PolicySelection.Parse("grpc://127.0.0.1:50051", path).Name);
            Assert.Equal("oracle", PolicySelection.Parse("oracle", null).Name);
            // The old name of the oracle is an alias: runs record the name it stands for.
            Assert.Equal("oracle", PolicySelection.Parse("scripted", null).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_built_in_policy_takes_no_config()
    {
        var e = Assert.Throws<FormatException>(() => PolicySelection.Parse("scripted", "policy.json"));

        Assert.Contains("takes no config", e.Message, StringComparison.Ordinal);
    }

    private static EpisodeBrief Brief() => new(
        null!, LanguageTag.English, "carry the tote", ["shoulder", "elbow", "gripper"], new HashSet<string> { "shoulder", "elbow" },
        [0.1, 0.2, 0], 0.01, 10);

    [Fact]
    public void Joint_deltas_add_up_from_the_observed_positions_and_commands_stay_absolute()
    {
        var config = PolicyConfig.Default with { ActionConvention = ActionConvention.JointDeltas };

        var targets = ActionChunkReading.Targets([[0.1, -0.1, 0.5], [0.1, -0.1, 0.7]], Brief(), [1.0, 2.0, 0], config, ActionConvention.JointDeltas);

        Assert.Equal([1.1, 1.9, 0.5], targets[0], new ToleranceComparer(1e-12));
        Assert.Equal([1.2, 1.8, 0.7], targets[1], new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Normalised_actions_are_mapped_back_by_mean_and_std_or_by_quantiles()
    {
        var meanStd = PolicyConfig.Default with { Normalisation = new ActionNormalisation(false, [1, 2, 3], [0.5, 0.5, 2]) };
        var quantiles = PolicyConfig.Default with { Normalisation = new ActionNormalisation(true, [-2, 0, 0], [2, 1, 10]) };

        var a = ActionChunkReading.Targets([[2, -2, 1]], Brief(), [0, 0, 0], meanStd, ActionConvention.AbsoluteJointPositions)[0];
        var b = ActionChunkReading.Targets([[0.5, -1, 1]], Brief(), [0, 0, 0], quantiles, ActionConvention.AbsoluteJointPositions)[0];

        Assert.Equal([2.0, 1.0, 5.0], a, new ToleranceComparer(1e-12));
        Assert.Equal([1.0, 0.0, 10.0], b, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Only_the_configured_number_of_actions_runs_before_the_next_query()
    {
        var config = PolicyConfig.Default with { ActionsPerQuery = 2 };

        var targets = ActionChunkReading.Targets([[1, 1, 1], [2, 2, 2], [3, 3, 3]], Brief(), [0, 0, 0], config, ActionConvention.AbsoluteJointPositions);

        Assert.Equal(2, targets.Count);
    }

    [Theory]
    [InlineData(2, "has 2 values; expected 3, one per robot actuator (shoulder, elbow, gripper)")]
    [InlineData(0, "empty action chunk")]
    public void A_wrongly_shaped_chunk_is_refused_with_the_shape_expected(int width, string says)
    {
        double[][] rows = width == 0 ? [] : [new double[width]];

        var e = Assert.Throws<PolicyReplyException>(() => ActionChunkReading.Targets(rows, Brief(), [0, 0, 0], PolicyConfig.Default, ActionConvention.AbsoluteJointPositions));

        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chunk_holding_nan_is_refused()
    {
        var e = Assert.Throws<PolicyReplyException>(() => ActionChunkReading.Targets([[0, double.NaN, 0]], Brief(), [0, 0, 0], PolicyConfig.Default, ActionConvention.AbsoluteJointPositions));

        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
