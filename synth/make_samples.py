"""Render the sample footprint photos in ``sample_media/footprints/`` with their truth.

Usage: ``python -m synth.make_samples [OUT_DIR]``. Deterministic: the same files every
run. Each JPEG is kept under 400 KB; ``truth.json`` holds, per image, the spec and the exact
per-foot indices (see :class:`synth.footprint_render.FootTruth`).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from synth.footprint_render import RenderSpec, render_photo

OUT = Path(__file__).resolve().parents[2] / "sample_media" / "footprints"
MAX_BYTES = 400_000

SAMPLES = {
    "ink_a4_child_two_feet.jpg": RenderSpec(
        kind="ink", paper="a4", n_feet=2, foot_length_mm=165, arch_level=0.45,
        rotation_deg=4, perspective=0.4, lighting=0.4, seed=101),
    "wet_kraft_two_feet.jpg": RenderSpec(
        kind="wet", paper="a4", paper_colour="kraft", n_feet=2, foot_length_mm=180,
        arch_level=0.35, rotation_deg=-8, perspective=0.5, lighting=0.5, seed=202),
    "grid_mat_form.jpg": RenderSpec(
        kind="grid_mat", paper="a4", n_feet=2, foot_length_mm=185, arch_level=0.3,
        toes_touching=True, rotation_deg=2, perspective=0.3, lighting=0.3, seed=303),
    "ink_single_foot_rotated.jpg": RenderSpec(
        kind="ink", paper="letter", paper_colour="coloured", n_feet=1, foot_length_mm=235,
        arch_level=0.55, rotation_deg=63, perspective=0.6, lighting=0.6, landscape=True,
        seed=404),
    "inverted_single_foot.jpg": RenderSpec(
        kind="inverted", paper="a4", n_feet=1, foot_length_mm=210, arch_level=0.2,
        rotation_deg=180, perspective=0.3, lighting=0.3, seed=505),
    "toddler_flat_ink.jpg": RenderSpec(
        kind="ink", paper="a4", n_feet=2, foot_length_mm=125, arch_level=0.95,
        toes_touching=True, rotation_deg=-3, perspective=0.3, lighting=0.5, seed=606),
}


def _encode(image, quality: int) -> bytes:
    """JPEG bytes under MAX_BYTES, lowering the quality (then the size) as needed."""
    img = image
    while True:
        for q in range(quality, 49, -5):
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
            if ok and buf.nbytes <= MAX_BYTES:
                return buf.tobytes()
        img = cv2.resize(img, None, fx=0.85, fy=0.85, interpolation=cv2.INTER_AREA)


def make_samples(out_dir: Path = OUT, *, long_side_px: int = 1800) -> dict:
    """Render every sample into ``out_dir``; returns the truth dictionary written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth = {}
    for name, spec in SAMPLES.items():
        spec = dataclasses.replace(spec, long_side_px=long_side_px)
        photo = render_photo(spec)
        data = _encode(photo.image, 88)
        (out_dir / name).write_bytes(data)
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        k = img.shape[1] / photo.image.shape[1]               # if the JPEG had to shrink
        feet = []
        for f in photo.feet:
            d = f.to_json()
            for key in ("heel_xy", "toe_xy", "centre_xy"):
                d[key] = [round(v * k, 1) for v in d[key]]
            feet.append({key: (round(v, 4) if isinstance(v, float) else v) for key, v in d.items()})
        spec_d = {k2: v for k2, v in dataclasses.asdict(spec).items() if k2 != "feet"}
        truth[name] = {"spec": spec_d, "paper": spec.paper,
                       "mm_per_px_sheet": round(photo.mm_per_px_sheet / k, 5),
                       "sheet_corners": [[round(float(v) * k, 1) for v in p]
                                         for p in photo.sheet_corners],
                       "feet": feet}
    (out_dir / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return truth


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT
    truth = make_samples(out)
    total = sum((out / n).stat().st_size for n in truth)
    for name, t in truth.items():
        sides = ", ".join(f"{f['side']} AI {f['arch_index']:.3f}" for f in t["feet"])
        print(f"{name:32s} {(out / name).stat().st_size // 1024:4d} KB  {sides}")
    print(f"total {total // 1024} KB in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
