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
        pg.get_by_text("Saved to this child's history").first.wait_for()
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
        from coach.screening import QUESTIONS

        for i in range(len(QUESTIONS)):
            pg.locator('[data-testid="stRadio"]').nth(i).get_by_text("No", exact=True).click()
            wait_idle(pg, settle=0.1)
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
        pg.get_by_role("button", name="Create the PDF report").click()
        pg.get_by_text("Download the PDF report").first.wait_for(timeout=90_000)
        wait_idle(pg)
        with pg.expect_download() as dl:
            pg.get_by_text("Download the PDF report").first.click()
        pdf = Path(dl.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF-")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "report.pdf").write_bytes(pdf)
    shot(pg, "6-report")

    assert not pg.outside, f"requests left the machine: {pg.outside[:5]}"
    assert not pg.failed, f"server errors: {pg.failed[:5]}"
    ARTIFACTS.mkdir(exist_ok=True)
    timings["footprint_again_s"] = goto(pg, "Footprint")      # warm: cached result
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=2))
    print("timings:", json.dumps(timings, indent=2))
    for key in ("child_s", "movement_s", "routine_s", "history_s", "report_s"):
        assert timings[key] < 10, f"{key} took {timings[key]:.1f} s"


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
    while time.perf_counter() - t0 < 45:
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
        pg.get_by_text("No footprint could be measured")).first.wait_for(timeout=60_000)
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
