"""Is it a print on paper (vision.footprint.source): a light print on dark paper."""

from __future__ import annotations

import numpy as np

from vision.footprint.source import source_check


def _light_print_on_dark() -> tuple[np.ndarray, np.ndarray]:
    """A pale blue foot-sized blob (HSV saturation ~0.3) on a near-black picture."""
    image = np.full((400, 300, 3), 30, np.uint8)
    fg = np.zeros((400, 300), bool)
    yy, xx = np.mgrid[:400, :300]
    fg[((yy - 200) / 150.0) ** 2 + ((xx - 150) / 60.0) ** 2 <= 1] = True
    image[fg] = (220, 200, 150)                          # BGR: light, bluish
    return image, fg


def test_a_light_coloured_print_on_black_without_a_sheet_is_a_scanner_capture():
    image, fg = _light_print_on_dark()
    check = source_check(image, fg, polarity="light_on_dark", sheet_found=False)
    assert check.kind == "podoscope_scan"


def test_a_light_print_on_a_dark_sheet_in_view_is_a_paper_print():
    image, fg = _light_print_on_dark()
    check = source_check(image, fg, polarity="light_on_dark", sheet_found=True)
    assert check.kind == "paper_print"
