using System.Text.Json.Nodes;
using Testbed.Bridge;
using Testbed.Controller.Bridge;

namespace Testbed.Tests.Scenes;

/// <summary>A throw-away scenes root holding copies of real scenes, to be broken in one place and served by a bridge
/// of its own.</summary>
public sealed class SceneCopy : IAsyncDisposable
{
    private BridgeServer? _server;
    private BridgeConnection? _connection;

    public SceneCopy(params string[] sceneIds)
    {
        foreach (var id in sceneIds)
        {
            var source = Path.Combine(BridgeFixture.ScenesRoot, id);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(Root, id, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "testbed-scene-copy-" + Guid.NewGuid().ToString("N"));

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Edits a JSON file of the copy in place.</summary>
    public void EditJson(string relative, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(PathOf(relative)))!;
        edit(node);
        File.WriteAllText(PathOf(relative), node.ToJsonString());
    }

    /// <summary>Inserts <paramref name="line"/> after the line that holds <paramref name="anchor"/>.</summary>
    public void InsertAfter(string relative, string anchor, string line)
    {
        var text = File.ReadAllText(PathOf(relative));
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"'{anchor}' is not in {relative}");
        var lineEnd = text.IndexOf('\n', at);
        File.WriteAllText(PathOf(relative), text.Insert(lineEnd + 1, line + "\n"));
    }

    /// <summary>A bridge serving this copy, started on first use.</summary>
    public async Task<BridgeCalls> BridgeAsync()
    {
        if (_connection is null)
        {
            _server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = Root });
            _connection = await BridgeConnection.ConnectAsync(_server.Address.ToString(), TimeSpan.FromSeconds(10));
        }
        return new BridgeCalls(_connection.Client, CallDeadlines.Default);
    }

    public async ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
