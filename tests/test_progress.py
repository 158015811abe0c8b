"""Progress lines of a batch: what started, what is running, what finished."""

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from nakit.batch.engine import Job, JobResult, Progress, _Watch


def _jobs(n):
    return [Job(f"nb{i}", "x.ipynb", f"out{i}", {}) for i in range(n)]


def test_watch_reports_starts_up_to_the_worker_count_and_running_jobs():
    buf = io.StringIO()
    progress = Progress(stream=buf, every=0.6)
    jobs = _jobs(3)
    release = threading.Event()
    with ThreadPoolExecutor(max_workers=3) as pool:  # three running futures, but only two "slots"
        futures = {pool.submit(release.wait, 5): i for i in range(3)}
        with _Watch(progress, jobs) as watch:
            watch.slots, watch.futures = 2, futures
            time.sleep(1.5)
            text = buf.getvalue()
            watch.end(0)
            time.sleep(1.0)
        release.set()
    assert text.count("start ") == 2 and "start nb0" in text and "start nb1" in text
    assert "running: nb0" in text and "1 waiting" in text
    assert "start nb2" in buf.getvalue()  # a slot freed


def test_progress_lines_name_status_and_report():
    buf = io.StringIO()
    Progress(stream=buf, verbose=True)(2, 10, JobResult("02_bet_bjh", "o", "failed", 3.21, "boom", "o/r.html"))
    assert buf.getvalue() == "[ 2/10] FAIL 02_bet_bjh (3.2 s) -> o/r.html\n"
    buf = io.StringIO()
    Progress(stream=buf)(1, 1, JobResult("a", "o", "ran", 1.0, html="o/a.html"))
    assert buf.getvalue() == "[1/1] ok   a (1.0 s)\n"


def test_quiet_and_verbose_flags(monkeypatch):
    from nakit import cli

    monkeypatch.delenv("NAKIT_VERBOSITY", raising=False)
    assert isinstance(Progress.from_environment(), Progress)
    cli._set_verbosity(0)
    assert Progress.from_environment() is None
    cli._set_verbosity(2)
    assert Progress.from_environment().verbose
    assert cli.build_parser().parse_args(["-q", "params", "x"]).verbosity == 0
    assert cli.build_parser().parse_args(["-v", "params", "x"]).verbosity == 2
