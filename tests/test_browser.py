"""The reports and JupyterLab in a real browser (issue #16).

Playwright drives the system Chromium (``/usr/bin/chromium``, or ``chromium`` on the PATH;
never a browser Playwright would download). Skipped with the reason when either is absent.

- The reproduction's ``index.html`` and every technique report, opened as ``file://`` pages:
  every ``<img>`` loads (``naturalWidth > 0``) and nothing overflows the page sideways
  (``scrollWidth <= innerWidth + 1``), at a desktop and a narrow window width.
- JupyterLab, started on 127.0.0.1 (a free port, a token, no browser of its own) on a copy of
  the project's notebooks: notebook 00 is opened, run with "Run All Cells" through the
  application's command registry, saved, and its outputs hold no error.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from nakit.paths import notebooks_dir

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: window widths checked for sideways overflow: a laptop and a narrow (tablet/split-screen) window
WIDTHS = (1280, 800)
NOTEBOOK = "00_synthesis_stoichiometry.ipynb"


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    executable = _chromium()
    if executable is None:
        pytest.skip("no system Chromium (/usr/bin/chromium); .ci/run installs it where apt-get is available")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


# what the page reports: images that did not load, and elements sticking out past the window
_CHECK_PAGE = """async () => {
    const images = Array.from(document.images);
    for (const img of images) img.loading = "eager";   // lazy thumbnails load now
    await Promise.all(images.map(img => img.complete ? null :
        new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
    const broken = images.filter(img => !(img.naturalWidth > 0))
                         .map(img => (img.getAttribute("src") || "").slice(0, 80));
    const width = window.innerWidth;
    const wide = Array.from(document.body.querySelectorAll("*"))
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .filter(el => !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1))
        .slice(0, 10)
        .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "")
                   + " (right edge " + Math.round(el.getBoundingClientRect().right) + " px): "
                   + (el.textContent || "").trim().slice(0, 60));
    return {images: images.length, broken: broken, scrollWidth: document.scrollingElement.scrollWidth,
            innerWidth: width, wide: wide};
}"""


def _pages(reproduction: Path, which: str) -> list[Path]:
    """The index, or every technique report (``<notebook>/<notebook>.html``) of the reproduction."""
    if which == "index":
        return [reproduction / "index.html"]
    return sorted(p for p in reproduction.glob("*/*.html") if p.stem == p.parent.name)


@pytest.mark.notebooks
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["index", "reports"])
def test_pages_load_every_image_and_fit_the_window(browser, reproduction, which, width):
    pages = _pages(reproduction, which)
    assert pages and all(p.is_file() for p in pages), f"missing pages: {pages}"
    assert which == "index" or (reproduction / "02_bet_bjh" / "02_bet_bjh.html") in pages
    problems = []
    for path in pages:
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(path.as_uri(), wait_until="load")
            result = page.evaluate(_CHECK_PAGE)
        finally:
            page.close()
        name = str(path.relative_to(reproduction))
        if result["images"] == 0 and which == "index":
            problems.append(f"{name} shows no image")
        if result["broken"]:
            problems.append(f"{name}: images that did not load: {result['broken']}")
        if result["scrollWidth"] > result["innerWidth"] + 1:
            # the elements reaching past the window (inside scrolling boxes they do no harm)
            problems.append(f"{name} at {width} px overflows sideways ({result['scrollWidth']} px wide): "
                            f"{result['wide']}")
    assert not problems, "\n".join(problems)


# -- JupyterLab ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on a copy of the notebooks, on 127.0.0.1 with a token; yields (url, token, folder)."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (notebooks extra)")
    root = tmp_path_factory.mktemp("lab")
    folder = root / "notebooks"
    shutil.copytree(notebooks_dir(), folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # the notebooks ask for the kernel "nakit": make it this interpreter, whatever is installed elsewhere
    kernel = root / "jupyter-path" / "kernels" / "nakit"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (nakit)", "language": "python"}), encoding="utf-8")
    env = {**os.environ, "JUPYTER_PATH": str(root / "jupyter-path"), "JUPYTER_CONFIG_DIR": str(root / "config"),
           "JUPYTER_RUNTIME_DIR": str(root / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces")}
    env.pop("MPLBACKEND", None)  # the kernel picks its inline backend itself
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "lab.log", "w", encoding="utf-8")
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--MappingKernelManager.default_kernel_name=nakit",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],  # CI runs as root
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if lab.poll() is not None:
                pytest.fail(f"JupyterLab exited ({lab.returncode}):\n{(root / 'lab.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 120 s:\n{(root / 'lab.log').read_text()[-3000:]}")
            time.sleep(1)
        yield url, token, folder
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
        log.close()


# in the page: the open notebook's kernel state and, per code cell, its execution count and error outputs
_NOTEBOOK_STATE = """() => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    if (!panel || !panel.content || !panel.sessionContext) return null;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = panel.content.widgets.filter(c => c.model.type === "code").map(c => {
        const outputs = c.model.outputs.toJSON();
        return {count: c.model.executionCount,
                errors: outputs.filter(o => o.output_type === "error").map(o => o.ename + ": " + o.evalue)};
    });
    return {kernel: kernel ? kernel.status : "none", kernelName: kernel ? kernel.name : "",
            dirty: panel.context.model.dirty, cells: cells};
}"""


@pytest.mark.notebooks
def test_notebook_runs_in_jupyterlab(browser, jupyterlab):
    url, token, folder = jupyterlab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}", wait_until="domcontentloaded", timeout=120_000)
        # the notebook is open and its kernel ("nakit", this interpreter) is up and idle
        page.wait_for_function(f"() => {{ const s = ({_NOTEBOOK_STATE})(); "
                               "return s && s.kernel === 'idle' && s.cells.length > 0; }",
                               timeout=180_000, polling=500)
        before = page.evaluate(_NOTEBOOK_STATE)
        assert before["kernelName"] == "nakit"
        assert all(c["count"] is None for c in before["cells"]), "the committed notebook has outputs"
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(f"() => {{ const s = ({_NOTEBOOK_STATE})(); "
                               "return s && s.kernel === 'idle' && (s.cells.every(c => c.count !== null) "
                               "|| s.cells.some(c => c.errors.length > 0)); }",  # run-all stops at an error
                               timeout=300_000, polling=1000)
        state = page.evaluate(_NOTEBOOK_STATE)
        errors = [e for c in state["cells"] for e in c["errors"]]
        assert not errors, f"{NOTEBOOK} raised in JupyterLab: {errors}"
        counts = [c["count"] for c in state["cells"]]
        assert counts == list(range(1, len(counts) + 1)), f"cells ran out of order or not at all: {counts}"
        # what the UI shows: rendered outputs and no error box
        assert page.locator(".jp-OutputArea-output").count() > 0
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] "
                            ":text('Traceback')").count() == 0
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function(f"() => !({_NOTEBOOK_STATE})().dirty", timeout=60_000)
    finally:
        page.close()
    # the file JupyterLab saved: every code cell executed, no error output, a figure among the outputs
    saved = json.loads((folder / NOTEBOOK).read_text(encoding="utf-8"))
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code)
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for c in code for o in c["outputs"]), "no figure was drawn"
