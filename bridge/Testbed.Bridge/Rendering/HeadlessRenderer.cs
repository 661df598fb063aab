using System.Collections.Concurrent;
using Testbed.Bridge.Engine;

namespace Testbed.Bridge.Rendering;

/// <summary>Headless camera rendering through EGL (surfaceless, Mesa llvmpipe on the CPU: no display, no GPU).
/// An OpenGL context is current on exactly one thread, so every GL call runs on this class's own thread.</summary>
public sealed unsafe class HeadlessRenderer : IDisposable
{
    public const int MaxSize = 4096;
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;
    private readonly TaskCompletionSource<string?> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeadlessRenderer()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "testbed-egl-render" };
        _thread.Start();
        var failure = _started.Task.GetAwaiter().GetResult();
        Available = failure is null;
        Detail = failure ?? MujocoShim.Utf8(MujocoShim.GlDescription());
    }

    public bool Available { get; }

    /// <summary>The GL renderer in use, or why rendering is unavailable.</summary>
    public string Detail { get; }

    private void Run()
    {
        try
        {
            MujocoRuntime.EnsureInitialised();
            var err = stackalloc byte[MujocoShim.ErrorBufferLength];
            // Mesa reads EGL_PLATFORM; the shim also asks for the surfaceless platform explicitly.
            Environment.SetEnvironmentVariable("EGL_PLATFORM", "surfaceless");
            _started.SetResult(MujocoShim.GlInit(err, MujocoShim.ErrorBufferLength) != 0 ? null : MujocoShim.ErrorText(err));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BridgeException)
        {
            _started.SetResult($"rendering unavailable: {e.Message}");
        }
        foreach (var item in _work.GetConsumingEnumerable()) item();
    }

    private Task<T> OnRenderThread<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>Renders a fixed camera of the simulation to RGB8, rows top to bottom. The caller holds the
    /// session, so the simulation is not stepped meanwhile.</summary>
    public Task<byte[]> RenderAsync(CameraView view, MujocoSimulation simulation, int camera, int width, int height)
    {
        if (!Available) throw new BridgeException(BridgeErrorKind.FailedPrecondition, $"this bridge cannot render: {Detail}");
        if (width is < 1 or > MaxSize || height is < 1 or > MaxSize)
        {
            throw BridgeException.InvalidArgument($"image size {width}x{height} is out of range; expected width and height from 1 to {MaxSize}");
        }
        return OnRenderThread(() =>
        {
            var err = stackalloc byte[MujocoShim.ErrorBufferLength];
            view.EnsureCapacity(simulation.Model, width, height);
            var rgb = new byte[width * height * 3];
            fixed (byte* pixels = rgb)
            {
                if (MujocoShim.Render(view.Handle, simulation.Model.Handle, simulation.Handle, camera, width, height, pixels, err, MujocoShim.ErrorBufferLength) == 0)
                {
                    throw new BridgeException(BridgeErrorKind.Internal, $"rendering camera {camera} failed: {MujocoShim.ErrorText(err)}");
                }
            }
            return rgb;
        });
    }

    /// <summary>Frees a session's GL resources on the render thread.</summary>
    public void Release(CameraView view)
    {
        if (view.Handle == 0) return;
        AfterPendingWork(view.Free);
    }

    /// <summary>Runs <paramref name="action"/> on the render thread once the work queued before it is done
    /// (inline when the renderer has stopped).</summary>
    public void AfterPendingWork(Action action)
    {
        try
        {
            _work.Add(action);
        }
        catch (InvalidOperationException)
        {
            action();
        }
    }

    public void Dispose() => _work.CompleteAdding();
}

/// <summary>A session's MuJoCo visualisation and GL context state (mjvScene, mjrContext). Touched only on the
/// render thread.</summary>
public sealed unsafe class CameraView
{
    internal nint Handle { get; private set; }

    internal void EnsureCapacity(MujocoModel model, int width, int height)
    {
        if (Handle != 0 && MujocoShim.RendererWidth(Handle) >= width && MujocoShim.RendererHeight(Handle) >= height) return;
        Free();
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        Handle = MujocoShim.RendererCreate(model.Handle, width, height, err, MujocoShim.ErrorBufferLength);
        if (Handle == 0) throw new BridgeException(BridgeErrorKind.Internal, $"could not create an offscreen renderer: {MujocoShim.ErrorText(err)}");
    }

    internal void Free()
    {
        if (Handle == 0) return;
        MujocoShim.RendererFree(Handle);
        Handle = 0;
    }
}
