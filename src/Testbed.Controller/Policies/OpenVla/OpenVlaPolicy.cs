using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.OpenVla;

/// <summary>
/// Drives OpenVLA's REST server (`openvla+http://HOST:PORT`, vla-scripts/deploy.py): one `POST /act` per step, JSON with
/// the image as a json_numpy u8 (H, W, 3) array, the instruction and the optional `unnorm_key`. The reply is a bare
/// json_numpy array of 7 (Δxyz, Δroll-pitch-yaw, gripper 1 open / 0 closed), so the action convention is end-effector
/// deltas unless the config says otherwise. With `double_encoded` the request JSON goes as a string under "encoded"
/// and the reply is a JSON string holding the JSON. A failure is the JSON string "error" with HTTP 200. Forks that
/// answer {"action": …} or a list of arrays (OpenVLA-OFT chunks), or {"error": …}, are read too. No handshake.
/// </summary>
public sealed class OpenVlaPolicy(PolicyAddress address, PolicyConfig config) : RemotePolicy(address, config)
{
    /// <summary>The policy's only camera; mapped to a scene camera by the config's "cameras" (default: overview).</summary>
    public const string ImageKey = "image";

    private const int MaxReplyBytes = 4 * 1024 * 1024;

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxReplyBytes };

    protected override IReadOnlyList<string> PolicyCameras => [ImageKey];

    /// <summary>Unless the config maps "image", the scene's overview camera (the third-person camera's name in every site).</summary>
    protected override string DefaultSceneCamera(string policyCamera) => policyCamera == ImageKey ? "overview" : policyCamera;

    protected override ActionConvention Convention => Config.ActionConvention ?? ActionConvention.EndEffectorDeltasRollPitchYaw;

    private Uri ActUri => new UriBuilder("http", Address.Host, Address.Port, "/act").Uri;

    /// <summary>OpenVLA keeps no episode state and has no handshake.</summary>
    protected override Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel) => Task.CompletedTask;

    protected override async Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var body = RequestBody(observation.Images.Values.Single(), observation.Instruction, Config.UnnormKey, Config.DoubleEncoded);

        string text;
        try
        {
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.PostAsync(ActUri, content, cancel);
            text = await response.Content.ReadAsStringAsync(cancel);
            if (!response.IsSuccessStatusCode)
            {
                throw new PolicyReplyException($"{Address.Text}/act answered HTTP {(int)response.StatusCode}: {Shorten(text)}");
            }
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded)
        {
            // Refused, reset or dropped before a whole reply came: transient, and tried again per the config's retries.
            throw new Transport.PolicyUnreachableException($"cannot reach {Address.Text}/act: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new PolicyReplyException($"cannot reach {Address.Text}/act: {e.Message}");
        }

        return new ServerReply(Rows(text, Address.Text), null);
    }

    /// <summary>Compact JSON whose strings escape quotes, backslashes and control characters but not '+', '&lt;', '&amp;' or
    /// non-ASCII: the default encoder escapes those for HTML's sake ('+' is one base64 symbol in 64), and a request body
    /// is not HTML. Either is valid JSON.</summary>
    private static readonly JsonWriterOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON body of one POST /act, in UTF-8: {"image": json_numpy, "instruction": text, "unnorm_key": key},
    /// or with <paramref name="doubleEncoded"/> {"encoded": that JSON as a string}. Written in one pass into a buffer
    /// of about the body's size, the image base64-encoded straight into it. A fresh buffer per query, so that no body
    /// is rewritten while the HTTP stack might still be sending it.</summary>
    public static ReadOnlyMemory<byte> RequestBody(CameraImage image, string instruction, string? unnormKey, bool doubleEncoded)
    {
        // base64 of the image, the instruction at up to 3 bytes a character, and the fields' names and punctuation.
        var estimate = (4 * ((image.Rgb.Length + 2) / 3)) + (3 * instruction.Length) + (unnormKey?.Length ?? 0) + 128;
        var request = new ArrayBufferWriter<byte>(estimate);
        using (var json = new Utf8JsonWriter(request, Compact))
        {
            json.WriteStartObject();
            json.WritePropertyName("image");
            JsonNumpy.WriteRgb8(json, image.Width, image.Height, image.Rgb.Span);
            json.WriteString("instruction", instruction);
            if (unnormKey is { } key) json.WriteString("unnorm_key", key);
            json.WriteEndObject();
        }

        if (!doubleEncoded) return request.WrittenMemory;
        // Escaping adds a backslash before each quote of the inner JSON: a dozen of its own, and the instruction's.
        var body = new ArrayBufferWriter<byte>(request.WrittenCount + (3 * instruction.Length) + 128);
        using (var json = new Utf8JsonWriter(body, Compact))
        {
            json.WriteStartObject();
            json.WriteString("encoded", request.WrittenSpan);
            json.WriteEndObject();
        }

        return body.WrittenMemory;
    }

    /// <summary>The action rows of a /act reply from <paramref name="server"/> (named in errors).</summary>
    /// <exception cref="PolicyReplyException">An error reply, or one that is not an action.</exception>
    public static IReadOnlyList<double[]> Rows(string text, string server)
    {
        JsonNode? reply;
        try
        {
            reply = JsonNode.Parse(text);
            if (reply is JsonValue s && s.TryGetValue<string>(out var inner))
            {
                // The bare string "error" is OpenVLA's failure; any other string is the double-encoded payload.
                if (inner == "error") throw new PolicyReplyException($"{server}/act answered \"error\" (the server's model failed on this request; its log says why)");
                reply = JsonNode.Parse(inner);
            }
        }
        catch (JsonException e)
        {
            throw new PolicyReplyException($"{server}/act answered something that is not JSON ({e.Message}): {Shorten(text)}");
        }

        if (reply is JsonObject o && !JsonNumpy.IsArray(o))
        {
            if (o["error"] is { } error) throw new PolicyReplyException($"{server}/act answered an error: {Shorten(error.ToJsonString())}");
            reply = o["action"] ?? o["actions"]
                ?? throw new PolicyReplyException($"{server}/act answered an object without an array; expected a json_numpy array (or {{\"action\": array}})");
        }

        try
        {
            if (reply is JsonArray chunk)
            {
                return chunk.Select((row, i) => JsonNumpy.Doubles(row, $"reply row {i}").Values).ToArray();
            }

            var (values, shape) = JsonNumpy.Doubles(reply, "the reply");
            if (shape.Length is not (1 or 2)) throw new PolicyReplyException($"{server}/act answered an array of shape [{string.Join(", ", shape)}]; expected (D) or (H, D)");
            var width = shape[^1];
            var rows = shape.Length == 1 ? 1 : shape[0];
            return Enumerable.Range(0, rows).Select(r => values.AsSpan(r * width, width).ToArray()).ToArray();
        }
        catch (FormatException e)
        {
            throw new PolicyReplyException($"{server}/act: {e.Message}");
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public override ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
