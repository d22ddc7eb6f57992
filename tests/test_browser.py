"""End-to-end: the real Streamlit server driven by Chromium through Playwright.

Starts ``streamlit run app.py`` on 127.0.0.1 (free port, FOOTCOACH_HOME in a temp dir), uploads
a rendered footprint photo, opens every page, asserts what a parent would see, and saves a
screenshot of each page under ``test-artifacts/screenshots/`` (git-ignored). Timings (page
first render, upload to result) are printed and written to ``test-artifacts/timings.json``.

Skips cleanly when /usr/bin/chromium or Playwright is absent (never ``playwright install``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
SHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
NAV = ["Child", "Footprint", "Movement", "Routine", "History", "Report"]

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("footcoach-home")
    port = _free_port()
    env = dict(os.environ, FOOTCOACH_HOME=str(home), PYTHONUNBUFFERED="1")
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+")
    cmd = [str(Path(sys.executable).parent / "streamlit"), "run", "app.py",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url, proc)
        yield {"url": url, "home": home, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.seek(0)
        tail = log.read()[-3000:]
        log.close()
        if "Traceback" in tail:
            print("streamlit log tail:\n", tail)


@pytest.fixture(scope="module")
def playwright():
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def page(server, playwright):
    p = playwright
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    pg.outside = []       # requests that would leave the machine
    pg.failed = []        # local responses with a server error
    pg.on("request", lambda r: pg.outside.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
          else None)
    pg.on("response", lambda r: pg.failed.append((r.url, r.status))
          if r.status >= 500 else None)
    yield pg
    ctx.close()
    browser.close()


def wait_idle(pg, settle: float = 0.4) -> None:
    """Wait until Streamlit has finished running the script (no 'Running' widget)."""
    time.sleep(0.15)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText"
        ".includes('Running')", timeout=90_000)
    time.sleep(settle)


def no_exception_on(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, "a traceback reached the page"


TIMINGS: dict[str, float | str] = {}


def goto(pg, name: str) -> float:
    """Click the page in the sidebar; seconds until the script run has ended (the time until
    the title shows is kept in TIMINGS too)."""
    t0 = time.perf_counter()
    pg.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
    pg.locator("h1", has_text=name).first.wait_for()
    TIMINGS[f"{name.lower()}_title_s"] = round(time.perf_counter() - t0, 2)
    wait_idle(pg, settle=0.0)
    done = round(time.perf_counter() - t0, 2)
    time.sleep(0.4)
    return done


def shot(pg, name: str) -> None:
    """Screenshot of the whole page: Streamlit scrolls inside its main block, so the
    viewport is stretched to the content height first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = pg.evaluate("() => Math.max(...Array.from(document.querySelectorAll("
                         "'[data-testid=\"stMain\"], [data-testid=\"stMainBlockContainer\"]'"
                         ")).map(e => e.scrollHeight), 800)")
    pg.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 6000)})
    time.sleep(0.5)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))
    pg.set_viewport_size({"width": 1400, "height": 1000})


def download_pdf(pg, name: str) -> bytes:
    """Create the PDF on the Report page, download it, keep a copy under test-artifacts/."""
    pg.get_by_role("button", name="Create the PDF report").click()
    pg.get_by_text("Download the PDF report").first.wait_for(timeout=90_000)
    wait_idle(pg)
    with pg.expect_download() as dl:
        pg.get_by_text("Download the PDF report").first.click()
    pdf = Path(dl.value.path()).read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(pdf)
    return pdf


def has(module: str, attr: str) -> bool:
    try:
        mod = __import__(module, fromlist=[attr])
    except Exception:  # noqa: BLE001
        return False
    return hasattr(mod, attr)


def rendered_photo(tmp_path: Path) -> list[Path]:
    """One footprint photo from the project's renderer ([] when it is missing)."""
    if not has("synth.footprint_render", "render_photo"):
        return []
    import cv2

    from synth.footprint_render import RenderSpec, render_photo

    out = tmp_path / "rendered.jpg"
    cv2.imwrite(str(out), render_photo(RenderSpec(long_side_px=1400, seed=5)).image)
    return [out]


def twelve_megapixel(photo: Path, tmp_path: Path) -> Path:
    """The photo resized to 4000 x 3000 (12 MP) JPEG, as a phone would take it."""
    import cv2

    img = cv2.imread(str(photo))
    if img.shape[0] > img.shape[1]:
        size = (3000, 4000)
    else:
        size = (4000, 3000)
    big = cv2.resize(img, size, interpolation=cv2.INTER_CUBIC)
    out = tmp_path / f"{photo.stem}_12mp.jpg"
    cv2.imwrite(str(out), big, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return out


def test_every_page_end_to_end(server, page, tmp_path):
    timings = TIMINGS
    pg = page
    t0 = time.perf_counter()
    pg.goto(server["url"])
    pg.locator("h1", has_text="Footprint").first.wait_for()
    timings["footprint_cold_title_s"] = round(time.perf_counter() - t0, 2)
    wait_idle(pg, settle=0.0)
    timings["footprint_cold_complete_s"] = round(time.perf_counter() - t0, 2)
    no_exception_on(pg)

    from ui.footprint_page import sample_photos

    photos = sample_photos()
    engine = has("vision.footprint", "measure_footprint")
    if engine and photos:
        # first run: the bundled sample is analysed without any upload
        pg.get_by_text("Arch index (Cavanagh & Rodgers)").first.wait_for()
    if engine and not photos:
        photos = rendered_photo(tmp_path)       # until sample_media/footprints lands
    if engine and photos:
        big = twelve_megapixel(photos[0], tmp_path)
        t0 = time.perf_counter()
        pg.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
            str(big))
        pg.get_by_text(f"Analysed print: {big.name}").first.wait_for(timeout=90_000)
        timings["upload_to_result_s"] = round(time.perf_counter() - t0, 2)
        wait_idle(pg, settle=0.1)
        timings["upload_photo"] = big.name
        assert pg.get_by_text("Arch index (Cavanagh & Rodgers)").first.is_visible()
        pg.wait_for_function("() => Array.from(document.querySelectorAll('img'))"
                             ".some(i => i.src.includes('/media/') && i.naturalWidth > 0)")
        assert pg.get_by_text("Routine that fits").first.is_visible()
        no_exception_on(pg)
        shot(pg, "2-footprint")
        pg.get_by_role("button", name="Save to history").click()
        pg.get_by_text("Saved to Demo child's history").first.wait_for()
    else:
        assert pg.get_by_text("not available yet").first.is_visible() or photos == []
        shot(pg, "2-footprint")

    timings["child_s"] = goto(pg, "Child")
    assert pg.get_by_text("Demo child").first.is_visible()
    no_exception_on(pg)
    shot(pg, "1-child")

    timings["movement_s"] = goto(pg, "Movement")
    no_exception_on(pg)
    if has("vision.exercises.squat", "analyse") and any(
            (ROOT / "sample_media" / "traces").glob("squat*.json")):
        pg.get_by_text("Verdict:").first.wait_for()
        pg.get_by_text("Skeleton at").first.wait_for()
        pg.get_by_role("button", name="Save to history").click()
        pg.get_by_text("Saved to this child's history").first.wait_for()
    shot(pg, "3-movement")

    timings["routine_s"] = goto(pg, "Routine")
    no_exception_on(pg)
    assert pg.get_by_text("Safety questions").first.is_visible()
    if has("coach.screening", "QUESTIONS"):
        # the demo child was screened a few days ago: only today's questions, one click
        pg.get_by_text("nothing changed since").first.wait_for()
        pg.get_by_role("button", name="None of these apply today").click()
        pg.get_by_text("Today's routine").first.wait_for()
        shot(pg, "4-routine")
        pg.get_by_role("button", name="Start the routine").click()
        pg.get_by_text("Step 1 of").first.wait_for()
        wait_idle(pg)
        shot(pg, "4b-routine-timer")
        pg.get_by_role("button", name="Stop and log").click()
        wait_idle(pg)
        pg.get_by_role("button", name="Start the routine").wait_for()
    else:
        shot(pg, "4-routine")

    timings["history_s"] = goto(pg, "History")
    no_exception_on(pg)
    if engine and photos:
        pg.locator(".vega-embed").first.wait_for()
    if has("coach.screening", "QUESTIONS"):
        pg.get_by_text("routine", exact=True).first.wait_for()      # the logged session
    shot(pg, "5-history")

    timings["report_s"] = goto(pg, "Report")
    no_exception_on(pg)
    if has("coach.store", "HistoryStore"):
        assert download_pdf(pg, "report.pdf").startswith(b"%PDF-")
    shot(pg, "6-report")

    assert not pg.outside, f"requests left the machine: {pg.outside[:5]}"
    assert not pg.failed, f"server errors: {pg.failed[:5]}"
    ARTIFACTS.mkdir(exist_ok=True)
    timings["footprint_again_s"] = goto(pg, "Footprint")      # warm: cached result
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=2))
    print("timings:", json.dumps(timings, indent=2))
    for key in ("child_s", "movement_s", "routine_s", "history_s", "report_s"):
        assert timings[key] < 10, f"{key} took {timings[key]:.1f} s"


# -- the history a family keeps: one walk through it ------------------------------------------
def fill_date(pg, label: str, day: str) -> None:
    """Type a date into a Streamlit date input (format YYYY-MM-DD or YYYY/MM/DD), key by
    key as a person would, and wait until the app has it.

    Streamlit >= 1.6x draws the date as a segmented field (year / month / day spinbuttons);
    its only <input> is a hidden native one pinned at the page's top-left corner (under the
    sidebar), which a person cannot click. So focus the first visible segment and type the
    digits: each full segment moves on to the next one. Older Streamlit had a masked text
    <input>, typed the same way."""
    widget = pg.locator('[data-testid="stDateInput"]', has_text=label).first
    widget.scroll_into_view_if_needed()
    want = "".join(ch for ch in day if ch.isdigit())
    segmented = widget.locator('[data-testid="stDateInputField"]').count() > 0
    if segmented:
        field = widget.get_by_role("group").first
        first = widget.get_by_role("spinbutton").first
        shown = field.inner_text
    else:
        box = widget.locator("input")
        shown = box.input_value
    for _ in range(3):
        if segmented:
            first.click()
            pg.keyboard.type(want, delay=30)
            pg.keyboard.press("Tab")             # leave the field: the date is committed
        else:
            box.click()
            box.press("Control+a")
            box.press("Backspace")
            box.press_sequentially(day, delay=30)
            box.press("Enter")
            pg.keyboard.press("Escape")
        wait_idle(pg)
        if "".join(ch for ch in shown() if ch.isdigit()) == want:
            return
    raise AssertionError(f"could not type {day} into {label!r} (shows {shown()!r})")


def choose(pg, label: str, option: str) -> None:
    """Pick ``option`` (a substring of its text) in the Streamlit selectbox ``label``."""
    box = pg.locator('[data-testid="stSelectbox"]', has_text=label).first
    box.scroll_into_view_if_needed()
    box.get_by_role("combobox").first.click()
    pg.get_by_role("option").filter(has_text=option).first.click()
    wait_idle(pg)


def upload(pg, path: Path) -> None:
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(path))
    pg.get_by_text(f"Analysed print: {path.name}").first.wait_for(timeout=90_000)
    wait_idle(pg)


def pdf_text(pdf: bytes) -> str | None:
    """The PDF's text through poppler's pdftotext when the system has it, else None."""
    tool = Path("/usr/bin/pdftotext")
    if not tool.exists():
        return None
    out = subprocess.run([str(tool), "-layout", "-", "-"], input=pdf, capture_output=True,
                         timeout=60, check=True)
    return out.stdout.decode("utf-8", "replace")


def two_prints(tmp_path: Path) -> tuple[Path, Path]:
    """Two footprint photos of our own (re-encoded from the bundled ones, so they are not
    the samples themselves)."""
    import cv2

    from ui.footprint_page import sample_photos

    photos = [p for p in sample_photos() if "two_feet" in p.name or "kraft" in p.name]
    if len(photos) < 2:
        pytest.skip("two bundled footprint photos are needed")
    out = []
    for i, src in enumerate(photos[:2]):
        dst = tmp_path / f"print_{'ab'[i]}.jpg"
        cv2.imwrite(str(dst), cv2.imread(str(src)), [cv2.IMWRITE_JPEG_QUALITY, 93])
        out.append(dst)
    return out[0], out[1]


def test_history_walk(server, page, tmp_path):
    try:
        _history_walk(server, page, tmp_path)
    except Exception:
        shot(page, "7-failed-here")      # what the page showed when a step failed
        raise


def _history_walk(server, page, tmp_path):
    """Add a child, upload a print with a date taken, save, try to save it again (refused),
    edit the date, compare with an older print, delete one, screen three times, download the
    PDF and check its latest screening and its numbers; reload keeps the child."""
    from coach.store import HistoryStore
    from vision.footprint.reading import read_foot

    pg, url = page, server["url"]
    newer, older = two_prints(tmp_path)
    pg.goto(f"{url}/child")                                  # a deep link
    pg.locator("h1", has_text="Child").first.wait_for()
    wait_idle(pg)
    pg.get_by_label("Alias (nickname or initials)").fill("Lina")
    fill_date(pg, "Birth date", "2021/05/17")
    pg.get_by_role("button", name="Add child").click()
    pg.get_by_text("Child added and selected").first.wait_for()
    wait_idle(pg)
    assert "child=" in pg.url
    child_id = pg.url.split("child=")[1].split("&")[0]
    pg.reload()                                              # the child survives a reload
    pg.get_by_text("Child: Lina").first.wait_for()
    pg.get_by_text("2021-05-17").first.wait_for()            # the typed birth date was kept
    shot(pg, "7a-child-added")

    pg.goto(f"{url}/footprint?child={child_id}")
    pg.locator("h1", has_text="Footprint").first.wait_for()
    wait_idle(pg)
    fill_date(pg, "Day the print was taken", "2025-06-01")
    upload(pg, newer)
    pg.get_by_label("Notes (optional)").fill("after the park")
    pg.get_by_role("button", name="Save to history").click()
    pg.get_by_text("Saved to Lina's history (print taken on 2025-06-01)").first.wait_for()
    shot(pg, "7b-footprint-saved")
    pg.reload()                                              # later: the same photo again
    pg.locator("h1", has_text="Footprint").first.wait_for()
    wait_idle(pg)
    upload(pg, newer)
    pg.get_by_text("already in Lina's history (the print taken on 2025-06-01)").first.wait_for()
    assert pg.get_by_role("button", name="Save to history").count() == 0
    shot(pg, "7c-footprint-refused")
    fill_date(pg, "Day the print was taken", "2024-09-15")
    upload(pg, older)
    pg.get_by_role("button", name="Save to history").click()
    pg.get_by_text("Saved to Lina's history (print taken on 2024-09-15)").first.wait_for()

    pg.goto(f"{url}/history?child={child_id}")
    pg.locator("h1", has_text="History").first.wait_for()
    wait_idle(pg)
    pg.get_by_text("Child: Lina").first.wait_for()
    pg.get_by_text("Edit the measurement of 2025-06-01").click()
    fill_date(pg, "Day the print was taken", "2025-07-01")
    pg.get_by_role("button", name="Save changes").click()
    pg.get_by_text("Saved: the print is now dated 2025-07-01").first.wait_for()
    wait_idle(pg)
    pg.get_by_text("Compare two days").first.scroll_into_view_if_needed()
    pg.get_by_text("10 months apart").first.wait_for()
    wait_idle(pg)
    main = pg.locator('[data-testid="stMain"]').inner_text()
    assert "Print taken on 2024-09-15" in main and "Print taken on 2025-07-01" in main
    assert "2025-06-01" not in main                      # no stale day anywhere
    for label in ("Earlier print", "Later print", "Edit or delete a measurement"):
        shown = pg.locator('[data-testid="stSelectbox"]', has_text=label).first.inner_text()
        assert "2025-06-01" not in shown, (label, shown)
    shot(pg, "7d-history-compare")
    choose(pg, "Edit or delete a measurement", "2024-09-15")
    pg.get_by_text("Delete the measurement of 2024-09-15").click()
    pg.get_by_text("Yes, delete this measurement").click()
    wait_idle(pg)
    pg.get_by_role("button", name="Delete this measurement").click()
    pg.get_by_text("The measurement of 2024-09-15 was deleted").first.wait_for()
    wait_idle(pg)
    shown = pg.locator('[data-testid="stSelectbox"]', has_text="Edit or delete").first
    assert "2024-09-15" not in shown.inner_text()            # no stale day in the picker
    shot(pg, "7e-history-deleted")

    pg.goto(f"{url}/routine?child={child_id}")               # screen: ok, fever, ok again
    pg.locator("h1", has_text="Routine").first.wait_for()
    wait_idle(pg)
    pg.get_by_role("button", name="None of these apply").click()
    pg.get_by_text("Today's routine").first.wait_for()
    for answer_fever in (True, False):
        pg.get_by_role("button", name="Answer again").click()
        pg.get_by_role("button", name="Save these answers").wait_for()
        wait_idle(pg, settle=1.0)          # the questions are drawn afresh: answer after that
        if answer_fever:
            radios = pg.locator('[data-testid="stRadio"]')
            for _ in range(3):
                for radio in radios.all():
                    if radio.locator("input:checked").count():
                        continue
                    answer = "Yes" if "fever" in radio.inner_text() else "No"
                    radio.get_by_text(answer, exact=True).click()
                if pg.locator('[data-testid="stRadio"] input:checked').count() == radios.count():
                    break
                time.sleep(0.5)
            pg.get_by_role("button", name="Save these answers").click()
            pg.get_by_text("Routine postponed").first.wait_for()
        else:
            pg.get_by_role("button", name="None of these apply today").click()
            pg.get_by_text("Today's routine").first.wait_for()
    shot(pg, "7f-routine")

    pg.goto(f"{url}/report?child={child_id}")
    pg.locator("h1", has_text="Report").first.wait_for()
    wait_idle(pg)
    pdf = download_pdf(pg, "report-lina.pdf")
    shot(pg, "7g-report")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    store = HistoryStore(Path(server["home"]) / "history.db")
    (kept,) = store.measurements(int(child_id))
    assert kept.taken_on.isoformat() == "2025-07-01" and kept.notes == "after the park"
    screenings = store.screening_history(int(child_id))
    assert [s.status for s in screenings] == ["ok", "postpone", "ok"]
    text = pdf_text(pdf)
    if text is None:            # no text tool here: the structure was checked above
        return
    latest = next(line for line in text.splitlines() if "latest screening" in line.lower())
    today = time.strftime("%Y-%m-%d")
    assert today in latest and "fever" not in latest.lower() and "postpone" not in latest
    assert "2025-07-01" in text and "2024-09-15" not in text
    for foot in kept.feet:
        reading = read_foot(foot, kept.age_months)
        assert reading.value_text("staheli_index") in text, foot.side
    assert not pg.outside, f"requests left the machine: {pg.outside[:5]}"


def test_deep_links_and_phone_width(server, playwright):
    """Every page opens from its own address, and on a phone-width screen the selected
    child is named in the main area (the sidebar is folded away there)."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.set_default_timeout(60_000)
    for path, title in (("child", "Child"), ("footprint", "Footprint"),
                        ("movement", "Movement"), ("routine", "Routine"),
                        ("history", "History"), ("report", "Report")):
        pg.goto(f"{server['url']}/{path}")
        pg.locator("h1", has_text=title).first.wait_for()
        wait_idle(pg)
        assert pg.get_by_text("Page not found").count() == 0, path
        main = pg.locator('[data-testid="stMain"]')
        assert main.get_by_text("Child:").first.is_visible(), path
        assert f"/{path}" in pg.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "8-phone-report.png"))
    pg.goto(f"{server['url']}/history")
    pg.locator("h1", has_text="History").first.wait_for()
    wait_idle(pg)
    pg.screenshot(path=str(SHOTS / "8-phone-history.png"), full_page=True)
    browser.close()


def test_live_webcam_round_trip(server, playwright):
    """Chromium's fake camera -> local WebRTC (no ICE servers) -> PoseTracker + LiveCoach ->
    frames drawn and sent back to the page."""
    if not (has("vision.exercises.live", "LiveCoach") and has("vision.pose.estimator",
                                                              "PoseTracker")):
        pytest.skip("live coaching engines not available yet")
    args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    p = playwright
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = []
    pg.on("request", lambda r: outside.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
          else None)
    pg.goto(f"{server['url']}/movement")
    pg.locator("h1", has_text="Movement").first.wait_for(timeout=60_000)
    wait_idle(pg)
    pg.get_by_text("Live webcam").click()
    wait_idle(pg)
    frame = pg.frame_locator('iframe[title*="webrtc"]').first
    frame.get_by_role("button", name="START").click(timeout=60_000)
    t0 = time.perf_counter()
    state = None
    while time.perf_counter() - t0 < 120:     # model load + WebRTC set-up; slow when CI is loaded
        state = frame.locator("video").first.evaluate(
            "v => [v.videoWidth, v.readyState, v.currentTime]")
        if state[0] > 0 and state[2] > 1.0:
            break
        time.sleep(0.5)
    assert state and state[0] > 0 and state[2] > 1.0, f"no processed video: {state}"
    time.sleep(1.0)
    shot(pg, "3b-movement-live")
    no_exception_on(pg)
    frame.get_by_role("button", name="STOP").click()
    _camera_photo(pg, server)
    browser.close()
    assert not outside, f"requests left the machine: {outside[:5]}"


def _camera_photo(pg, server) -> None:
    """st.camera_input with the fake camera (a test pattern, no footprint): a plain message,
    never a traceback."""
    if not has("vision.footprint", "measure_footprint"):
        return
    pg.goto(server["url"])
    pg.locator("h1", has_text="Footprint").first.wait_for(timeout=60_000)
    wait_idle(pg)
    pg.get_by_role("tab", name="Take a photo").click()
    pg.get_by_text("Turn on the camera").click()
    wait_idle(pg)
    pg.get_by_role("button", name="Take Photo").click(timeout=30_000)
    pg.get_by_text("Analysed print: camera photo").or_(
        pg.get_by_text("no footprint could be measured")).first.wait_for(timeout=60_000)
    wait_idle(pg)
    no_exception_on(pg)
    shot(pg, "2b-footprint-camera")


@pytest.mark.realdata
def test_video_upload_plays_annotated(server, page, shared_data):
    """A real walking clip: progress bar, verdict, and an annotated video the browser plays."""
    clip = shared_data / "videos" / "walk_side_barefoot_01.mp4"
    if not (clip.is_file() and has("vision.pose.tracking", "track_video")):
        pytest.skip("clip or tracking engine missing")
    pg = page
    goto(pg, "Movement")
    pg.locator('[data-testid="stSelectbox"]').first.click()
    pg.get_by_role("option", name="Walking (no tiptoe)").click()
    wait_idle(pg)
    pg.get_by_text("Upload a video").click()
    wait_idle(pg)
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(clip))
    pg.get_by_role("button", name="Analyse video").click()
    t0 = time.perf_counter()
    pg.get_by_text("Verdict:").first.wait_for(timeout=120_000)
    TIMINGS["video_124_frames_s"] = round(time.perf_counter() - t0, 2)
    wait_idle(pg)
    pg.wait_for_function("() => Array.from(document.querySelectorAll('video'))"
                         ".some(v => v.readyState >= 2 && v.videoWidth > 0)", timeout=30_000)
    no_exception_on(pg)
    shot(pg, "3c-movement-video")
    assert not pg.failed, f"server errors: {pg.failed[:5]}"
    (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2))
