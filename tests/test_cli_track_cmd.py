"""``footcoach track``: exit codes, messages, and a trace written from a real clip."""

from __future__ import annotations

import argparse
import json

import cv2
import numpy as np
import pytest

from cli import track_cmd
from vision.pose.trace import Trace


def _run(argv) -> int:
    parser = argparse.ArgumentParser(prog="footcoach")
    track_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["track", *map(str, argv)])
    return args.func(args)


def test_missing_video_exits_1_with_a_sentence(tmp_path, capsys):
    assert _run([tmp_path / "nope.mp4", "-o", tmp_path / "t.json"]) == 1
    err = capsys.readouterr().err
    assert "not found" in err and "Traceback" not in err
    assert not (tmp_path / "t.json").exists()


def test_not_a_video_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00garbage" * 100)
    assert _run([bad, "-o", tmp_path / "t.json"]) == 1
    assert "not a video" in capsys.readouterr().err


def test_zero_frame_video_exits_1(tmp_path, capsys):
    path = tmp_path / "zero.avi"
    cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48)).release()
    assert _run([path, "-o", tmp_path / "t.json"]) == 1
    assert "no video frames" in capsys.readouterr().err


def test_unwritable_output_exits_1(tmp_path, capsys):
    assert _run([tmp_path / "x.mp4", "-o", tmp_path / "no" / "dir" / "t.json"]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["tallest", "0.5", "1.2,0.5", "0.8,0.1,0.2,0.9"])
def test_bad_target_is_a_usage_error(tmp_path, bad):
    with pytest.raises(SystemExit) as exc:
        _run([tmp_path / "x.mp4", "-o", tmp_path / "t.json", "--target", bad])
    assert exc.value.code == 2


def test_parse_target():
    assert track_cmd.parse_target("Largest") == "largest"
    assert track_cmd.parse_target("0.25,0.5") == (0.25, 0.5)
    assert track_cmd.parse_target("0.1,0.2,0.5,0.9") == (0.1, 0.2, 0.5, 0.9)


def test_image_folder_with_nobody_gives_an_empty_trace(tmp_path, capsys):
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(3):
        cv2.imwrite(str(frames / f"{i}.png"), np.full((120, 160, 3), 40 * i, np.uint8))
    out = tmp_path / "t.json"
    assert _run([frames, "-o", out, "--fps", "10", "-q"]) == 0
    tr = Trace.load(out)
    assert len(tr) == 3 and tr.fps == 10 and np.isnan(tr.pose).all()
    assert "nobody was found" in capsys.readouterr().err


@pytest.mark.realdata
def test_real_clip_writes_a_trace_and_an_annotated_video(shared_data, tmp_path, capsys):
    clip = shared_data / "videos" / "walk_side_shoes.mp4"
    out, ann = tmp_path / "walk.json", tmp_path / "walk.mp4"
    assert _run([clip, "-o", out, "--max-frames", "30", "--annotate", ann]) == 0
    data = json.loads(out.read_text())
    assert data["format"] == "footcoach-trace/1"
    assert (data["width"], data["height"]) == (640, 352) and len(data["frames"]) == 30
    assert sum(f["pose"] is not None for f in data["frames"]) >= 25
    err = capsys.readouterr().err
    assert "30/30 frames" in err and "wrote" in err      # progress bar and summary
    assert ann.stat().st_size > 10_000


def test_dispatch_through_footcoach_main(tmp_path, monkeypatch, capsys):
    """``footcoach track`` reaches this module once cli/main.py maps "track" to it."""
    from cli import main as cli_main

    monkeypatch.setitem(cli_main.COMMAND_MODULES, "track", "cli.track_cmd")
    assert cli_main.main(["track", str(tmp_path / "nope.mp4"), "-o",
                          str(tmp_path / "t.json")]) == 1
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--max-fps", "0"], ["--fps", "-5"], ["--max-frames", "x"]])
def test_non_positive_numbers_are_usage_errors(tmp_path, option):
    with pytest.raises(SystemExit) as exc:
        _run([tmp_path / "x.mp4", "-o", tmp_path / "t.json", *option])
    assert exc.value.code == 2


def test_several_people_in_view_say_who_was_followed(tmp_path, monkeypatch, capsys):
    """With two people in view the summary names the rule that chose the one followed (the
    user can pick the other with --target); with one person nothing extra is printed."""
    from vision.pose.target import TargetChoice
    from vision.pose.tracking import TrackStats

    def fake_track(people):
        def track(*_a, **_k):
            tr = Trace(fps=30.0, width=64, height=48, t=np.arange(3) / 30.0,
                       pose=np.full((3, 33, 4), np.nan))
            note = TargetChoice("in_view", people, 0.0, 0.0).sentence()
            tr.stats = TrackStats(3, 3, 0, 0, target_rule="in_view", target_note=note,
                                  people_in_view=people)
            return tr
        return track

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    for people, shown in ((2, True), (1, False)):
        monkeypatch.setattr("vision.pose.tracking.track_video", fake_track(people))
        assert _run([clip, "-o", tmp_path / f"t{people}.json"]) == 0
        err = capsys.readouterr().err
        assert ("note: Followed the person most fully" in err) is shown
        assert ("2 people were in view" in err) is shown
