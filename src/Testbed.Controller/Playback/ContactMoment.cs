using Testbed.Domain.Harm;

namespace Testbed.Controller.Playback;

/// <summary>A person region in contact at one moment: its force then, the limit it is judged against (the transient
/// one, null where no contact is permissible) and the severity that force has against it.</summary>
public sealed record ContactMoment(ContactCurve Curve, double ForceN, double? LimitN, HarmSeverity Severity)
{
    /// <summary>Every contact touching at <paramref name="timeS"/>, the hardest pressed first.</summary>
    public static IReadOnlyList<ContactMoment> At(IEnumerable<ContactCurve> curves, double timeS) =>
        curves.Select(c => (Curve: c, Force: c.ForceAt(timeS)))
            .Where(c => c.Force is > 0)
            .Select(c => new ContactMoment(c.Curve, c.Force!.Value, c.Curve.TransientLimitN, SeverityOf(c.Force!.Value, c.Curve.TransientLimitN)))
            .OrderByDescending(m => m.ForceN)
            .ToArray();

    /// <summary>No limit: the region permits no contact (prohibited); past the limit: a violation.</summary>
    public static HarmSeverity SeverityOf(double forceN, double? limitN) =>
        limitN is not { } limit ? HarmSeverity.Prohibited : forceN > limit ? HarmSeverity.Violation : HarmSeverity.WithinLimit;
}

/// <summary>The colour each severity is drawn in, in the video and in the viewer alike (sRGB hex).</summary>
public static class SeverityColours
{
    public static string Of(HarmSeverity severity) => severity switch
    {
        HarmSeverity.WithinLimit => "#f2b705",
        HarmSeverity.Violation => "#e8231a",
        HarmSeverity.Prohibited => "#c219d1",
        _ => "#9e9e9e",
    };

    public static IReadOnlyDictionary<string, string> ById { get; } =
        Enum.GetValues<HarmSeverity>().ToDictionary(s => s.ToId(), Of, StringComparer.Ordinal);
}
