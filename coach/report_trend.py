"""The PDF's "Indices by age" charts: each index against age over the bands of each age.

Drawn with fpdf primitives on the report's page (units mm). The shaded rectangles are
:func:`vision.footprint.bands.chart_bands` (the one band file), so the colour under a point is
the label :func:`vision.footprint.reading.read_foot` gives that print at that age; grey marks
the ages where no band applies (under 3 years, 16 to 18 years).
"""

from __future__ import annotations

from vision.footprint.bands import chart_bands

BAND_COLOURS = {"high": (198, 219, 239), "normal": (199, 233, 192), "flat": (253, 208, 162)}
NO_LABEL_GREY = (215, 215, 215)
#: Index axes of the trend charts: (metric, title, top of the axis, tick step, digits)
TREND_AXES = (("arch_index", "Arch index", 0.45, 0.1, 1),
              ("staheli_index", "Staheli index", 2.0, 0.5, 1),
              ("chippaux_smirak_index", "Chippaux-Smirak index (%)", 100.0, 25.0, 0))
TREND_H_MM = 42                # height of one trend chart


def draw_trend(pdf, entries) -> None:
    """Each index against age over the bands that apply at each age (grey: no label)."""
    pdf.heading("Indices by age", keep=TREND_H_MM + 20)
    if not entries:
        pdf.para("No data yet.")
        return
    ages = [e.age_months for e in entries]
    a_lo, a_hi = max(0.0, min(ages) - 6), max(ages) + 6
    if a_hi - a_lo < 24:
        a_hi = a_lo + 24
    for metric, title, y_hi, tick, digits in TREND_AXES:
        pts = [(e.age_months, getattr(e, metric), e.side) for e in entries
               if getattr(e, metric) is not None]
        if pts:
            _trend_panel(pdf, metric, title, pts, (a_lo, a_hi), (y_hi, tick, digits))
    pdf.para("Shaded: the bands that apply at each age (colour = the label a print there "
             "gets: blue high arch, green normal, orange flat); grey: no band applies (under "
             "3 years the fat pad fills the arch, trend only; 16 to 18 years no source). "
             "Children's bands are on the Staheli and Chippaux-Smirak indices, the adult "
             "bands on the arch index.", size=8)


def _trend_panel(pdf, metric, title, pts, span, axis) -> None:
    (a_lo, a_hi), (y_hi, tick, digits) = span, axis
    if pdf.get_y() > pdf.h - pdf.b_margin - TREND_H_MM - 14:
        pdf.add_page()
    x0, y0, w, h = pdf.l_margin + 14, pdf.get_y() + 6, 150, TREND_H_MM

    def px(age):
        return x0 + (min(max(age, a_lo), a_hi) - a_lo) / (a_hi - a_lo) * w

    def py(v):
        return y0 + h - min(max(v, 0.0), y_hi) / y_hi * h

    pdf.set_font(pdf.family_name, "B", 8)
    pdf.text(x0, y0 - 1.5, pdf.txt(title))
    pdf.set_fill_color(*NO_LABEL_GREY)
    pdf.rect(x0, y0, w, h, style="F")
    for r in chart_bands(metric, a_lo, a_hi, y_max=y_hi):
        pdf.set_fill_color(*BAND_COLOURS[r.category])
        pdf.rect(px(r.from_months), py(r.hi), px(r.to_months) - px(r.from_months),
                 py(r.lo) - py(r.hi), style="F")
    pdf.set_draw_color(90)
    pdf.rect(x0, y0, w, h)
    pdf.set_font(pdf.family_name, "", 7)
    v = 0.0
    while v <= y_hi + 1e-9:
        pdf.text(x0 - 9, py(v) + 1, f"{v:.{digits}f}")
        v += tick
    step = 12 if a_hi - a_lo > 30 else 6
    if a_hi - a_lo > 150:
        step = 24
    for age in range(int(a_lo // step * step + step), int(a_hi) + 1, step):
        pdf.text(px(age) - 2, y0 + h + 3.5, str(age))
    pdf.text(x0 + w + 1.5, y0 + h + 3.5, pdf.txt("age (months)"))
    for side, colour in (("left", (31, 119, 180)), ("right", (214, 39, 40))):
        line = sorted((a, v) for a, v, s in pts if s == side)
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        for (a1, v1), (a2, v2) in zip(line, line[1:], strict=False):
            pdf.line(px(a1), py(v1), px(a2), py(v2))
        for a, v in line:
            pdf.ellipse(px(a) - 1.1, py(v) - 1.1, 2.2, 2.2, style="F")
        if line:
            pdf.set_text_color(*colour)
            pdf.text(x0 + w + 1.5, y0 + h - (9 if side == "left" else 4), side)
            pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.set_fill_color(255)
    pdf.set_font(pdf.family_name, "", 10)
    pdf.set_y(y0 + h + 6)
