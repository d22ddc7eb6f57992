"""vision.footprint.bands: the one source of clinical bands, and nobody else holds a cut-off."""

import io
import json
import re
import tokenize
import tomllib
from pathlib import Path

import pytest

from vision.footprint import bands as B

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("vision", "coach", "ui", "cli", "app.py")
CSI_WORDS = re.compile(r"chippaux|c-s\b|csi", re.I)


def _cutoffs() -> tuple[list[str], list[str]]:
    """The band file's cut-off values as text: (non-integers, integers)."""
    vals = {c.value for b in B.load_bands().bands for c in b.cutoffs}
    return (sorted(f"{v:g}" for v in vals if v != int(v)),
            sorted(f"{v:g}" for v in vals if v == int(v)))


def _text_hits(text: str, frac: list[str], ints: list[str]) -> list[str]:
    hits = [v for v in frac if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", text)]
    if CSI_WORDS.search(text) or "flat" in text.lower():
        hits += [v for v in ints if re.search(rf"(?<![\d.]){v}(\.0)?\s*%", text)]
    return hits


def _py_hits(src: str, frac: list[str], ints: list[str]) -> list[str]:
    """Cut-offs in a Python file's numbers and strings (comments are not read)."""
    hits = []
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.NUMBER and "." in tok.string:
            hits += [v for v in frac if float(tok.string) == float(v)]
        elif tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)):
            hits += _text_hits(tok.string, frac, ints)
    return hits


def _data_hits(obj, frac, ints) -> list[str]:
    if isinstance(obj, dict):
        return [h for v in obj.values() for h in _data_hits(v, frac, ints)]
    if isinstance(obj, list):
        return [h for v in obj for h in _data_hits(v, frac, ints)]
    if isinstance(obj, float) and not isinstance(obj, bool):
        return [v for v in frac if obj == float(v)]
    if isinstance(obj, str):
        return _text_hits(obj, frac, ints)
    return []


def scan(path: Path) -> list[str]:
    frac, ints = _cutoffs()
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return _py_hits(text, frac, ints)
    data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    return _data_hits(data, frac, ints)


def _files():
    for name in SCANNED:
        p = ROOT / name
        for f in ([p] if p.is_file() else sorted(p.rglob("*"))):
            if f.suffix in (".py", ".toml", ".json") and f != B.BANDS_FILE and f.is_file():
                yield f


def test_no_other_file_holds_a_cutoff():
    found = {str(f.relative_to(ROOT)): hits for f in _files() if (hits := scan(f))}
    assert not found, f"cut-off values outside {B.BANDS_FILE.name}: {found}"


@pytest.mark.parametrize("content, suffix", [
    ('X = 0.26\n', ".py"), ('"""flat when the Staheli index is above 1.07"""\n', ".py"),
    ('t = "Chippaux-Smirak index over 40 %"\n', ".py"), ('[a]\nhi = 0.21\n', ".toml"),
    ('{"note": "flat from 62.7 %"}', ".json")])
def test_scanner_finds_a_planted_cutoff(tmp_path, content, suffix):
    f = tmp_path / f"planted{suffix}"
    f.write_text(content)
    assert scan(f)


def test_scanner_ignores_comments_and_unrelated_numbers(tmp_path):
    f = tmp_path / "ok.py"
    f.write_text('X = 0.2105  # 0.21 mm/px\nY = "the front 40 % of the foot"\nZ = 40.0\n')
    assert scan(f) == []


def test_bands_file_is_valid_and_covers_the_ages():
    table = B.load_bands()
    assert B.load_bands() is table                       # loaded once
    assert B.bands_for_age(35.9) is None and B.bands_for_age(24) is None
    assert set(B.bands_for_age(48).metrics) == {"staheli_index", "chippaux_smirak_index"}
    assert B.bands_for_age(150).metrics == ("chippaux_smirak_index",)
    assert B.bands_for_age(200) is None                  # 16-18 y: no source
    assert B.bands_for_age(216).metrics == ("arch_index",)
    assert B.bands_for_age(None).metrics == ("arch_index",)


def _raw():
    return tomllib.loads(B.BANDS_FILE.read_text())


@pytest.mark.parametrize("breaks", [
    lambda d: d["band"][0].update(metric="nonsense"),
    lambda d: d["band"][0].update(source="nobody"),
    lambda d: d["band"][1].update(from_months=60.0),           # overlaps staheli_3_6
    lambda d: d["band"][0].update(flat={"value": 9.0, "inclusive": False}),
    lambda d: d["band"][0].update(flat={"value": 1.0}),
    lambda d: d["band"][0].update(from_months=12.0),           # a label under 3 years
    lambda d: d["band"][-1].update(high={"value": 0.3, "inclusive": True}),
    lambda d: d.pop("limits"),
])
def test_validation_rejects_bad_tables(breaks):
    data = _raw()
    breaks(data)
    with pytest.raises(ValueError, match="bands.toml"):
        B.validate_bands(data)


def test_chart_rects_tile_each_band_by_category():
    rects = B.chart_bands("arch_index", 0, 400, y_max=0.45)
    assert {r.category for r in rects} == {"high", "normal", "flat"}
    assert all(r.from_months == B.load_bands().adult_months for r in rects)
    band = B.adult_bands()[0]
    for r in rects:                          # each rectangle's interior gets its category
        assert band.classify((r.lo + r.hi) / 2) == r.category
    assert B.chart_bands("staheli_index", 0, 36) == ()


@pytest.mark.parametrize("metric, value", [("arch_index", 0.210004), ("arch_index", 0.25999),
                                           ("chippaux_smirak_index", 62.7004),
                                           ("staheli_index", 1.27999)])
def test_json_round_never_crosses_a_cutoff(metric, value):
    r = B.json_round(value, metric, 2)
    for b in B.load_bands().bands:
        if b.metric == metric:
            assert b.classify(r) == b.classify(value)
