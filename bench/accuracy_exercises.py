"""Held-out accuracy of the exercise detectors on traces from ``bench/holdout_traces.py``.

An independent generator (3D articulated body, pinhole camera, MediaPipe-like artefacts),
not the one the detectors were developed with. Prints, per exercise:

- squat: rep-count exact-match rate; heel-lift precision / recall / F1 per rep (a true rep
  counts as detected when a ``heel_lift`` fault overlaps it in time); false heel-lift faults
  on heel-flat traces;
- walk: tiptoe F1 per walk over heel-first and tiptoe walks (mixed walks, at least two
  steps of each kind, are shown apart: the product calls a walk tiptoe only when most
  clearly seen steps are, so a mixed walk is faulted or surfaces its toe-first steps as
  "unclear"; per-step scores skip them), per step (steps matched by contact
  time; scored on the near foot, whose heel is observable; far-foot steps shown apart),
  step-count exact rate, false tiptoe faults on heel-first walks;
- leg-raise: rep-count exact rate, peak hip flexion MAE / max error (reps matched by time),
  share within 3 degrees, knee_bent faults;
- heel-raise: rep-count exact rate;
- analysis time for a one-minute trace (30 fps).

A module that does not exist yet is reported as "not implemented yet". Usage::

    python bench/accuracy_exercises.py [--n 50] [--only squat,walk] [--failures 8] [--json F]
    python bench/accuracy_exercises.py --show heel-raise:27[:clean]   # one case in detail
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import holdout_traces as H  # noqa: E402
from vision.exercises import EXERCISES, analyse  # noqa: E402

MODULES = {"squat": "squat", "walk": "walk", "leg-raise": "leg_raise", "heel-raise": "heel_raise"}


def available(ex: str) -> bool:
    try:
        importlib.import_module(EXERCISES[ex])
        return True
    except ModuleNotFoundError:
        return False


def overlaps(a0, a1, b0, b1, pad=0.0) -> bool:
    return a0 <= b1 + pad and b0 <= a1 + pad


def iou(a0, a1, b0, b1) -> float:
    inter = max(0.0, min(a1, b1) - max(a0, b0))
    union = max(a1, b1) - min(a0, b0)
    return inter / union if union > 0 else 0.0


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if (tp + fp) and (tp + fn) and (p + r) else float("nan")
    if tp + fp + fn == 0:
        p = r = f = 1.0
    return p, r, f


def _faults(rep, code):
    return [f for f in rep.faults if f.code == code]


def match_reps(pred, truth_reps, key=lambda r: (r["start_s"], r["end_s"])):
    """Greedy one-to-one matching of report reps to true reps by time overlap (IoU)."""
    pairs = []
    for i, tr in enumerate(truth_reps):
        a0, a1 = key(tr)
        for j, pr in enumerate(pred):
            v = iou(a0, a1, pr.start_s, pr.end_s)
            if v > 0:
                pairs.append((v, i, j))
    pairs.sort(reverse=True)
    used_i, used_j, m = set(), set(), {}
    for _v, i, j in pairs:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        m[i] = j
    return m


# ------------------------------------------------------------------------------------------

def timed_analyse(res: dict, seed: int, tr, exercise: str):
    """Run one analysis, adding its time and count to ``res``; an exception is recorded in
    ``res["errors"]`` and gives None, so one broken trace never stops the evaluation."""
    t0 = time.perf_counter()
    try:
        rep = analyse(tr, exercise)
    except Exception as exc:  # noqa: BLE001
        res["errors"].append((seed, repr(exc), traceback.format_exc(limit=2)))
        return None
    res["t_total"] += time.perf_counter() - t0
    res["traces"] += 1
    return rep

def seeds_for(n, offset=0):
    return range(offset, offset + n)


def eval_squat(n, offset=0):
    res = dict(traces=0, errors=[], count_ok=0, tp=0, fp=0, fn=0, outside_fp=0, clean=0,
               clean_with_fault=0, side_ok=0, side_n=0, failures=[], t_total=0.0, knee_err=[])
    for seed in seeds_for(n, offset):
        tr, truth = H.squat(seed, heel_lift=(seed % 2 == 0))
        rep = timed_analyse(res, seed, tr, "squat")
        if rep is None:
            continue
        n_pred = len(rep.reps)
        if n_pred == truth["n_reps"]:
            res["count_ok"] += 1
        else:
            res["failures"].append(dict(seed=seed, what="rep count", said=n_pred,
                                        truth=truth["n_reps"],
                                        said_reps=[(round(r.start_s, 2), round(r.end_s, 2))
                                                   for r in rep.reps],
                                        truth_reps=[(r["start_s"], r["end_s"], r["min_knee_deg"])
                                                    for r in truth["reps"]],
                                        shot=_shot(truth)))
        for i, j in match_reps(rep.reps, truth["reps"]).items():
            k = rep.reps[j].metrics.get("min_knee_angle_deg")
            if k is not None:
                res["knee_err"].append(k - truth["reps"][i]["min_knee_deg"])
        hl = _faults(rep, "heel_lift")
        rep_hl = [r for r in rep.reps if "heel_lift" in r.faults]
        used = set()
        for i, t in enumerate(truth["reps"]):
            det = [f for f in hl if overlaps(f.start_s, f.end_s, t["start_s"], t["end_s"])]
            det_r = [r for r in rep_hl if overlaps(r.start_s, r.end_s, t["start_s"], t["end_s"])]
            for f in det:
                used.add(id(f))
            hit = bool(det or det_r)
            if t["heel_lift"] and hit:
                res["tp"] += 1
                if det and t["side"] != "both":
                    res["side_n"] += 1
                    res["side_ok"] += any(f.side == t["side"] for f in det)
            elif t["heel_lift"]:
                res["fn"] += 1
                res["failures"].append(dict(
                    seed=seed, what="missed heel lift", rep=i,
                    truth=f"lift {t['lift_pct_foot']}% foot ({t['side']}), "
                          f"{t['start_s']}-{t['end_s']} s",
                    said_max_heel_lift_pct=_rep_metric(rep, t, "max_heel_lift_pct_foot"),
                    shot=_shot(truth)))
            elif hit:
                res["fp"] += 1
                res["failures"].append(dict(
                    seed=seed, what="false heel lift", rep=i,
                    truth=f"heels flat, {t['start_s']}-{t['end_s']} s",
                    said=[(f.side, round(f.start_s, 2), round(f.end_s, 2)) for f in det],
                    said_max_heel_lift_pct=_rep_metric(rep, t, "max_heel_lift_pct_foot"),
                    shot=_shot(truth)))
        res["outside_fp"] += sum(1 for f in hl if id(f) not in used)
        if not truth["heel_lift_any"]:
            res["clean"] += 1
            if hl:
                res["clean_with_fault"] += 1
    return res


def _rep_metric(report, t, key):
    vals = [r.metrics.get(key) for r in report.reps
            if overlaps(r.start_s, r.end_s, t["start_s"], t["end_s"])]
    vals = [v for v in vals if v is not None]
    return vals[0] if len(vals) == 1 else (vals or None)


def _shot(truth):
    s = truth.get("shot", {})
    b = truth.get("body", {})
    return (f"{s.get('width')}x{s.get('height')}@{s.get('fps')} body {s.get('body_frac')} of "
            f"frame, jitter {s.get('jitter_pct_height')}% H, yaw {s.get('yaw_deg')}, "
            f"swap {s.get('swap_labels')}, {b.get('kind')} {b.get('age')}y")


def _is_tiptoe_step(report_rep, faults, per_step):
    """A step is called tiptoe by its own ``faults``; only when the report never marks
    steps (``per_step`` False) does a trace-level fault interval covering its contact count."""
    if per_step:
        return "tiptoe" in report_rep.faults
    return any(overlaps(f.start_s, f.end_s, report_rep.start_s, report_rep.start_s)
               for f in faults)


def eval_walk(n, offset=0):
    styles = ["heel", "tiptoe", "mixed"]
    res = dict(traces=0, errors=[], walk_tp=0, walk_fp=0, walk_fn=0, count_ok=0, count_pm1=0,
               st_tp=0, st_fp=0, st_fn=0, st_tn=0, matched=0, true_steps=0, pred_steps=0,
               clean=0, clean_with_fault=0, failures=[], t_total=0.0, near_count_ok=0,
               near_matched=0, near_steps=0, contact={}, far_st_tp=0, far_st_fp=0,
               far_st_fn=0, far_st_tn=0)
    for seed in seeds_for(n, offset):
        style = styles[seed % 3]
        tr, truth = H.walk(seed, style=style)
        rep = timed_analyse(res, seed, tr, "walk")
        if rep is None:
            continue
        tip_f = _faults(rep, "tiptoe")
        pred_walk = bool(tip_f) or any("tiptoe" in r.faults for r in rep.reps)
        # a tiptoe walk: more than half of its steps toe-first (the product rule: a walk is
        # called tiptoe only when most clearly seen steps are); a mixed walk with fewer
        # toe-first steps should surface them as "unclear", never as faults
        true_walk = style == "tiptoe"
        minority = style == "mixed"
        if minority:
            res["minority"] = res.get("minority", 0) + 1
            res["minority_fault"] = res.get("minority_fault", 0) + pred_walk
            res["minority_unclear"] = res.get("minority_unclear", 0) + (not pred_walk and any(
                u.code == "tiptoe" for u in rep.unclear))
        res["walk_tp"] += pred_walk and true_walk
        res["walk_fp"] += pred_walk and not true_walk and style == "heel"
        res["walk_fn"] += true_walk and not pred_walk
        n_pred = rep.metrics.get("steps", len(rep.reps))
        res["count_ok"] += n_pred == truth["n_steps"]
        n_near = sum(1 for s in truth["steps"] if s["near"])
        res["near_count_ok"] += n_pred == n_near
        res["near_matched"] += 0  # filled below
        res["count_pm1"] += abs(n_pred - truth["n_steps"]) <= 1
        steps = truth["steps"]
        res["true_steps"] += len(steps)
        res["pred_steps"] += len(rep.reps)
        # match report steps to true contacts by time (nearest within 0.3 s)
        pairs = sorted((abs(r.start_s - s["t_contact"]), i, j)
                       for i, s in enumerate(steps) for j, r in enumerate(rep.reps)
                       if abs(r.start_s - s["t_contact"]) <= 0.3)
        ui, uj, m = set(), set(), {}
        for _, i, j in pairs:
            if i in ui or j in uj:
                continue
            ui.add(i)
            uj.add(j)
            m[i] = j
        res["matched"] += len(m)
        res["near_steps"] += sum(1 for s in steps if s["near"])
        res["near_matched"] += sum(1 for i in m if steps[i]["near"])
        per_step = any(r.faults for r in rep.reps)
        bad_steps = []
        for i, s in enumerate(steps):
            if i not in m or s["closing"] or s.get("stop") or minority:
                continue
            ic = rep.reps[m[i]].metrics.get("initial_contact")
            res["contact"][(s["contact"], str(ic))] = res["contact"].get((s["contact"], str(ic)), 0) + 1
            p = _is_tiptoe_step(rep.reps[m[i]], tip_f, per_step)
            t = s["contact"] == "toe"
            key = ("st_tp" if p and t else "st_fp" if p else "st_fn" if t else "st_tn")
            # per-step truth is scored on the near foot only: the far foot's heel is hidden
            # behind the near leg in stance and its landmarks wander (not observable)
            res[key if s["near"] else "far_" + key] += 1
            if p != t:
                mt = rep.reps[m[i]].metrics
                bad_steps.append((s["t_contact"], f"{s['side']}/{'near' if s['near'] else 'far'}",
                                  s["contact"], "said tiptoe" if p else "said not tiptoe",
                                  {k: mt.get(k) for k in ("initial_contact",
                                                          "contact_heel_pct_foot",
                                                          "stance_heel_pct_foot")}))
        if style == "heel":
            res["clean"] += 1
            res["clean_with_fault"] += bool(tip_f)
        if (pred_walk != true_walk and not minority) or n_pred != truth["n_steps"] or bad_steps:
            res["failures"].append(dict(
                seed=seed, style=style, truth_steps=truth["n_steps"], said_steps=n_pred,
                said_tiptoe=pred_walk, truth_tiptoe_steps=truth["tiptoe_steps"],
                tiptoe_lift_pct=truth["tiptoe_lift_pct_foot"], passes=truth["passes"],
                unmatched_true=[(s["t_contact"], s["side"], "near" if s["near"] else "far",
                                 s["contact"])
                                for i, s in enumerate(steps) if i not in m],
                unmatched_said=[(round(r.start_s, 2), r.metrics.get("side"))
                                for j, r in enumerate(rep.reps) if j not in m.values()],
                wrong_steps=bad_steps[:4],
                verdict=rep.verdict, reason=rep.reason, shot=_shot(truth)))
    return res


def eval_leg_raise(n, offset=0):
    res = dict(traces=0, errors=[], count_ok=0, errs=[], matched=0, true_reps=0,
               kb_tp=0, kb_fp=0, kb_fn=0, clean=0, clean_with_fault=0, failures=[],
               t_total=0.0)
    for seed in seeds_for(n, offset):
        knee = "straight" if seed % 2 == 0 else "bent"
        tr, truth = H.leg_raise(seed, knee=knee)
        rep = timed_analyse(res, seed, tr, "leg-raise")
        if rep is None:
            continue
        n_pred = len(rep.reps)
        ok = n_pred == truth["n_reps"]
        res["count_ok"] += ok
        m = match_reps(rep.reps, truth["reps"])
        res["true_reps"] += len(truth["reps"])
        res["matched"] += len(m)
        bad = []
        for i, j in m.items():
            pk = rep.reps[j].metrics.get("peak_hip_flexion_deg")
            truths = truth["reps"][i]["peak_hip_flexion_deg"]
            if pk is None:
                res["errs"].append(float("inf"))
                bad.append((i, None, truths))
                continue
            e = min(abs(pk - v) for v in truths.values())
            res["errs"].append(e)
            if e > 3:
                bad.append((i, round(pk, 1), truths))
        kb = bool(_faults(rep, "knee_bent")) or any("knee_bent" in r.faults for r in rep.reps)
        tk = knee == "bent"
        res["kb_tp"] += kb and tk
        res["kb_fp"] += kb and not tk
        res["kb_fn"] += tk and not kb
        if not tk:
            res["clean"] += 1
            res["clean_with_fault"] += kb
        if not ok or bad or kb != tk:
            res["failures"].append(dict(
                seed=seed, knee=knee, legs=truth["legs"], truth_reps=truth["n_reps"],
                said_reps=n_pred, peak_errors=bad,
                said_intervals=[(round(r.start_s, 2), round(r.end_s, 2),
                                 r.metrics.get("side")) for r in rep.reps],
                truth_intervals=[(r["start_s"], r["end_s"], r["side"]) for r in truth["reps"]],
                said_knee_bent=kb, truth_min_knee=[r["min_knee_deg"] for r in truth["reps"]],
                shot=_shot(truth)))
    return res


def eval_heel_raise(n, offset=0):
    res = dict(traces=0, errors=[], count_ok=0, iou=[], faults={}, failures=[], t_total=0.0,
               rise_err=[])
    for seed in seeds_for(n, offset):
        tr, truth = H.heel_raise(seed)
        rep = timed_analyse(res, seed, tr, "heel-raise")
        if rep is None:
            continue
        n_pred = len(rep.reps)
        ok = n_pred == truth["n_reps"]
        res["count_ok"] += ok
        m = match_reps(rep.reps, truth["reps"])
        for i, j in m.items():
            t = truth["reps"][i]
            res["iou"].append(iou(t["start_s"], t["end_s"], rep.reps[j].start_s, rep.reps[j].end_s))
            pk = rep.reps[j].metrics.get("peak_heel_rise_pct_foot")
            if pk is not None:
                res["rise_err"].append(pk - t["rise_pct_foot"])
        for f in rep.faults:
            res["faults"][f.code] = res["faults"].get(f.code, 0) + 1
        if not ok:
            res["failures"].append(dict(
                seed=seed, truth_reps=truth["n_reps"], said_reps=n_pred,
                truth_intervals=[(r["start_s"], r["end_s"], r["rise_pct_foot"], r["hold_s"])
                                 for r in truth["reps"]],
                said_intervals=[(round(r.start_s, 2), round(r.end_s, 2)) for r in rep.reps],
                shot=_shot(truth)))
    return res


def long_trace(ex, seconds=60.0, fps=30.0):
    fn = H.SCENARIOS[ex]
    for s in range(500):
        tr, _ = fn(s)
        if tr.fps == fps:
            break
    k = int(np.ceil(seconds * fps / len(tr)))
    pose = np.concatenate([tr.pose] * k)[: int(seconds * fps)]
    return H.Trace(fps=fps, width=tr.width, height=tr.height, t=np.arange(len(pose)) / fps,
                   pose=pose, source=f"holdout-long-{ex}")


EVALS = {"squat": eval_squat, "walk": eval_walk, "leg-raise": eval_leg_raise,
         "heel-raise": eval_heel_raise}


def _err(v):
    if not v:
        return "n/a"
    a = np.asarray(v, float)
    return f"{a.mean():+.2f} / {np.abs(a).max():.2f} (n {len(a)})"


def summarise(ex, r):
    """Rows of (metric, value) for the table."""
    rows = []
    nt = r["traces"]
    rows.append(("traces analysed", f"{nt}" + (f" ({len(r['errors'])} raised)" if r["errors"] else "")))
    if nt == 0:
        return rows
    if ex == "squat":
        p, rc, f = prf(r["tp"], r["fp"], r["fn"])
        rows += [("rep count exact", f"{r['count_ok'] / nt:.1%}"),
                 ("heel-lift per rep P / R / F1", f"{p:.3f} / {rc:.3f} / {f:.3f} "
                  f"(tp {r['tp']} fp {r['fp']} fn {r['fn']})"),
                 ("heel_lift faults outside any true rep", str(r["outside_fp"])),
                 ("one-sided lifts with the right side", f"{r['side_ok']}/{r['side_n']}"),
                 ("false heel_lift on heel-flat traces",
                  f"{r['clean_with_fault']}/{r['clean']}"),
                 ("min knee angle error per rep, mean / max |.| (deg)", _err(r["knee_err"]))]
    elif ex == "walk":
        p, rc, f = prf(r["walk_tp"], r["walk_fp"], r["walk_fn"])
        sp, sr, sf = prf(r["st_tp"], r["st_fp"], r["st_fn"])
        rows += [("tiptoe per walk P / R / F1", f"{p:.3f} / {rc:.3f} / {f:.3f}"),
                 ("tiptoe per near-foot step P / R / F1", f"{sp:.3f} / {sr:.3f} / {sf:.3f} "
                  f"(tp {r['st_tp']} fp {r['st_fp']} fn {r['st_fn']} tn {r['st_tn']}; "
                  "steps into a stop excluded)"),
                 ("  far-foot steps (heel not observable; info only)",
                  "P / R / F1 {:.3f} / {:.3f} / {:.3f} (tp {} fp {} fn {} tn {})".format(
                      *prf(r["far_st_tp"], r["far_st_fp"], r["far_st_fn"]), r["far_st_tp"],
                      r["far_st_fp"], r["far_st_fn"], r["far_st_tn"])),
                 ("step count exact / within 1", f"{r['count_ok'] / nt:.1%} / {r['count_pm1'] / nt:.1%}"),
                 ("step count exact vs near-foot steps only", f"{r['near_count_ok'] / nt:.1%}"),
                 ("near-foot / far-foot true steps found",
                  f"{r['near_matched'] / max(1, r['near_steps']):.1%} / "
                  f"{(r['matched'] - r['near_matched']) / max(1, r['true_steps'] - r['near_steps']):.1%}"),
                 ("true steps matched (recall) / said steps matched (precision)",
                  f"{r['matched'] / max(1, r['true_steps']):.1%} / "
                  f"{r['matched'] / max(1, r['pred_steps']):.1%}"),
                 ("false tiptoe on heel-first walks", f"{r['clean_with_fault']}/{r['clean']}"),
                 ("mixed walks (2+ heel and 2+ toe steps): faulted / only unclear",
                  f"{r.get('minority_fault', 0)} / {r.get('minority_unclear', 0)} of "
                  f"{r.get('minority', 0)}"),
                 ("initial contact (truth->said: steps)",
                  ", ".join(f"{a}->{b}: {c}" for (a, b), c in sorted(r["contact"].items())))]
    elif ex == "leg-raise":
        e = np.array(r["errs"]) if r["errs"] else np.array([np.nan])
        fin = e[np.isfinite(e)]
        p, rc, f = prf(r["kb_tp"], r["kb_fp"], r["kb_fn"])
        rows += [("rep count exact", f"{r['count_ok'] / nt:.1%}"),
                 ("reps matched", f"{r['matched']}/{r['true_reps']}"),
                 ("peak hip flexion MAE / max (deg)",
                  f"{fin.mean():.2f} / {fin.max():.2f}" if len(fin) else "n/a"),
                 ("peak within 3 deg (of true reps)",
                  f"{np.sum(e <= 3) / max(1, r['true_reps']):.1%}"),
                 ("knee_bent per trace P / R / F1", f"{p:.3f} / {rc:.3f} / {f:.3f}"),
                 ("false knee_bent on straight-knee traces", f"{r['clean_with_fault']}/{r['clean']}")]
    elif ex == "heel-raise":
        rows += [("rep count exact", f"{r['count_ok'] / nt:.1%}"),
                 ("matched rep interval IoU (mean)",
                  f"{np.mean(r['iou']):.2f}" if r["iou"] else "n/a"),
                 ("peak rise error per rep, mean / max |.| (% foot)", _err(r["rise_err"])),
                 ("faults raised (all clean traces)", json.dumps(r["faults"]))]
    rows.append(("mean analysis time per trace", f"{1000 * r['t_total'] / nt:.1f} ms"))
    return rows


def show(ex, seed, clean="") -> int:
    """Print the truth and the detector's report for one generated case, with the same
    scenario options the evaluation uses for that seed."""
    seed = int(seed)
    opts = {"squat": {"heel_lift": seed % 2 == 0},
            "walk": {"style": ["heel", "tiptoe", "mixed"][seed % 3]},
            "leg-raise": {"knee": "straight" if seed % 2 == 0 else "bent"},
            "heel-raise": {}}[ex]
    tr, truth = H.SCENARIOS[ex](seed, clean=bool(clean), **opts)
    print("TRUTH", json.dumps(truth, default=str))
    rep = analyse(tr, ex).to_json()
    for r in rep["reps"]:
        print("  said rep", json.dumps(r))
    for f in rep["faults"]:
        print("  said fault", json.dumps(f))
    print("  said metrics", json.dumps(rep["metrics"]), "verdict", rep["verdict"],
          "view", rep["view"], "warnings", rep["warnings"], rep.get("reason", ""))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="traces per scenario")
    ap.add_argument("--offset", type=int, default=0, help="first seed")
    ap.add_argument("--only", default="", help="comma-separated exercises")
    ap.add_argument("--failures", type=int, default=6, help="failure cases to print each")
    ap.add_argument("--json", default="", help="write all results to this file")
    ap.add_argument("--show", default="", metavar="EXERCISE:SEED",
                    help="print one case: the truth and the report (e.g. heel-raise:27); "
                         "add :clean for the trace without tracker artefacts")
    args = ap.parse_args(argv)
    if args.show:
        return show(*args.show.split(":"))
    wanted = [e for e in EVALS if not args.only or e in args.only.split(",")]
    t_start = time.perf_counter()
    out = {}
    print(f"held-out exercise accuracy ({args.n} traces per scenario, seeds "
          f"{args.offset}..{args.offset + args.n - 1}; generator bench/holdout_traces.py)")
    for ex in wanted:
        print(f"\n## {ex}")
        if not available(ex):
            print(f"  not implemented yet ({EXERCISES[ex]} missing)")
            out[ex] = "not implemented yet"
            continue
        t0 = time.perf_counter()
        r = EVALS[ex](args.n, args.offset)
        lt = long_trace(ex)
        t1 = time.perf_counter()
        try:
            analyse(lt, ex)
            t_long = time.perf_counter() - t1
        except Exception as exc:  # noqa: BLE001
            t_long = float("nan")
            r["errors"].append(("long", repr(exc), ""))
        rows = summarise(ex, r)
        rows.append(("analysis time, one-minute trace at 30 fps", f"{t_long * 1000:.0f} ms"))
        w = max(len(k) for k, _ in rows)
        for k, v in rows:
            print(f"  {k:<{w}}  {v}")
        print(f"  ({time.perf_counter() - t0:.1f} s for this scenario)")
        for seed, msg, _tb in r["errors"][:3]:
            print(f"  ERROR seed {seed}: {msg}")
        if r["failures"] and args.failures:
            print(f"  failure cases ({len(r['failures'])}, first {args.failures}):")
            for fcase in r["failures"][: args.failures]:
                print("   - " + json.dumps(fcase, default=str))
        out[ex] = dict(rows=rows, failures=r["failures"],
                       errors=[(s, m) for s, m, _ in r["errors"]])
    print(f"\ntotal {time.perf_counter() - t_start:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
