using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Scenes;

/// <summary>An RGB8 image, rows top to bottom.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Rgb);

/// <summary>Where a picture is taken: the keyframe a set-up variant starts from (or a scene keyframe), in words for the caption.</summary>
public sealed record PictureStart(string Keyframe, string Description);

/// <summary>
/// `testbed scenes render`: a picture of a set-up variant's start state from the scene's cameras, through the bridge's
/// Render call, opened as episodes open the scene. Several cameras are put side by side, in the order asked, with a
/// gap of <see cref="GapPixels"/> between them.
/// </summary>
public sealed class ScenePicture(BridgeCalls bridge, BodyModel bodyModel)
{
    public const int GapPixels = 4;

    /// <summary>The start of <paramref name="variantId"/> of set-up <paramref name="setupId"/> (default: the scene's first
    /// set-up); for a scene without set-ups, its first keyframe. An unknown set-up or variant is an input error naming
    /// what exists.</summary>
    public static PictureStart ChooseStart(SceneManifest scene, IReadOnlyList<Setup> setups, string? setupId, string variantId)
    {
        if (setups.Count == 0)
        {
            if (setupId is not null)
            {
                throw new ScenarioInputException("--set-up", "", $"scene '{scene.Id}' has no set-ups ({Path.Combine(scene.FolderPath, Setup.FolderName)} is empty or missing)", "no --set-up for it");
            }
            if (scene.Keyframes.Count == 0)
            {
                throw new ScenarioInputException(scene.ManifestPath, "keyframes", "is empty and the scene has no set-ups", "a keyframe or a set-up to picture");
            }
            return new PictureStart(scene.Keyframes[0].Name, $"keyframe '{scene.Keyframes[0].Name}' (the scene has no set-ups)");
        }
        var setup = setupId is null ? setups[0] : setups.FirstOrDefault(s => s.Id == setupId)
            ?? throw new ScenarioInputException("--set-up", "", $"scene '{scene.Id}' has no set-up '{setupId}'", $"one of: {string.Join(", ", setups.Select(s => s.Id))}");
        if (!setup.Variants.TryGetValue(variantId, out var variant))
        {
            throw new ScenarioInputException("--variant", "", $"set-up '{setup.Id}' has no variant '{variantId}'", $"one of: {string.Join(", ", setup.Variants.Keys)}");
        }
        return new PictureStart(variant.Keyframe, $"set-up '{setup.Id}', {variant.Id} variant (keyframe '{variant.Keyframe}')");
    }

    /// <summary>The cameras to render: those named (<c>all</c>: every camera of the manifest), else the scene's
    /// third-person camera, else its first.</summary>
    public static IReadOnlyList<string> ChooseCameras(SceneManifest scene, IReadOnlyList<string> named)
    {
        if (scene.Cameras.Count == 0)
        {
            throw new ScenarioInputException(scene.ManifestPath, "cameras", "is empty", "at least one camera to render from");
        }
        if (named.Count == 0)
        {
            return [(scene.Cameras.FirstOrDefault(c => c.Kind == "third_person") ?? scene.Cameras[0]).Name];
        }
        if (named.Contains("all")) return scene.Cameras.Select(c => c.Name).ToList();
        var unknown = named.Where(n => scene.Cameras.All(c => c.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ScenarioInputException("--camera", "", $"scene '{scene.Id}' has no camera {string.Join(", ", unknown)}", $"one of: {string.Join(", ", scene.Cameras.Select(c => c.Name))}, or all");
        }
        return named.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Renders each camera at <paramref name="width"/> × <paramref name="height"/> in the state the keyframe
    /// sets (seed 0, no noise), side by side.</summary>
    public async Task<RgbImage> RenderAsync(SceneManifest scene, string keyframe, IReadOnlyList<string> cameras, int width, int height, CancellationToken cancel)
    {
        var opened = await bridge.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, bodyModel), cancel);
        try
        {
            var missing = cameras.Where(c => !opened.Model.CameraNames.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                throw new ScenarioInputException(scene.MjcfPath, "", $"has no camera {string.Join(", ", missing)} (named in {scene.ManifestPath})", $"one of: {string.Join(", ", opened.Model.CameraNames)}");
            }
            await bridge.ResetAsync(new ResetRequest { SessionId = opened.SessionId, Keyframe = keyframe }, cancel);
            var views = new List<byte[]>();
            foreach (var camera in cameras)
            {
                var image = await bridge.RenderAsync(new RenderRequest { SessionId = opened.SessionId, Camera = camera, Width = (uint)width, Height = (uint)height }, cancel);
                views.Add(image.Rgb.ToByteArray());
            }
            return SideBySide(views, width, height);
        }
        finally
        {
            await bridge.CloseQuietlyAsync(opened.SessionId);
        }
    }

    private static RgbImage SideBySide(IReadOnlyList<byte[]> views, int width, int height)
    {
        var total = (views.Count * width) + ((views.Count - 1) * GapPixels);
        var rgb = new byte[total * height * 3];
        Array.Fill(rgb, (byte)255);
        for (var v = 0; v < views.Count; v++)
        {
            var left = v * (width + GapPixels);
            for (var y = 0; y < height; y++)
            {
                Array.Copy(views[v], y * width * 3, rgb, ((y * total) + left) * 3, width * 3);
            }
        }
        return new RgbImage(total, height, rgb);
    }
}
