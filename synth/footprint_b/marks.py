"""Things on a keepsake sheet that are not feet: handprints, pencil or crayon outlines,
doodles, written names and dates, stickers, rulers. All in sheet pixels.

``hand_contact`` returns a contact mask (printed like a foot by ``ink.stamp``); the other
functions draw on the sheet canvas (float32 BGR reflectance) in place and return the box
(x0, y0, x1, y1) of what they drew, or None if nothing landed on the sheet.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["hand_contact", "outline", "doodle", "write_text", "sticker", "ruler", "DOODLES",
           "STICKERS"]

HAND_DIGITS = ((-0.19, 0.36, 0.085), (-0.065, 0.43, 0.09), (0.065, 0.41, 0.088),
               (0.18, 0.33, 0.078))   # (base x / H, length / H, half-width / H), index first
PENCIL = (0.48, 0.47, 0.46)
CRAYONS = ((0.2, 0.2, 0.85), (0.85, 0.35, 0.2), (0.2, 0.7, 0.3), (0.1, 0.6, 0.9),
           (0.6, 0.2, 0.6), (0.3, 0.3, 0.3))
STICKER_COLOURS = ((0.1, 0.1, 0.9), (0.1, 0.75, 0.95), (0.2, 0.8, 0.2), (0.9, 0.4, 0.1),
                   (0.7, 0.3, 0.9))
NAMES = ("Mia", "Noah", "Lena", "Ben", "Sofia", "Leo", "Emma", "Jonas", "Ava", "Finn",
         "Zoe K.", "Tom", "Ida 2y", "Max & Lou")
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
         cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
         cv2.FONT_HERSHEY_SCRIPT_COMPLEX, cv2.FONT_HERSHEY_PLAIN)
DOODLES = ("spiral", "sun", "flower", "zigzag", "scribble", "cloud")
STICKERS = ("star", "heart", "dot", "smiley", "label")


def _rot(pts, ang_deg, centre):
    a = np.radians(ang_deg)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return np.asarray(pts, float) @ R.T + centre


def hand_contact(rng, length_mm, ppm, centre_xy, angle_deg, hand):
    """(x0, y0, bool mask) of a child's handprint (palm + four fingers + thumb); fingers
    point up at angle 0; ``hand`` 'left' or 'right' (thumb on the +x side for a left hand)."""
    H = length_mm * ppm
    r = int(H * 0.75)
    cx, cy = int(centre_xy[0]), int(centre_xy[1])
    img = np.zeros((2 * r, 2 * r), np.uint8)
    c = np.array([r, r], float)
    sgn = 1.0 if hand == "left" else -1.0
    palm_c = _rot([[0, 0.12 * H]], angle_deg, c)[0]
    cv2.ellipse(img, tuple(int(v) for v in palm_c), (int(0.25 * H), int(0.29 * H)),
                angle_deg, 0, 360, 255, -1)
    spread = rng.uniform(0.0, 1.0)
    for k, (bx, ln, hw) in enumerate(HAND_DIGITS):
        a = sgn * (bx * 80 * spread) + rng.normal(0, 3)
        base = np.array([sgn * -bx * H, -0.12 * H])
        tip = base + ln * H * rng.uniform(0.9, 1.05) * np.array([np.sin(np.radians(a)), -np.cos(np.radians(a))])
        b, t = _rot([base, tip], angle_deg, c)
        cv2.line(img, tuple(int(v) for v in b), tuple(int(v) for v in t), 255,
                 max(1, int(2 * hw * H)), cv2.LINE_8)
    ta = sgn * rng.uniform(40, 75)
    base = np.array([sgn * 0.2 * H, 0.12 * H])
    tip = base + 0.33 * H * np.array([np.sin(np.radians(ta)), -np.cos(np.radians(ta))])
    b, t = _rot([base, tip], angle_deg, c)
    cv2.line(img, tuple(int(v) for v in b), tuple(int(v) for v in t), 255, max(1, int(0.2 * H)))
    if rng.random() < 0.4:                       # palm hollow left without contact
        hc = _rot([[sgn * 0.05 * H, 0.05 * H]], angle_deg, c)[0]
        cv2.ellipse(img, tuple(int(v) for v in hc), (int(0.08 * H), int(0.1 * H)), angle_deg,
                    0, 360, 0, -1)
    return cx - r, cy - r, img > 0


def _blend(canvas, alpha, x0, y0, colour, opaque=False):
    H, W = canvas.shape[:2]
    ys, xs = np.nonzero(alpha > 0.02)
    if len(xs) == 0:
        return None
    a0, a1 = max(0, -y0), min(alpha.shape[0], H - y0)
    b0, b1 = max(0, -x0), min(alpha.shape[1], W - x0)
    if a1 <= a0 or b1 <= b0:
        return None
    a = alpha[a0:a1, b0:b1, None].astype(np.float32)
    roi = canvas[y0 + a0:y0 + a1, x0 + b0:x0 + b1]
    col = np.asarray(colour, np.float32).reshape(1, 1, -1) if np.ndim(colour) == 1 else colour[a0:a1, b0:b1]
    roi[:] = roi * (1 - a) + col * a if opaque else roi * (1 - a * (1 - col))
    ys, xs = np.nonzero(alpha[a0:a1, b0:b1] > 0.1)
    if len(xs) == 0:
        return None
    return (x0 + b0 + int(xs.min()), y0 + a0 + int(ys.min()), x0 + b0 + int(xs.max()) + 1,
            y0 + a0 + int(ys.max()) + 1)


def _stroke_alpha(img_u8, rng, ppm, crayon):
    a = img_u8.astype(np.float32) / 255.0
    a = cv2.GaussianBlur(a, (0, 0), 0.25 * ppm / 2 + 0.3)
    if crayon:
        tex = cv2.GaussianBlur(rng.random(a.shape).astype(np.float32), (0, 0), 0.5)
        a *= np.clip((tex - 0.25) * 2.5, 0.2, 1.0)
    return a * (0.75 if crayon else 0.7)


def outline(canvas, rng, silhouette, x0, y0, ppm):
    """A pencil or crayon line traced around a foot silhouette (bool crop at x0, y0)."""
    pad = int(12 * ppm)
    q = min(1.0, 3.0 / ppm)                   # shape work at about 3 px per mm
    m = cv2.resize(np.pad(silhouette.astype(np.uint8), pad) * 255, None, fx=q, fy=q,
                   interpolation=cv2.INTER_AREA)
    m = (m > 127).astype(np.uint8)
    k = int(rng.uniform(6, 12) * ppm * q) | 1
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    off = int(rng.uniform(1.0, 5.0) * ppm * q) * 2 + 1
    m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (off, off)))
    cs, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not cs:
        return None
    pts = max(cs, key=len)[:, 0, :].astype(np.float64) / q
    m = np.zeros((silhouette.shape[0] + 2 * pad, silhouette.shape[1] + 2 * pad), np.uint8)
    n = len(pts)
    wob = np.cumsum(rng.normal(0, 0.04 * ppm, (n, 2)), axis=0)
    wob -= np.linspace(0, 1, n)[:, None] * wob[-1]
    pts = pts + cv2.GaussianBlur(wob.astype(np.float32), (1, 0), 9).reshape(n, 2) \
        if n > 20 else pts
    img = np.zeros_like(m)
    crayon = rng.random() < 0.4
    th = max(1, int((rng.uniform(1.2, 2.5) if crayon else rng.uniform(0.3, 0.7)) * ppm))
    gap = int(n * rng.uniform(0.0, 0.12))              # the line is not always closed
    cv2.polylines(img, [pts[gap:].astype(np.int32)], False, 255, th, cv2.LINE_AA)
    col = CRAYONS[int(rng.integers(len(CRAYONS)))] if crayon else PENCIL
    return _blend(canvas, _stroke_alpha(img, rng, ppm, crayon), x0 - pad, y0 - pad, col), \
        "crayon outline" if crayon else "pencil outline"


def doodle(canvas, rng, centre, size_mm, ppm, kind):
    R = size_mm * ppm / 2
    r = int(R * 1.3) + 4
    img = np.zeros((2 * r, 2 * r), np.uint8)
    c = np.array([r, r], float)
    th = max(1, int(rng.uniform(0.8, 2.2) * ppm))
    t = np.linspace(0, 1, 200)
    if kind == "spiral":
        a = t * rng.uniform(3, 5) * 2 * np.pi
        lines = [c + R * t[:, None] * np.stack([np.cos(a), np.sin(a)], 1)]
    elif kind == "sun":
        a = t * 2 * np.pi
        lines = [c + 0.5 * R * np.stack([np.cos(a), np.sin(a)], 1)]
        lines += [np.array([c + 0.65 * R * np.array([np.cos(b), np.sin(b)]),
                            c + R * np.array([np.cos(b), np.sin(b)])]) for b in np.linspace(0, 2 * np.pi, 9)[:-1]]
    elif kind == "flower":
        lines = [c + 0.3 * R * np.array([np.cos(b), np.sin(b)]) * 2 +
                 0.3 * R * np.stack([np.cos(t * 2 * np.pi), np.sin(t * 2 * np.pi)], 1)
                 for b in np.linspace(0, 2 * np.pi, 6)[:-1]]
    elif kind == "zigzag":
        xs = np.linspace(-R, R, 9)
        lines = [c + np.stack([xs, (np.arange(9) % 2 - 0.5) * R * 0.6], 1)]
    elif kind == "cloud":
        a = t * 2 * np.pi
        rr = R * (0.7 + 0.15 * np.abs(np.sin(a * 3.5)))
        lines = [c + np.stack([rr * np.cos(a), 0.6 * rr * np.sin(a)], 1)]
    else:
        p = np.cumsum(rng.normal(0, R * 0.25, (40, 2)), 0)
        p = p - p.mean(0)
        lines = [c + p * (R / max(np.abs(p).max(), 1e-6))]
    for ln in lines:
        cv2.polylines(img, [_rot(ln - c, rng.uniform(0, 360), c).astype(np.int32)], False, 255, th,
                      cv2.LINE_AA)
    col = CRAYONS[int(rng.integers(len(CRAYONS)))]
    return _blend(canvas, _stroke_alpha(img, rng, ppm, True), int(centre[0]) - r,
                  int(centre[1]) - r, col)


def write_text(canvas, rng, centre, height_mm, ppm, text=None):
    """A name and/or a date written at ``centre`` (sheet px)."""
    if text is None:
        name = NAMES[int(rng.integers(len(NAMES)))]
        date = f"{int(rng.integers(1, 29))}.{int(rng.integers(1, 13))}.20{int(rng.integers(15, 27))}"
        text = [name, date, f"{name}  {date}"][int(rng.integers(3))]
    font = FONTS[int(rng.integers(len(FONTS)))]
    hpx = height_mm * ppm
    (tw, thh), _ = cv2.getTextSize(text, font, 1.0, 1)
    scale = hpx / max(thh, 1)
    thick = max(1, int(scale * rng.uniform(1.0, 2.5)))
    (tw, thh), base = cv2.getTextSize(text, font, scale, thick)
    r = int(max(tw, thh) * 0.6) + 6
    img = np.zeros((2 * r, 2 * r), np.uint8)
    cv2.putText(img, text, (r - tw // 2, r + thh // 2), font, scale, 255, thick, cv2.LINE_AA)
    M = cv2.getRotationMatrix2D((r, r), rng.uniform(-12, 12), 1.0)
    img = cv2.warpAffine(img, M, img.shape[::-1])
    crayon = rng.random() < 0.4
    col = CRAYONS[int(rng.integers(len(CRAYONS)))] if rng.random() < 0.6 else PENCIL
    return _blend(canvas, _stroke_alpha(img, rng, ppm, crayon) * 1.2, int(centre[0]) - r,
                  int(centre[1]) - r, col), text


def sticker(canvas, rng, centre, size_mm, ppm, kind):
    R = size_mm * ppm / 2
    r = int(R * 1.25) + 4
    img = np.zeros((2 * r, 2 * r), np.uint8)
    c = np.array([r, r], float)
    a = np.linspace(0, 2 * np.pi, 11)[:-1] + rng.uniform(0, 6.3)
    if kind == "star":
        rad = np.where(np.arange(10) % 2 == 0, R, R * 0.45)
        pts = c + np.stack([rad * np.cos(a), rad * np.sin(a)], 1)
        cv2.fillPoly(img, [pts.astype(np.int32)], 255, cv2.LINE_AA)
    elif kind == "heart":
        t = np.linspace(0, 2 * np.pi, 120)
        x, y = 16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
        pts = _rot(np.stack([x, y], 1) * R / 17, rng.uniform(-30, 30), c)
        cv2.fillPoly(img, [pts.astype(np.int32)], 255, cv2.LINE_AA)
    elif kind == "label":
        pts = _rot([[-R, -R * 0.45], [R, -R * 0.45], [R, R * 0.45], [-R, R * 0.45]], rng.uniform(0, 180), c)
        cv2.fillPoly(img, [pts.astype(np.int32)], 255, cv2.LINE_AA)
    else:
        cv2.circle(img, (r, r), int(R), 255, -1, cv2.LINE_AA)
    alpha = img.astype(np.float32) / 255.0
    col = np.empty(img.shape + (3,), np.float32)
    col[:] = STICKER_COLOURS[int(rng.integers(len(STICKER_COLOURS)))]
    if kind == "smiley":
        face = np.zeros_like(img)
        cv2.circle(face, (int(r - R * 0.35), int(r - R * 0.25)), max(1, int(R * 0.12)), 255, -1)
        cv2.circle(face, (int(r + R * 0.35), int(r - R * 0.25)), max(1, int(R * 0.12)), 255, -1)
        cv2.ellipse(face, (r, r), (int(R * 0.55), int(R * 0.5)), 0, 20, 160, 255, max(1, int(R * 0.1)))
        col[face > 0] = (0.1, 0.1, 0.1)
    hl = np.zeros_like(img)
    cv2.ellipse(hl, (int(r - R * 0.3), int(r - R * 0.4)), (max(1, int(R * 0.3)), max(1, int(R * 0.12))),
                -30, 0, 360, 255, -1)
    col += cv2.GaussianBlur(hl.astype(np.float32) / 255.0, (0, 0), R * 0.1 + 0.5)[..., None] * 0.5
    return _blend(canvas, alpha, int(centre[0]) - r, int(centre[1]) - r, np.clip(col, 0, 1),
                  opaque=True)


def ruler(canvas, rng, x0, y0, length_mm, ppm, vertical):
    """A plastic or wooden ruler with mm ticks and cm numbers (box in sheet px)."""
    w, L = int(rng.uniform(18, 28) * ppm), int(length_mm * ppm)
    img = np.zeros((w, L), np.uint8)
    for mm in range(int(length_mm)):
        x = int((mm + 2) * ppm)
        if x >= L:
            break
        tl = 0.45 if mm % 10 == 0 else (0.3 if mm % 5 == 0 else 0.18)
        cv2.line(img, (x, 0), (x, int(tl * w)), 255, max(1, int(0.2 * ppm)))
        if mm % 10 == 0:
            cv2.putText(img, str(mm // 10), (x + 2, int(0.75 * w)), cv2.FONT_HERSHEY_SIMPLEX,
                        0.018 * w, 255, max(1, int(0.04 * w)))
    body = np.full(img.shape, 1.0, np.float32)
    if vertical:
        img, body = img.T.copy(), body.T.copy()
    col = np.array([(0.35, 0.8, 0.9), (0.55, 0.75, 0.85), (0.85, 0.85, 0.85)][int(rng.integers(3))], np.float32)
    _blend(canvas, body * 0.9, x0, y0, col, opaque=True)
    return _blend(canvas, img.astype(np.float32) / 255.0 * 0.9, x0, y0, (0.1, 0.1, 0.1)) and \
        (x0, y0, x0 + body.shape[1], y0 + body.shape[0])
