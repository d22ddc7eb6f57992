"""Compare landmark traces of two pose back ends (e.g. legacy ``solutions`` vs Tasks).

Two steps, because the two MediaPipe releases live in different environments:

1. ``python tools/compare_pose_backends.py track OUT_DIR [--hands] CLIP...`` (run it with
   each environment's Python, from the matching source tree) writes one trace per clip.
2. ``python tools/compare_pose_backends.py compare DIR_A DIR_B`` prints, per clip, the
   fraction of frames with a person in each, and over frames where both found one the
   mean / median / 95th-percentile landmark distance in pixels (all 33 landmarks, full
   frame size), the mean visibility difference and hand-label agreement.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PCTL = 95
HAND_MATCH_FRAC = 0.05   # wrists closer than this x the frame diagonal are the same hand


def track(out: Path, clips: list[Path], hands: bool) -> None:
    sys.path.insert(0, str(Path.cwd()))
    from vision.pose.tracking import track_video

    out.mkdir(parents=True, exist_ok=True)
    for clip in clips:
        trace = track_video(clip, hands=hands)
        trace.save(out / (clip.stem + ".json"))
        print(f"{clip.name}: {trace.stats}", flush=True)


def _hand_agreement(a, b) -> tuple[int, int]:
    """(matched hands with the same label, matched hands) over all frames."""
    diag = float(np.hypot(a.width, a.height))
    same = total = 0
    for ha, hb in zip(a.hands, b.hands, strict=False):
        for x in ha:
            for y in hb:
                dx = (x.landmarks[0, :2] - y.landmarks[0, :2]) * (a.width, a.height)
                if np.hypot(*dx) < HAND_MATCH_FRAC * diag:
                    total += 1
                    same += x.handedness == y.handedness
    return same, total


def compare(dir_a: Path, dir_b: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from vision.pose.trace import Trace

    print(f"{'clip':40s} {'frames':>6s} {'person A':>8s} {'person B':>8s} {'mean px':>8s} "
          f"{'median':>7s} {'p95':>7s} {'|dvis|':>7s} hands same/matched")
    alld = []
    for pa in sorted(dir_a.glob("*.json")):
        pb = dir_b / pa.name
        if not pb.is_file():
            continue
        a, b = Trace.load(pa), Trace.load(pb)
        n = min(len(a), len(b))
        fa, fb = ~np.isnan(a.pose[:n, 0, 0]), ~np.isnan(b.pose[:n, 0, 0])
        both = fa & fb
        scale = np.array([a.width, a.height], float)
        d = np.linalg.norm((a.pose[:n, :, :2] - b.pose[:n, :, :2]) * scale, axis=2)[both]
        dvis = np.abs(a.pose[:n, :, 3] - b.pose[:n, :, 3])[both]
        alld.append(d.ravel())
        per_frame = d.mean(axis=1) if d.size else np.array([np.nan])
        same, total = _hand_agreement(a, b)
        print(f"{pa.stem:40s} {n:6d} {fa.mean():8.3f} {fb.mean():8.3f} "
              f"{np.mean(per_frame):8.2f} {np.median(per_frame):7.2f} "
              f"{np.percentile(per_frame, PCTL):7.2f} {np.mean(dvis) if dvis.size else 0:7.3f}"
              f" {same}/{total}")
    if alld:
        d = np.concatenate(alld)
        print(f"all landmarks: mean {d.mean():.2f} px, median {np.median(d):.2f} px, "
              f"p{PCTL} {np.percentile(d, PCTL):.2f} px")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("track")
    t.add_argument("out", type=Path)
    t.add_argument("clips", type=Path, nargs="+")
    t.add_argument("--hands", action="store_true")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "track":
        track(args.out, args.clips, args.hands)
    else:
        compare(args.a, args.b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
