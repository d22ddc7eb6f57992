"""Summary and text report of bench/calibration_footprint.py records (see its docstring)."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

CONFIDENT = 0.5
QUALITY_BINS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
STYLES = ("ink", "wet", "grid_mat", "inverted")
LR_TOL = 0.05                      # real grid-mat: left/right arch index agreement


def _kind_summary(recs) -> dict:
    paper = [r for r in recs if not r["refuse"]]
    whole = [t for r in paper for t in r["truth"] if t["whole"]]
    feet = [f for r in recs for f in r["feet"]]
    conf = [f for f in feet if f["quality"] >= CONFIDENT]
    wrong = [f for f in conf if f["wrong"]]
    return dict(
        scenes=len(recs), true_whole_feet=len(whole),
        whole_missed=sum(not t["found"] for t in whole),
        whole_missed_pct=_pct(sum(not t["found"] for t in whole), len(whole)),
        whole_not_confident_pct=_pct(sum((not t["found"]) or (t["quality"] or 0) < CONFIDENT
                                         for t in whole), len(whole)),
        measured=len(feet), confident=len(conf), wrong_confident=len(wrong),
        precision_confident=None if not conf else round(1 - len(wrong) / len(conf), 4),
        wrong_reasons=dict(Counter(f["wrong"] for f in wrong)),
        refused_scenes=sum((not r["ok"]) or not any(f["quality"] >= CONFIDENT for f in r["feet"])
                           for r in recs))


def _pct(a, b):
    return None if not b else round(100.0 * a / b, 1)


def _reliability(feet) -> list:
    out = []
    for lo, hi in zip(QUALITY_BINS[:-1], QUALITY_BINS[1:], strict=True):
        sel = [f for f in feet if lo <= f["quality"] < hi]
        out.append(dict(bin=f"{lo:.1f}-{min(hi, 1.0):.1f}", n=len(sel),
                        right=sum(not f["wrong"] for f in sel),
                        right_pct=_pct(sum(not f["wrong"] for f in sel), len(sel))))
    return out


def _styles(recs) -> dict:
    """AI error of the measured feet that match a true whole foot with the right side, per
    print style: over the confident ones (what the app shows) and over all."""
    out = {}
    for st in STYLES:
        rows = [f for r in recs if r["style"] == st and not r["refuse"] for f in r["feet"]
                if f["true_ai"] is not None and f["true_whole"] and f["wrong"] in ("", "ai")]
        conf = [f for f in rows if f["quality"] >= CONFIDENT]
        e_all = np.array([f["ai"] - f["true_ai"] for f in rows])
        e = np.array([f["ai"] - f["true_ai"] for f in conf])
        out[st] = dict(n_confident=len(conf), mae_confident=_r(np.abs(e).mean()) if len(e) else None,
                       bias_confident=_r(e.mean()) if len(e) else None,
                       n_all=len(rows), mae_all=_r(np.abs(e_all).mean()) if len(e_all) else None,
                       bias_all=_r(e_all.mean()) if len(e_all) else None)
    return out


def _r(v):
    return round(float(v), 4)


def _blobs(recs) -> dict:
    tab = defaultdict(Counter)
    for r in recs:
        for b in r["blobs"]:
            tab[b["kind"]][b["got"]] += 1
    return {k: dict(v) for k, v in sorted(tab.items())}


def _real(real) -> dict | None:
    if real is None:
        return None
    gm = real["grid_mat"]
    both = [g for g in gm if g["both"]]
    agree = [g for g in both if g["lr_diff"] is not None and g["lr_diff"] <= LR_TOL]
    agree_conf = [g for g in agree if g["both_confident"]]
    ref = {k: dict(n=len(v), refused_or_low=sum(x["refused_or_low"] for x in v))
           for k, v in real["refuse"].items()}
    return dict(grid_mat_n=len(gm), grid_mat_both_found=len(both), grid_mat_lr_agree=len(agree),
                grid_mat_lr_agree_both_confident=len(agree_conf),
                grid_mat_rows=gm, not_paper=ref, inverted=real["inverted"])


def summarise(records, real, **meta) -> dict:
    kinds = sorted({r["kind"] for r in records}, key=lambda k: [r["kind"] for r in records].index(k))
    feet = [f for r in records for f in r["feet"]]
    paper = [r for r in records if not r["refuse"]]
    notp = [r for r in records if r["refuse"]]
    mapping = Counter(r["mapping"] for r in records if r["mapping"])
    return dict(
        meta=dict(meta, scenes=len(records), position_source=dict(mapping)),
        per_kind={k: _kind_summary([r for r in records if r["kind"] == k]) for k in kinds},
        overall=_kind_summary(records) if records else None,
        overall_paper=_kind_summary(paper) if paper else None,
        reliability=_reliability(feet), styles=_styles(records), blobs=_blobs(records),
        not_paper_refused=dict(n=len(notp), refused=sum(
            (not r["ok"]) or not any(f["quality"] >= CONFIDENT for f in r["feet"]) for r in notp),
            refused_pct=_pct(sum((not r["ok"]) or not any(f["quality"] >= CONFIDENT
                                                          for f in r["feet"]) for r in notp),
                             len(notp))),
        real=_real(real))


def _fmt(v, w=7, pct=False):
    if v is None:
        return "-".rjust(w)
    return (f"{v:.1f}" if pct else (f"{v:.4f}" if isinstance(v, float) else str(v))).rjust(w)


def report(s) -> str:
    m = s["meta"]
    out = [f"footprint calibration: split={m['split']} engine={m['engine']} scenes={m['scenes']} "
           f"n/kind={m['n_per_kind']} positions={m['position_source']}"
           + (f" renderer={m['renderer']}" if "renderer" in m else "")]
    if s["overall"]:
        out.append("\nkind            scenes  whole missed%  notconf%  meas  q>=.5 WRONG  prec   refused  wrong reasons")
        rows = list(s["per_kind"].items()) + [("ALL paper", s["overall_paper"]), ("ALL", s["overall"])]
        for k, v in rows:
            if v is None:
                continue
            out.append(f"{k:<15}{v['scenes']:>6}{v['true_whole_feet']:>7}{_fmt(v['whole_missed_pct'], 8, True)}"
                       f"{_fmt(v['whole_not_confident_pct'], 10, True)}{v['measured']:>6}{v['confident']:>7}"
                       f"{v['wrong_confident']:>6}{_fmt(v['precision_confident'], 8)}{v['refused_scenes']:>8}"
                       f"  {v['wrong_reasons'] or ''}")
        out.append("\nreliability (all measured feet): quality bin -> n, right %")
        out += [f"  {b['bin']}: n={b['n']:<4} right={_fmt(b['right_pct'], 5, True)} %" for b in s["reliability"]]
        out.append("\nAI error per style (true whole feet, side right): confident | all")
        for st, v in s["styles"].items():
            out.append(f"  {st:<9} n={v['n_confident']:<4} MAE={_fmt(v['mae_confident'])} "
                       f"bias={_fmt(v['bias_confident'])} | n={v['n_all']:<4} MAE={_fmt(v['mae_all'])} "
                       f"bias={_fmt(v['bias_all'])}")
        out.append("\nnon-foot blobs (truth kind -> how the engine reported them)")
        out += [f"  {k:<9} {v}" for k, v in s["blobs"].items()]
        npf = s["not_paper_refused"]
        out.append(f"\nnot-paper scenes refused (not ok or no foot >= 0.5): {npf['refused']}/{npf['n']} "
                   f"({_fmt(npf['refused_pct'], 1, True)} %)")
    r = s["real"]
    if r:
        out.append(f"\nreal grid_mat: both feet found {r['grid_mat_both_found']}/{r['grid_mat_n']}, "
                   f"L/R within {LR_TOL} {r['grid_mat_lr_agree']}/{r['grid_mat_n']} "
                   f"(both >= 0.5: {r['grid_mat_lr_agree_both_confident']})")
        for g in r["grid_mat_rows"]:
            out.append(f"  {g['image']:<12} feet={g['n_feet']} q={g['qualities']} "
                       f"LR diff={_fmt(g['lr_diff'])}")
        for k, v in r["not_paper"].items():
            out.append(f"real {k}: refused or < 0.5 {v['refused_or_low']}/{v['n']}")
        out.append("real contact_prints_inverted: " + "; ".join(
            f"{x['image']} {'refused' if not x['ok'] else x['feet']}" for x in r["inverted"]))
    return "\n".join(out)


def worst_cases(records, k: int) -> str:
    """The wrong feet at quality >= CONFIDENT, highest quality first: kind, seed, reason."""
    rows = [(f["quality"], r["kind"], r["seed"], r["style"], f) for r in records for f in r["feet"]
            if f["wrong"] and f["quality"] >= CONFIDENT]
    rows.sort(key=lambda t: -t[0])
    out = [f"\nwrong feet at q >= {CONFIDENT} (highest quality first, {len(rows)} in all)"]
    for q, kind, seed, style, f in rows[:k]:
        ai = f"AI {f['ai']:.3f}" + ("" if f["true_ai"] is None else f" vs true {f['true_ai']:.3f}")
        out.append(f"  {kind:<14} seed={seed:<8} {style:<9} q={q:.2f} {f['wrong']:<16} "
                   f"side={f['side']}/{f.get('side_true')} {ai} issues={f['issues']}")
    return "\n".join(out)
