using System.Net.Http.Headers;
using System.Text;
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
            using var content = new ByteArrayContent(body);
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

    /// <summary>The default encoder escapes '+' (one base64 symbol in 64) as \u002B for HTML's sake;
    /// a request body is not HTML, and the escapes only make it larger and slower. Still valid JSON either way.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON body of one POST /act, in UTF-8.</summary>
    public static byte[] RequestBody(CameraImage image, string instruction, string? unnormKey, bool doubleEncoded)
    {
        var request = new JsonObject
        {
            ["image"] = JsonNumpy.Rgb8(image.Width, image.Height, image.Rgb.Span),
            ["instruction"] = instruction,
        };
        if (unnormKey is { } key) request["unnorm_key"] = key;
        return Encoding.UTF8.GetBytes(doubleEncoded ? new JsonObject { ["encoded"] = request.ToJsonString(Relaxed) }.ToJsonString(Relaxed) : request.ToJsonString(Relaxed));
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
