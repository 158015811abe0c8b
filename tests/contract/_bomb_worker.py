"""Run readers on compressed bombs under a memory limit (a subprocess of the contract tests).

Usage: ``python -m tests.contract._bomb_worker JOBS.json``; each job is ``[case_id, path]``.
Prints one JSON line per job: ``{"id", "path", "outcome", "message"}`` with outcome
``refused`` (FileFormatError naming the file), ``read`` (a Dataset: the bomb was believed) or
``raised`` (another exception, e.g. MemoryError). ``start`` lines come first so the parent
knows which job was running if the process dies (a native library aborting on allocation).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path

#: Address space the reader may use beyond what the interpreter holds after imports. The
#: bombs expand to 1.5 GiB, so a reader that inflates them whole runs out; a reader with
#: nakit.textio's 256 MiB cap does not.
HEADROOM = 1024 * 2**20


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def main(jobs_file: str) -> None:
    import importlib

    from nakit.errors import FileFormatError
    from tests.contract.registry import BY_ID

    jobs = json.loads(Path(jobs_file).read_text())
    for case_id, _ in jobs:  # import every reader module before the limit is set
        importlib.import_module(f"nakit.{BY_ID[case_id].technique}")
    import xarray  # noqa: F401

    limit = _vm_size() + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    for case_id, path in jobs:
        print(json.dumps({"start": case_id, "path": path}), flush=True)
        t0 = time.perf_counter()
        try:
            BY_ID[case_id].read(Path(path))
            outcome, message = "read", "returned a Dataset"
        except FileFormatError as exc:
            outcome, message = "refused", str(exc)
        except BaseException as exc:  # noqa: BLE001  (MemoryError included: that is the finding)
            outcome = "raised"
            message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-4)}"
        print(json.dumps({"id": case_id, "path": path, "outcome": outcome, "message": message[:2000],
                          "seconds": round(time.perf_counter() - t0, 2)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
