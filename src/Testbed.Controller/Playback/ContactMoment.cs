using Testbed.Domain.Harm;

namespace Testbed.Controller.Playback;

/// <summary>A person region in contact during a control period: its largest force in the period, the limit it is
/// judged against (the transient one, null where no contact is permissible) and the severity that force has against it.</summary>
public sealed record ContactMoment(ContactCurve Curve, double ForceN, double? LimitN, HarmSeverity Severity)
{
    /// <summary>Every contact that pressed in (<paramref name="fromS"/>, <paramref name="toS"/>], the hardest first.</summary>
    public static IReadOnlyList<ContactMoment> Between(IEnumerable<ContactCurve> curves, double fromS, double toS) =>
        curves.Select(c => (Curve: c, Force: c.MaxBetween(fromS, toS)))
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
