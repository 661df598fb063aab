using Testbed.Mjcf;
using System.Globalization;
using Testbed.Bridge.Engine;
using Testbed.Controller.Scenes;
using Testbed.Domain.Harm;
using Testbed.Domain.People;
using Xunit.Abstractions;

namespace Testbed.Tests.People;

/// <summary>What each body region of the articulated person weighs to a sudden horizontal push in the standing pose
/// (the person-side mass of ISO/TS 15066's two-body model), measured by the bridge's engine in real MuJoCo. The
/// table it prints is the one in sim-scenes/warehouse/README.md; Table A.3's m_H stands beside each value.</summary>
public sealed class PersonEffectiveMassTests(ITestOutputHelper output)
{
    private static readonly Anthropometry Table = Anthropometry.LoadDeLeva1996();
    private static readonly BodyModel Iso = BodyModel.LoadIsoTs15066();

    [Theory]
    [InlineData(1.75, 75.0)]
    [InlineData(1.55, 50.0)]
    public void Effective_masses_in_the_standing_pose_are_measured_for_every_region_geom(double height, double mass)
    {
        var person = PersonBody.Build(Table, "person", height, mass);
        var folder = Path.Combine(Path.GetTempPath(), "testbed-effective-mass-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // Yawed, so the person's frame is not the world's: the measure must follow the person.
            File.WriteAllText(Path.Combine(folder, "person.xml"), PersonMjcf.Write(person, new PersonPlacement(0.5, -0.3, 40)));
            File.WriteAllText(Path.Combine(folder, "scene.xml"), """
                <mujoco model="effective-mass">
                  <worldbody>
                    <geom name="floor" type="plane" size="3 3 0.1" contype="1" conaffinity="0"/>
                    <include file="person.xml"/>
                  </worldbody>
                </mujoco>
                """);
            using var model = MujocoModel.Load(MjcfLoadedFiles.Resolve(Path.Combine(folder, "scene.xml"), folder));
            using var simulation = new MujocoSimulation(model, []);

            var front = new Dictionary<string, double>();
            var side = new Dictionary<string, double>();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{height} m, {mass} kg: region (geom) | push from the front kg | push from the side kg | Table A.3 m_H kg"));
            foreach (var body in person.Bodies)
            {
                var pose = simulation.BodyState(body.Name);
                foreach (var geom in body.Geoms)
                {
                    var behind = geom.Name.EndsWith("_back", StringComparison.Ordinal);
                    var (centre, extentX, extentY) = Extents(geom);
                    var sideSign = centre.Y < 0 ? -1 : 1;
                    front[geom.Name] = Measure(simulation, body.Name, pose, centre + new Point3(behind ? -extentX : extentX, 0, 0), new Point3(1, 0, 0));
                    side[geom.Name] = Measure(simulation, body.Name, pose, centre + new Point3(0, sideSign * extentY, 0), new Point3(0, 1, 0));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{geom.Region.ToId()} ({geom.Name}) | {front[geom.Name]:0.00} | {side[geom.Name]:0.00} | {Iso[geom.Region].EffectiveMassKg}"));
                }
            }

            Assert.All(front.Values.Concat(side.Values), m => Assert.InRange(m, 0.01, mass));
            // Along an open chain the far end weighs least: a push on the hand moves the hand first.
            Assert.True(front["person_hand_r"] < front["person_lower_arm_r"] && front["person_lower_arm_r"] < front["person_upper_arm_r"]);
            Assert.True(front["person_foot_r"] < front["person_lower_leg_r"] && front["person_lower_leg_r"] < front["person_thigh_r"]);
            Assert.True(front["person_upper_arm_r"] < front["person_chest"], "an arm weighs more than the chest it hangs from");
            Assert.Equal(front["person_hand_l"], front["person_hand_r"], 9);
            Assert.Equal(side["person_thigh_l"], side["person_thigh_r"], 9);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The geom's centre in its body's frame and how far its surface lies from it along x and y.
    private static (Point3 Centre, double X, double Y) Extents(SegmentGeom geom) => geom.Shape switch
    {
        GeomShape.Box => (geom.Position, geom.Size[0], geom.Size[1]),
        GeomShape.Sphere => (geom.Position, geom.Size[0], geom.Size[0]),
        _ => (new Point3((geom.Position.X + geom.End.X) / 2, (geom.Position.Y + geom.End.Y) / 2, (geom.Position.Z + geom.End.Z) / 2),
              geom.Size[0] + Math.Abs(geom.End.X - geom.Position.X) / 2, geom.Size[0] + Math.Abs(geom.End.Y - geom.Position.Y) / 2),
    };

    // A point and a direction given in the body's frame, turned into the world by the body's pose.
    private static double Measure(MujocoSimulation simulation, string body, BodyKinematics pose, Point3 local, Point3 direction)
    {
        var point = Rotate(pose.Quaternion, local);
        var world = new[] { pose.Position[0] + point.X, pose.Position[1] + point.Y, pose.Position[2] + point.Z };
        var n = Rotate(pose.Quaternion, direction);
        var inverse = simulation.InverseEffectiveMass(body, [world[0], world[1], world[2]], [n.X, n.Y, n.Z]);
        return inverse > 0 ? 1 / inverse : double.PositiveInfinity;
    }

    private static Point3 Rotate(IReadOnlyList<double> q, Point3 v)
    {
        double w = q[0], x = q[1], y = q[2], z = q[3];
        // v + 2 w (u × v) + 2 u × (u × v), u = (x, y, z)
        var cx = y * v.Z - z * v.Y;
        var cy = z * v.X - x * v.Z;
        var cz = x * v.Y - y * v.X;
        return new Point3(
            v.X + 2 * (w * cx + y * cz - z * cy),
            v.Y + 2 * (w * cy + z * cx - x * cz),
            v.Z + 2 * (w * cz + x * cy - y * cx));
    }
}
