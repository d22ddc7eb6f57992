"""How often the real-clip verdicts survive ordinary changes to the video (issue 13).

Each real clip labelled in ``bench/labels/real_clips.json`` is re-made with one change at a
time, tracked, analysed and scored with the functions of ``bench/accuracy_real_clips.py``:

- ``mirror``: flipped left-right; the labels' body sides are swapped (a mirrored left leg
  looks like a right leg);
- ``crop80``: the central 80 % of the frame, scaled back to full size (a closer camera);
- ``rot+7`` / ``rot-7``: turned 7 degrees about the centre (a tilted phone), black corners;
- ``half_fps``: every second frame at half the rate (labelled frame numbers halved);
- ``480p``: the short side shrunk to 480 pixels;
- ``blur_noise``: Gaussian blur (sigma ``BLUR_SIGMA_PX``) and noise (sigma ``NOISE_SIGMA``
  grey levels, fixed seed), as from a cheap camera in dim light.

Prints one table row per change (right verdicts, verdicts that stayed as on the original,
false heel lifts, false tiptoe, worst rep error, frames with a person) and lists the clips
whose verdict flipped. Augmented clips (H.264, CRF 16) and their traces are written under
``--work`` (default /tmp/footcoach-robustness), never into the repository; traces are
cached there by clip, change and tracking code, so a second run only re-scores.

    nice -n 10 /work/venv/bin/python bench/robustness_real_clips.py [--aug mirror --aug 480p]

Tracking is about 25 ms a frame (13 clips, about 4500 frames: 2-4 min per change).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.accuracy_real_clips import (  # noqa: E402
    DEFAULT_DATA,
    HEEL_FILES,
    LABELS,
    TRACKING_FILES,
    ClipResult,
    _code_stamp,
    score_clip,
    summary,
)
from vision.pose.trace import Trace, TraceError  # noqa: E402
from vision.pose.tracking import track_video  # noqa: E402
from vision.pose.video import open_video  # noqa: E402

AUG_VERSION = "1"            # bump when an augmentation changes
CROP_FRAC = 0.8              # crop80 keeps this fraction of each side
ROT_DEG = 7.0                # rotation of rot+7 / rot-7 (degrees, counter-clockwise +)
SHORT_SIDE_PX = 480          # 480p: short side after shrinking
BLUR_SIGMA_PX = 1.2          # blur_noise: Gaussian blur sigma (pixels)
NOISE_SIGMA = 6.0            # blur_noise: Gaussian noise sigma (grey levels of 255)
NOISE_SEED = 13
CRF = 16                     # x264 quality of the written clips (visually lossless)
AUGMENTATIONS = ("mirror", "crop80", "rot+7", "rot-7", "half_fps", "480p", "blur_noise")
DEFAULT_WORK = Path("/tmp/footcoach-robustness")


# ----- the changes ----------------------------------------------------------------------
def frame_op(aug: str, width: int, height: int):
    """Function turning one BGR frame into its changed copy, and the output (w, h)."""
    if aug == "mirror":
        return (lambda f: cv2.flip(f, 1)), (width, height)
    if aug == "crop80":
        cw, ch = int(round(width * CROP_FRAC)), int(round(height * CROP_FRAC))
        x0, y0 = (width - cw) // 2, (height - ch) // 2
        return (lambda f: cv2.resize(f[y0:y0 + ch, x0:x0 + cw], (width, height),
                                     interpolation=cv2.INTER_LINEAR)), (width, height)
    if aug in ("rot+7", "rot-7"):
        m = cv2.getRotationMatrix2D((width / 2, height / 2),
                                    ROT_DEG if aug == "rot+7" else -ROT_DEG, 1.0)
        return (lambda f: cv2.warpAffine(f, m, (width, height), flags=cv2.INTER_LINEAR,
                                         borderMode=cv2.BORDER_CONSTANT)), (width, height)
    if aug == "480p":
        s = SHORT_SIDE_PX / min(width, height)
        size = (2 * round(width * s / 2), 2 * round(height * s / 2))
        return (lambda f: cv2.resize(f, size, interpolation=cv2.INTER_AREA)), size
    if aug == "blur_noise":
        rng = np.random.default_rng(NOISE_SEED)

        def blur_noise(f):
            g = cv2.GaussianBlur(f, (0, 0), BLUR_SIGMA_PX).astype(np.float32)
            g += rng.normal(0.0, NOISE_SIGMA, g.shape).astype(np.float32)
            return np.clip(g, 0, 255).astype(np.uint8)
        return blur_noise, (width, height)
    if aug == "half_fps":
        return (lambda f: f), (width, height)
    raise ValueError(f"unknown augmentation {aug!r}; choose from {', '.join(AUGMENTATIONS)}")


def write_augmented(src: Path, aug: str, out: Path) -> None:
    """Write ``src`` changed by ``aug`` to ``out`` (H.264 mp4)."""
    import av

    with open_video(src) as video:
        op, (w, h) = frame_op(aug, video.width, video.height)
        step = 2 if aug == "half_fps" else 1
        fps = video.fps / step
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".part.mp4")
        with av.open(str(tmp), "w") as container:
            stream = container.add_stream("libx264", rate=Fraction(round(fps * 1000), 1000))
            stream.width, stream.height = w + (w % 2), h + (h % 2)
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(CRF), "preset": "veryfast"}
            for i, (_, frame) in enumerate(video):
                if i % step:
                    continue
                img = op(frame)
                if img.shape[1] != stream.width or img.shape[0] != stream.height:
                    img = cv2.copyMakeBorder(img, 0, stream.height - img.shape[0], 0,
                                             stream.width - img.shape[1], cv2.BORDER_REPLICATE)
                for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        tmp.rename(out)


# ----- labels under each change --------------------------------------------------------
_SWAP = {"left": "right", "right": "left"}


def _halve(value):
    """Frame numbers (ints, nested in lists) halved, for the half-rate clip."""
    if isinstance(value, list):
        return [_halve(v) for v in value]
    return value // 2 if isinstance(value, int) else value


def augment_labels(lab: dict, aug: str) -> dict:
    """The clip's labels as they read for the changed clip."""
    out = copy.deepcopy(lab)
    if aug == "mirror":
        out["heel"] = {_SWAP.get(k, k): v for k, v in (lab.get("heel") or {}).items()}
        for step in out.get("steps", []):
            step["side"] = _SWAP.get(step.get("side"), step.get("side"))
        for key in ("near_side", "facing"):
            if key in out:
                out[key] = _SWAP.get(out[key], out[key])
    if aug == "half_fps":
        out["heel"] = {k: {kind: _halve(r) for kind, r in v.items()}
                       for k, v in (lab.get("heel") or {}).items()}
        for step in out.get("steps", []):
            step["frame"] = step["frame"] // 2
        for key in ("walking", "not_steps", "reps", "partial_reps", "legs_up", "legs_down"):
            if key in out:
                out[key] = _halve(out[key])
    return out


# ----- tracking with a cache -------------------------------------------------------------
def traced(src: Path, aug: str | None, work: Path, stamp: str) -> Trace:
    """The trace of ``src`` changed by ``aug`` (None: the original), cached under ``work``
    by ``stamp`` (the tracking code's hash, taken once when the run starts)."""
    st = src.stat()
    tag = aug or "original"
    cached = work / "traces" / f"{src.name}.{tag}.{st.st_size}.{AUG_VERSION}.{stamp}.json"
    if cached.exists():
        try:
            return Trace.load(cached)
        except TraceError:
            cached.unlink()
    clip = src
    if aug is not None:
        clip = work / "clips" / f"{src.stem}.{tag}.{st.st_size}.{AUG_VERSION}.mp4"
        if not clip.exists():
            write_augmented(src, aug, clip)
    trace = track_video(clip)
    cached.parent.mkdir(parents=True, exist_ok=True)
    trace.save(cached)
    return trace


# ----- report ----------------------------------------------------------------------------
def _found(trace: Trace) -> float:
    return float(np.mean(~np.isnan(trace.pose[:, 0, 0]))) if len(trace) else 0.0


def _row(tag: str, rows: list[ClipResult], base: dict[str, ClipResult], found: list[float]
         ) -> str:
    n = len(rows)
    right = sum(r.right for r in rows)
    same = sum(r.right == base[r.name].right for r in rows if r.name in base)
    fhl = sum(bool(r.false_heel_lift) for r in rows)
    ftt = sum(bool(r.false_tiptoe) for r in rows)
    reps = [r.rep_error for r in rows if r.rep_error is not None]
    return (f"{tag:11s} {right:3d}/{n:<3d} {same:5d}/{n:<3d} {fhl:5d} {ftt:5d} "
            f"{(max(reps) if reps else 0):6d} {100 * np.mean(found):8.1f}%")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aug", action="append", choices=AUGMENTATIONS,
                    help="only these changes (repeatable; default all)")
    ap.add_argument("--clip", action="append", help="only these clips (file names)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--verbose", action="store_true", help="print each clip's verdicts")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no clips: {args.data} not found")
        return 0
    labels = json.loads(args.labels.read_text())
    tol = int(labels.get("tolerance_frames", 6))
    clips = {k: v for k, v in sorted(labels["clips"].items())
             if (not args.clip or k in args.clip) and (args.data / k).exists()}
    table: list[str] = []
    flips: list[str] = []
    base: dict[str, ClipResult] = {}
    stamp = _code_stamp(TRACKING_FILES + HEEL_FILES)
    for aug in [None, *(args.aug or AUGMENTATIONS)]:
        tag = aug or "original"
        rows, found, t0 = [], [], time.perf_counter()
        for name, lab in clips.items():
            try:
                trace = traced(args.data / name, aug, args.work, stamp)
            except Exception as exc:       # an unreadable clip is a line, not a traceback
                print(f"{tag:11s} {name:42s} cannot track: {exc}")
                continue
            alab = augment_labels(lab, aug) if aug else lab
            r = score_clip(name, alab, trace, tol if aug != "half_fps" else max(1, tol // 2))
            rows.append(r)
            found.append(_found(trace))
            if aug is None:
                base[name] = r
            elif name in base and (r.right != base[name].right
                                   or r.verdicts != base[name].verdicts):
                flips.append(f"{tag:11s} {name:40s} {' | '.join(base[name].verdicts)}"
                             f"  ->  {' | '.join(r.verdicts)}"
                             f"  [{'RIGHT' if r.right else 'wrong'}] {r.note}")
            if args.verbose:
                print(f"{tag:11s} {name:40s} {'RIGHT' if r.right else 'wrong'} "
                      f"{' | '.join(r.verdicts)} found {100 * found[-1]:.0f}%", flush=True)
        table.append(_row(tag, rows, base, found))
        print(f"[{tag}: {len(rows)} clips in {time.perf_counter() - t0:.0f} s]", flush=True)
        if aug is None:
            summary(rows, "original clips")
    print("\nchange      right   same   fHL   fTT  maxRepErr  found")
    print("\n".join(table))
    print("\nverdicts that changed (original -> changed):")
    print("\n".join(flips) if flips else "  none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
