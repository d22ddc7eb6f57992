"""Rebuild the MediaPipe Tasks model bundles in ``vision/pose/models/`` byte for byte.

The Tasks API (``PoseLandmarker``, ``HandLandmarker``) loads ``.task`` bundles: uncompressed
(stored) zip files holding a detector and a landmark model. No package ships them, and the
app never downloads anything, so the bundles live in the repository. This script shows where
every byte comes from: the four models inside the Apache-2.0 ``mediapipe`` 0.10.21 wheel
(the last release with the legacy ``solutions`` models):

=============================  =====================================================
bundle member                  wheel file
=============================  =====================================================
pose_detector.tflite           mediapipe/modules/pose_detection/pose_detection.tflite
pose_landmarks_detector.tflite mediapipe/modules/pose_landmark/pose_landmark_full.tflite
                               plus input-normalisation metadata (0..255 -> 0..1)
hand_detector.tflite           mediapipe/modules/palm_detection/palm_detection_full.tflite
hand_landmarks_detector.tflite mediapipe/modules/hand_landmark/hand_landmark_full.tflite
=============================  =====================================================

The pose landmark model is the only one without TFLite metadata; the Tasks graph reads the
input range from it, so the script adds the range the legacy graph used ([0, 1], i.e. mean 0
and std 255 on 8-bit RGB) with the metadata writer of the installed ``mediapipe`` package.
The zip is deterministic: members sorted, stored, fixed timestamps and permissions.

Usage (needs the wheel file only, any platform tag of 0.10.21 holds the same models)::

    python -m pip download mediapipe==0.10.21 --no-deps --only-binary=:all: \
        --python-version 3.11 --platform manylinux_2_28_x86_64 -d /tmp/mp
    python tools/build_task_bundles.py /tmp/mp/mediapipe-0.10.21-*.whl          # rebuild
    python tools/build_task_bundles.py /tmp/mp/mediapipe-0.10.21-*.whl --check  # compare
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import types
import zipfile
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1] / "vision" / "pose" / "models"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)     # earliest time a zip entry can hold
ZIP_MODE = 0o644
POSE_INPUT_MEAN = 0.0                  # the legacy graph fed the landmark model RGB / 255
POSE_INPUT_STD = 255.0
POSE_LANDMARK_OUTPUTS = 5              # landmarks, presence, segmentation, heatmap, world
METADATA_PARSER_VERSION = "1.0.0"      # normalisation options exist since schema 1.0.0

BUNDLES = {
    "pose_landmarker_full.task": {
        "pose_detector.tflite": "mediapipe/modules/pose_detection/pose_detection.tflite",
        "pose_landmarks_detector.tflite":
            "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
    },
    "hand_landmarker_full.task": {
        "hand_detector.tflite": "mediapipe/modules/palm_detection/palm_detection_full.tflite",
        "hand_landmarks_detector.tflite":
            "mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
    },
}
NEEDS_METADATA = {"pose_landmarks_detector.tflite"}


def _metadata_writer():
    """The Tasks metadata writer of the installed mediapipe.

    The 1.x wheels leave out the small compiled module that only reports the minimum
    metadata parser version; for normalisation metadata that version is "1.0.0" (checked:
    the 0.10.21 writer, which has the module, gives identical bytes).
    """
    name = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        __import__(name)
    except ImportError:
        stub = types.ModuleType(name)
        stub.GetMinimumMetadataParserVersion = lambda _buffer: METADATA_PARSER_VERSION
        parts = name.split(".")
        for i in range(3, len(parts)):
            sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
        sys.modules[name] = stub
        sys.modules[".".join(parts[:-1])]._pywrap_metadata_version = stub
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    return metadata_writer


def with_input_metadata(model: bytes) -> bytes:
    """``model`` with RGB input-normalisation metadata (mean 0, std 255) added."""
    mw = _metadata_writer()
    writer = (mw.MetadataWriter.create(bytearray(model))
              .add_general_info("pose_landmarks_detector",
                                "MediaPipe BlazePose GHUM 3D full landmark model")
              .add_image_input(norm_mean=[POSE_INPUT_MEAN], norm_std=[POSE_INPUT_STD]))
    for _ in range(POSE_LANDMARK_OUTPUTS):
        writer.add_feature_output()
    out, _json = writer.populate()
    writer._temp_folder.cleanup()   # now, not in __del__ at interpreter exit
    return bytes(out)


def stored_zip(members: dict[str, bytes]) -> bytes:
    """A deterministic zip of ``members``: sorted, stored, fixed time and mode."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = ZIP_MODE << 16
            zf.writestr(info, members[name])
    return buf.getvalue()


def build(wheel: Path) -> dict[str, bytes]:
    """Bundle name -> bundle bytes, built from the 0.10.21 wheel at ``wheel``."""
    out = {}
    with zipfile.ZipFile(wheel) as whl:
        for bundle, members in BUNDLES.items():
            files = {}
            for member, source in members.items():
                data = whl.read(source)
                files[member] = with_input_metadata(data) if member in NEEDS_METADATA else data
            out[bundle] = stored_zip(files)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="the mediapipe 0.10.21 wheel file")
    ap.add_argument("--out", type=Path, default=MODELS_DIR, help="folder for the bundles")
    ap.add_argument("--check", action="store_true",
                    help="compare with the bundles in --out instead of writing them")
    args = ap.parse_args(argv)
    if not args.wheel.is_file():
        print(f"no such wheel: {args.wheel}", file=sys.stderr)
        return 2
    bad = 0
    for name, data in build(args.wheel).items():
        path = args.out / name
        digest = hashlib.sha256(data).hexdigest()
        if args.check:
            same = path.is_file() and path.read_bytes() == data
            bad += not same
            print(f"{'same' if same else 'DIFFERENT'}  {digest}  {path}")
        else:
            path.write_bytes(data)
            print(f"wrote     {digest}  {path} ({len(data)} bytes)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
