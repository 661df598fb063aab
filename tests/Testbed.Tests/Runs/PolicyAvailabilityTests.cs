using System.Net;
using System.Net.Sockets;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Runs;

namespace Testbed.Tests.Runs;

/// <summary>How a run tells a policy server that is down from one that answers, on real sockets (a port that is
/// listened on, or not), without a bridge: told once, checked again, and built-in policies left alone.</summary>
public sealed class PolicyAvailabilityTests
{
    private sealed class Notes : IRunProgress
    {
        public List<string> Lines { get; } = [];
        public void Started(string folder, int toRun, int alreadyRecorded) { }
        public void EpisodeFinished(EpisodeRecord record, int finished, int toRun) { }
        public void Note(string message)
        {
            lock (Lines) Lines.Add(message);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>OpenVLA's adapter: its check is a TCP connection, so a bare listener is a server that is up.</summary>
    private static Func<string, IPolicy> Policies(int port) => name => name == PolicyCatalog.Oracle
        ? PolicyCatalog.Create(name)
        : PolicySelection.Parse($"openvla+http://127.0.0.1:{port}", null).Create();

    private static string Server(int port) => PolicySelection.Parse($"openvla+http://127.0.0.1:{port}", null).Name;

    [Fact]
    public async Task Before_the_run_a_server_that_is_down_aborts_it_naming_the_uri_and_the_cause()
    {
        var port = FreePort();
        var availability = new PolicyAvailability(Policies(port), TimeSpan.FromSeconds(10), new Notes());

        var e = await Assert.ThrowsAsync<RunAbortedException>(() => availability.PreflightAsync([Server(port), PolicyCatalog.Oracle], CancellationToken.None));

        Assert.Equal($"policy server openvla+http://127.0.0.1:{port} is down: nothing listens at 127.0.0.1:{port} (connection refused); no episode was run", e.Message);
    }

    [Fact]
    public async Task Before_the_run_a_server_that_listens_and_built_in_policies_pass()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var availability = new PolicyAvailability(Policies(port), TimeSpan.FromSeconds(10), new Notes());

            await availability.PreflightAsync([Server(port), PolicyCatalog.Oracle], CancellationToken.None);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_server_found_down_after_failures_is_told_once_fails_its_episodes_fast_and_runs_again_once_it_answers()
    {
        var port = FreePort();
        var notes = new Notes();
        var availability = new PolicyAvailability(Policies(port), TimeSpan.FromMilliseconds(300), notes);
        var server = Server(port);
        Assert.Null(await availability.BeforeEpisodeAsync(server, CancellationToken.None));

        // Four workers' episodes fail together when the server goes away: one check, one note.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => availability.AfterFailureAsync(server, CancellationToken.None)));
        await availability.AfterFailureAsync(PolicyCatalog.Oracle, CancellationToken.None);

        var note = Assert.Single(notes.Lines);
        Assert.StartsWith($"policy server openvla+http://127.0.0.1:{port} is down: nothing listens at 127.0.0.1:{port} (connection refused).", note, StringComparison.Ordinal);
        var error = await availability.BeforeEpisodeAsync(server, CancellationToken.None);
        Assert.StartsWith($"policy server openvla+http://127.0.0.1:{port} is down: nothing listens", error, StringComparison.Ordinal);
        Assert.Null(await availability.BeforeEpisodeAsync(PolicyCatalog.Oracle, CancellationToken.None));

        // Still down at the next check: still failed fast, no new note.
        await Task.Delay(TimeSpan.FromMilliseconds(350));
        Assert.NotNull(await availability.BeforeEpisodeAsync(server, CancellationToken.None));
        Assert.Single(notes.Lines);

        // Up again: the next check after the interval lets its episodes run, and says so.
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            Assert.NotNull(await availability.BeforeEpisodeAsync(server, CancellationToken.None));
            await Task.Delay(TimeSpan.FromMilliseconds(350));
            Assert.Null(await availability.BeforeEpisodeAsync(server, CancellationToken.None));
            Assert.Equal(2, notes.Lines.Count);
            Assert.Contains("answers again", notes.Lines[1], StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task An_episode_that_failed_while_its_server_answers_leaves_the_server_up()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var notes = new Notes();
            var availability = new PolicyAvailability(Policies(port), TimeSpan.FromSeconds(10), notes);

            await availability.AfterFailureAsync(Server(port), CancellationToken.None);

            Assert.Null(await availability.BeforeEpisodeAsync(Server(port), CancellationToken.None));
            Assert.Empty(notes.Lines);
        }
        finally
        {
            listener.Stop();
        }
    }
}
