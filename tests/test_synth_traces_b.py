"""The independent generator's truth is self-consistent (synth/traces_b)."""

import numpy as np

from synth.traces_b import motions, scenarios
from synth.traces_b.body import anthro, foot_points, joint_angle_deg, lying_pose
from synth.traces_b.camera import Camera, look_at, view_name


def _side_camera(dist=20.0, h=0.03):
    pos = np.array([0.0, -dist, h])
    rot = look_at(pos, np.array([0.0, 0.0, h]), 0.0, 0.0)
    return Camera(pos, rot, 2000.0, 1280, 720, 90.0)


def test_heel_lift_about_the_toe_shows_in_a_side_projection():
    body = anthro(1.2)
    cam = _side_camera()
    for frac in (0.0, 0.15, 0.3):
        heel, _, toe = foot_points(np.array([0.1, 0, 0]), 0.0, -np.arcsin(frac), body, about="toe")
        assert np.isclose(heel[2] / body.foot, frac)            # 3D: heel height / foot length
        (hx, hy), (tx, ty) = cam.project(np.stack([heel, toe]))[0]
        flat_len = body.foot * cam.focal_px / 20.0 / cam.height
        assert abs((ty - hy) / flat_len - frac) < 0.01           # image: same lift


def test_supine_hip_angle_measured_back_from_the_points():
    body = anthro(1.5)
    for deg in (30.0, 60.0, 90.0):
        pts = lying_pose(body, np.zeros(3), 0.3, {"left": (np.radians(deg), 0.0),
                                                   "right": (0.0, 0.0)})
        trunk = (pts[23] + pts[24]) / 2 - (pts[11] + pts[12]) / 2   # shoulders -> hips
        thigh = pts[25] - pts[23]
        ang = np.degrees(np.arccos(np.dot(trunk, thigh) / np.linalg.norm(trunk) / np.linalg.norm(thigh)))
        assert abs(ang - deg) < 0.5
        assert joint_angle_deg(pts[23], pts[25], pts[27]) > 175    # straight knee


def test_planted_squat_keeps_the_toes_still_and_bends_the_knees():
    rng = np.random.default_rng(1)
    body = anthro(1.7)
    t = np.arange(90) / 30
    depth = motions.bumps(t, [{"t0": 0.2, "down_s": 1.0, "hold_s": 0.2, "up_s": 1.0}])
    zero = np.zeros(len(t))
    pts, knees = motions.planted_motion(rng, body, t, depth, heading=0.0, centre=np.zeros(3),
                                        hip_drop_max=0.4 * body.hip_z, back_shift=0.1,
                                        lean_max=0.3, heel_pitch={"left": zero, "right": zero})
    assert np.ptp(pts[:, 31], axis=0).max() < 1e-6              # toe never slides
    assert np.ptp(pts[:, 29, 2]) < 1e-6                           # heel stays down
    assert knees["left"].min() < 110 and knees["left"].max() > 165   # standing: nearly straight (wide stance)
    thigh = np.linalg.norm(pts[:, 25] - pts[:, 23], axis=1)
    assert np.allclose(thigh, body.thigh)


def test_scenarios_are_seeded_and_well_formed():
    for kind in scenarios.KINDS:
        a, ta = scenarios.make(kind, 3)
        b, _ = scenarios.make(kind, 3)
        assert np.array_equal(np.nan_to_num(a.pose), np.nan_to_num(b.pose))
        assert a.pose.shape[1:] == (33, 4) and a.fps in scenarios.FPS_CHOICES
        assert ta["view"] in ("side", "oblique", "front", "rear")
    assert view_name(90) == "side" and view_name(180) == "rear" and view_name(45) == "oblique"
