"""Things on a footprint sheet that are not feet, and surfaces that are not paper.

Handprints (palm + five digits, child-sized), pencil / crayon outlines traced around a foot,
doodles, stickers, written names and dates, printed logos and grid-mat hatch marks; and
wooden decks, tiles, sand and skin for the "not a print on paper" scenes.

Everything draws in the sheet plane (``ppm`` pixels per millimetre, float32 BGR 0..255) and
returns its truth as ``(kind, (x0, y0, x1, y1) sheet px, detail)``; every function takes a
``numpy.random.Generator`` so a seed fixes the output.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from synth.print_style import put_text, smooth_noise

__all__ = ["HandRaster", "hand_raster", "outline_around", "draw_doodles", "draw_stickers",
           "draw_text_under", "draw_marks", "surface_image", "SURFACES", "CRAYONS"]

CRAYONS = [(40, 40, 200), (200, 90, 30), (40, 160, 40), (30, 170, 230), (160, 50, 160),
           (60, 60, 60), (20, 120, 240)]                        # BGR
PENCIL = (95, 95, 100)
FONTS = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
         cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
         cv2.FONT_HERSHEY_SCRIPT_COMPLEX, cv2.FONT_HERSHEY_PLAIN]
NAMES = ["Emma", "Leo", "Mia", "Noah", "Zoe", "Lucas", "Ava", "Sami", "Ines", "Theo"]
SURFACES = ("deck", "tiles", "sand", "skin")
TEXT_GAP_MM = (0.5, 12.0)
TILE_MM = (50.0, 150.0)         # tile side: grout lines always in view       # writing this far under the rearmost heel point
# child hand proportions (fractions of the hand length, wrist crease -> middle fingertip)
PALM_LEN_FRAC = 0.56
PALM_WIDTH_FRAC = 0.48
FINGER_LEN_FRAC = (0.36, 0.44, 0.41, 0.33)      # index, middle, ring, little
THUMB_LEN_FRAC = 0.34
DIGIT_WIDTH_FRAC = 0.105


@dataclass(frozen=True)
class HandRaster:
    """A handprint, fingers up, in its own raster: whole print, palm and the five digits."""

    mask: np.ndarray                       # bool
    palm: np.ndarray                       # bool
    digits: tuple[np.ndarray, ...]         # five bool masks: thumb first
    px_per_mm: float
    length_mm: float


def hand_raster(rng, length_mm: float, ppm: float, side: str = "left") -> HandRaster:
    """Child's handprint: an elliptical palm with four fanned fingers and an abducted thumb,
    digits apart (a gap of a few mm at their bases)."""
    L = length_mm * ppm
    pw, pl = PALM_WIDTH_FRAC * L, PALM_LEN_FRAC * L
    size = int(np.ceil(1.5 * L))
    cx, cy = size / 2, size * 0.72                 # palm centre
    palm = np.zeros((size, size), np.uint8)
    cv2.ellipse(palm, (int(cx), int(cy)), (int(pw / 2), int(pl / 2)), 0, 0, 360, 1, -1)
    cv2.ellipse(palm, (int(cx), int(cy + pl * 0.18)), (int(pw * 0.45), int(pl * 0.36)), 0, 0, 360,
                1, -1)                                      # heel of the hand: squarer palm
    dw = max(DIGIT_WIDTH_FRAC * L * rng.uniform(0.9, 1.1), 2.0)
    spread = np.deg2rad(rng.uniform(6, 12))         # angle between neighbouring fingers
    digits = []
    for k, frac in enumerate(FINGER_LEN_FRAC):
        ang = (k - 1.5) * spread
        bx = cx + (k - 1.5) * pw * 0.27
        by = cy - pl * 0.40
        ln = frac * L * rng.uniform(0.95, 1.05)
        tip = (bx + np.sin(ang) * ln, by - np.cos(ang) * ln)
        digits.append(_capsule(size, (bx, by + dw * 0.3), tip, dw * (1.05 if k == 1 else 1.0)))
    t_ang = np.deg2rad(rng.uniform(40, 65))
    tb = (cx + pw * 0.42, cy - pl * 0.02)
    tl = THUMB_LEN_FRAC * L
    digits.insert(0, _capsule(size, tb, (tb[0] + np.sin(t_ang) * tl, tb[1] - np.cos(t_ang) * tl),
                              dw * 1.15))
    # pads of the digits only: keep the part beyond the palm plus a small crease gap
    crease = cv2.dilate(palm, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    digit_masks = tuple((d > 0) & ~(crease > 0) for d in digits)
    mask = palm > 0
    for d in digit_masks:
        mask |= d
    if side == "right":
        mask, palm = mask[:, ::-1], palm[:, ::-1]
        digit_masks = tuple(d[:, ::-1] for d in digit_masks)
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop = (slice(max(y0 - 4, 0), y1 + 4), slice(max(x0 - 4, 0), x1 + 4))
    return HandRaster(mask=np.ascontiguousarray(mask[crop]), palm=palm[crop] > 0,
                      digits=tuple(np.ascontiguousarray(d[crop]) for d in digit_masks),
                      px_per_mm=ppm, length_mm=length_mm)


def _capsule(size, p0, p1, width) -> np.ndarray:
    img = np.zeros((size, size), np.uint8)
    a = (int(round(p0[0])), int(round(p0[1])))
    b = (int(round(p1[0])), int(round(p1[1])))
    cv2.line(img, a, b, 1, max(int(round(width)), 1), cv2.LINE_8)
    cv2.circle(img, b, max(int(round(width / 2)), 1), 1, -1)
    return img


def hand_weight(h: HandRaster) -> np.ndarray:
    """Pressure weight of a handprint: palm rim and digit pads pressed, palm centre light."""
    d = cv2.distanceTransform(h.palm.astype(np.uint8), cv2.DIST_L2, 3)
    hollow = np.clip(d / max(d.max(), 1.0), 0, 1)
    w = np.where(h.palm, 1.0 - 0.55 * hollow, 0.9)
    return w.astype(np.float32)


def _wobbly(rng, pts: np.ndarray, amp_px: float, scale: int) -> np.ndarray:
    """Hand-drawn wobble along a closed or open polyline (normal offsets, smooth)."""
    n = len(pts)
    noise = cv2.resize(rng.normal(0, 1, (max(n // scale, 2), 1)).astype(np.float32), (1, n),
                       interpolation=cv2.INTER_CUBIC)[:, 0]
    tang = np.gradient(pts.astype(np.float64), axis=0)
    nrm = np.stack([-tang[:, 1], tang[:, 0]], 1) / (np.hypot(*tang.T)[:, None] + 1e-9)
    return pts + nrm * noise[:, None] * amp_px


def _stroke(img, pts, colour, width_px, rng, crayon: bool) -> None:
    """Draw a polyline as pencil (thin, grey, uneven) or crayon (thick, waxy, gappy)."""
    layer = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(layer, [np.round(pts).astype(np.int32)], False, 255,
                  max(int(round(width_px)), 1), cv2.LINE_AA)
    a = layer.astype(np.float32) / 255.0
    grain = smooth_noise(rng, a.shape, max(width_px * 0.7, 1.0))
    a *= np.clip((0.75 if crayon else 0.6) + 0.35 * grain, 0.15, 1.0)
    c = np.array(colour, np.float32)
    img *= 1 - a[..., None]
    img += c * a[..., None]


def outline_around(img, rng, ppm, cover: np.ndarray) -> tuple:
    """Trace a pencil or crayon line around one foot's print (``cover`` sheet-plane 0..1)."""
    gap = rng.uniform(1.5, 5.0) * ppm
    m = (cover > 0.5).astype(np.uint8)
    k = int(2 * gap) | 1
    grown = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    grown = cv2.morphologyEx(grown, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (int(6 * ppm) | 1, int(6 * ppm) | 1)))
    cnts = cv2.findContours(grown, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0]
    c = max(cnts, key=cv2.contourArea).reshape(-1, 2).astype(np.float64)
    c = _wobbly(rng, c, rng.uniform(0.3, 1.2) * ppm, int(20 * ppm) + 1)
    if rng.random() < 0.5:                         # not closed: the child moved the foot
        cut = int(rng.integers(len(c)))
        c = np.roll(c, -cut, axis=0)[: int(len(c) * rng.uniform(0.85, 1.0))]
    crayon = bool(rng.random() < 0.5)
    colour = CRAYONS[int(rng.integers(len(CRAYONS)))] if crayon else PENCIL
    width = rng.uniform(1.2, 2.8) * ppm if crayon else rng.uniform(0.3, 0.6) * ppm
    _stroke(img, c, colour, width, rng, crayon)
    lo, hi = c.min(0), c.max(0)
    return ("drawing", (lo[0], lo[1], hi[0], hi[1]), "crayon outline" if crayon else "pencil outline")


def _shape_points(rng, kind: str, r: float) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, 200)
    if kind == "heart":
        x, y = 16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t))
        return np.stack([x, y], 1) * r / 16
    if kind == "star":
        ang = np.linspace(0, 2 * np.pi, 11)[:-1] - np.pi / 2
        rad = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
        return np.vstack([np.stack([np.cos(ang) * rad, np.sin(ang) * rad], 1)] * 1)
    if kind == "spiral":
        s = np.linspace(0, 4 * np.pi, 300)
        return np.stack([np.cos(s) * s, np.sin(s) * s], 1) * r / (4 * np.pi)
    if kind == "flower":
        rad = r * (0.6 + 0.4 * np.abs(np.cos(2.5 * t)))
        return np.stack([np.cos(t) * rad, np.sin(t) * rad], 1)
    return np.stack([np.cos(t), np.sin(t)], 1) * r         # circle / sun


def free_spot(rng, taken: np.ndarray, r_px: float, tries: int = 60):
    """A point whose disc of radius ``r_px`` misses ``taken`` (bool) and the sheet's rim."""
    h, w = taken.shape
    for _ in range(tries):
        x, y = rng.uniform(r_px + 4, w - r_px - 4), rng.uniform(r_px + 4, h - r_px - 4)
        y0, y1 = int(max(y - r_px, 0)), int(min(y + r_px, h))
        x0, x1 = int(max(x - r_px, 0)), int(min(x + r_px, w))
        if not taken[y0:y1, x0:x1].any():
            return x, y
    return None


def draw_doodles(img, rng, ppm, taken: np.ndarray, n: int) -> list:
    """Crayon hearts, stars, spirals, suns and flowers in free space."""
    out = []
    for _ in range(n):
        r = rng.uniform(6, 18) * ppm
        spot = free_spot(rng, taken, r * 1.3)
        if spot is None:
            continue
        kind = str(rng.choice(["heart", "star", "spiral", "flower", "sun"]))
        pts = _shape_points(rng, kind, r) + spot
        if kind in ("heart", "star", "flower", "sun"):
            pts = np.vstack([pts, pts[:1]])
        pts = _wobbly(rng, pts, 0.3 * ppm, 15)
        colour = CRAYONS[int(rng.integers(len(CRAYONS)))]
        _stroke(img, pts, colour, rng.uniform(0.8, 2.5) * ppm, rng, True)
        if kind == "sun":
            for a in np.linspace(0, 2 * np.pi, 9)[:-1]:
                d = np.array([np.cos(a), np.sin(a)])
                _stroke(img, np.array([spot + d * r * 1.15, spot + d * r * 1.5]), colour,
                        1.5 * ppm, rng, True)
        lo, hi = pts.min(0), pts.max(0)
        out.append(("drawing", (lo[0], lo[1], hi[0], hi[1]), kind))
        taken[int(lo[1]):int(hi[1]) + 1, int(lo[0]):int(hi[0]) + 1] = True
    return out


def draw_stickers(img, rng, ppm, taken: np.ndarray, n: int, near: list) -> list:
    """Glossy stickers (filled stars, hearts, circles, white rim, highlight); some placed
    just in front of the toes (``near``: list of (x, y, ux, uy) toe tip + axis, sheet px)."""
    out = []
    for i in range(n):
        r = rng.uniform(4, 12) * ppm
        spot = None
        if near and i < len(near) and rng.random() < 0.6:
            x, y, ux, uy = near[i]
            d = r + rng.uniform(2, 6) * ppm
            spot = (x + ux * d + rng.normal(0, 3) * ppm, y + uy * d)
        if spot is None:
            spot = free_spot(rng, taken, r * 1.2)
        if spot is None:
            continue
        kind = str(rng.choice(["star", "heart", "circle"]))
        pts = np.round(_shape_points(rng, kind, r) + spot).astype(np.int32)
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        if rng.random() < 0.6:
            cv2.fillPoly(img, [pts], (250, 250, 250), cv2.LINE_AA)
            inner = np.round(_shape_points(rng, kind, r * 0.82) + spot).astype(np.int32)
            cv2.fillPoly(img, [inner], colour, cv2.LINE_AA)
        else:
            cv2.fillPoly(img, [pts], colour, cv2.LINE_AA)
        hx, hy = int(spot[0] - r * 0.3), int(spot[1] - r * 0.3)
        cv2.circle(img, (hx, hy), max(int(r * 0.15), 1), (252, 252, 252), -1, cv2.LINE_AA)
        lo, hi = pts.min(0), pts.max(0)
        out.append(("sticker", (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])), kind))
    return out


def draw_text_under(img, rng, ppm, heel_xy, ink_bgr) -> list:
    """A name and/or a date written a few mm under a heel, in a random font and size."""
    name = str(rng.choice(NAMES))
    date = f"{int(rng.integers(1, 29)):02d}/{int(rng.integers(1, 13)):02d}/{int(rng.integers(2015, 2027))}"
    text = str(rng.choice([name, date, f"{name} {date}", f"{name}, {int(rng.integers(1, 7))} yrs"]))
    font = FONTS[int(rng.integers(len(FONTS)))] | (cv2.FONT_ITALIC if rng.random() < 0.3 else 0)
    height_px = rng.uniform(5, 14) * ppm
    (tw, th), _ = cv2.getTextSize(text, font, 1.0, 1)
    scale = height_px / max(th, 1)
    thick = max(int(round(rng.uniform(0.3, 1.2) * ppm)), 1)
    (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    h, w = img.shape[:2]
    x = int(np.clip(heel_xy[0] - tw / 2 + rng.normal(0, 8) * ppm, 2, max(w - tw - 2, 2)))
    y = int(np.clip(heel_xy[1] + rng.uniform(*TEXT_GAP_MM) * ppm + th, th + 2, h - base - 2))
    colour = ink_bgr if rng.random() < 0.5 else CRAYONS[int(rng.integers(len(CRAYONS)))]
    put_text(img, text, (x, y), scale, tuple(float(c) for c in colour), thick, font)
    return [("text", (float(x), float(y - th), float(x + tw), float(y + base)), text)]


def draw_marks(img, rng, ppm, feet_xy: list, grid: bool) -> list:
    """Printed logo / title and hand-drawn length marks: hatched bars in front of the toes
    and behind the heel (as on the clinic grid-mat forms), registration crosses."""
    out = []
    h, w = img.shape[:2]
    colour = (float(rng.uniform(150, 220)), float(rng.uniform(100, 150)), float(rng.uniform(30, 80)))
    if not grid:                                   # keepsake title and a logo
        title = str(rng.choice(["My first steps", "Little feet", "Baby's feet", "Footprints"]))
        font = FONTS[int(rng.integers(len(FONTS)))]
        put_text(img, title, (int(10 * ppm), int(16 * ppm)), 0.22 * ppm, colour,
                 max(int(0.6 * ppm), 1), font)
        (tw, th), _ = cv2.getTextSize(title, font, 0.22 * ppm, max(int(0.6 * ppm), 1))
        out.append(("mark", (10 * ppm, 16 * ppm - th, 10 * ppm + tw, 16 * ppm + 2), "title"))
    c = (w - 16 * ppm, h - 16 * ppm)
    cv2.circle(img, (int(c[0]), int(c[1])), int(7 * ppm), colour, -1, cv2.LINE_AA)
    cv2.circle(img, (int(c[0]), int(c[1])), int(4.5 * ppm), (245, 245, 245), int(1.2 * ppm), cv2.LINE_AA)
    out.append(("mark", (c[0] - 7 * ppm, c[1] - 7 * ppm, c[0] + 7 * ppm, c[1] + 7 * ppm), "logo"))
    for hx, hy, tx, ty in feet_xy:                 # hatched length bars
        for (px, py), sgn in (((tx, ty), -1), ((hx, hy), 1)):
            if rng.random() < 0.3:
                continue
            ln, tall = rng.uniform(12, 30) * ppm, rng.uniform(1.0, 2.2) * ppm
            y = py + sgn * rng.uniform(3, 8) * ppm
            x0 = px - ln / 2 + rng.normal(0, 4) * ppm
            for k in np.arange(0, ln, rng.uniform(0.4, 0.8) * ppm):
                cv2.line(img, (int(x0 + k), int(y - tall / 2)), (int(x0 + k + tall * 0.4), int(y + tall / 2)),
                         (70, 70, 75), max(int(0.15 * ppm), 1), cv2.LINE_AA)
            out.append(("mark", (x0, y - tall / 2, x0 + ln, y + tall / 2), "hatch bar"))
    for _ in range(int(rng.integers(0, 3))):       # registration crosses / ticks at the rim
        x, y = rng.uniform(4, 12) * ppm * rng.choice([1, -1]) % w, rng.uniform(30, h / ppm - 30) * ppm
        cv2.line(img, (int(x - 3 * ppm), int(y)), (int(x + 3 * ppm), int(y)), (60, 60, 60),
                 max(int(0.3 * ppm), 1), cv2.LINE_AA)
        cv2.line(img, (int(x), int(y - 3 * ppm)), (int(x), int(y + 3 * ppm)), (60, 60, 60),
                 max(int(0.3 * ppm), 1), cv2.LINE_AA)
        out.append(("mark", (x - 3 * ppm, y - 3 * ppm, x + 3 * ppm, y + 3 * ppm), "cross"))
    return out


def surface_image(rng, shape, ppm, surface: str) -> np.ndarray:
    """A floor that is not paper: wooden deck planks, tiles with grout, sand, or a dark
    cloth under a bare sole (``skin``: the sole itself is drawn by the scene)."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    if surface == "deck":
        plank = rng.uniform(90, 145) * ppm
        base = np.array([70, 110, 150], np.float32) * rng.uniform(0.7, 1.15)
        warp = smooth_noise(rng, shape, 40 * ppm) * 6 * ppm
        grain = 0.5 + 0.5 * np.sin((xx + warp) / (rng.uniform(0.8, 2.0) * ppm))
        idx = np.floor(yy / plank)
        tint = (0.85 + 0.3 * ((idx * 0.618) % 1.0))[..., None]
        img[:] = base
        img *= tint * (0.82 + 0.25 * grain[..., None])
        gap = (yy % plank) < rng.uniform(4, 8) * ppm
        img[gap] *= 0.35
    elif surface == "tiles":
        t = rng.uniform(*TILE_MM) * ppm
        base = rng.uniform(150, 235, 3).astype(np.float32)
        img[:] = base
        tint = 0.9 + 0.15 * ((np.floor(xx / t) * 0.37 + np.floor(yy / t) * 0.71) % 1.0)
        img *= tint[..., None]
        img += (smooth_noise(rng, shape, 10 * ppm) * 8)[..., None]
        grout = ((xx % t) < 2.5 * ppm) | ((yy % t) < 2.5 * ppm)
        img[grout] = np.array([120, 125, 130], np.float32) * rng.uniform(0.7, 1.2)
    elif surface == "sand":
        img[:] = np.array([140, 185, 215], np.float32) * rng.uniform(0.85, 1.05)
        ripple = np.sin((yy + smooth_noise(rng, shape, 30 * ppm) * 10 * ppm) / (rng.uniform(4, 9) * ppm))
        img += (ripple * 10 + rng.normal(0, 9, (h, w)).astype(np.float32))[..., None]
    elif surface == "skin":
        img[:] = rng.uniform(20, 70, 3).astype(np.float32)
        img += (smooth_noise(rng, shape, 3 * ppm) * 10)[..., None]
    else:
        raise ValueError(f"surface must be one of {SURFACES}, got {surface!r}")
    return img
