"""Notebook 04's per-cycle table: a hysteresis that is zero within rounding reads 0, not -5.12411e-17 V."""

import json

import pytest

from nakit.paths import notebooks_dir

pytestmark = pytest.mark.notebooks


def test_voltages_are_shown_to_the_microvolt(tmp_path):
    from nakit.runner import execute

    rows, t = [], 0.0
    for _ in range(5):  # a symmetric record: every charge the mirror of its discharge
        for sign, v0, v1 in ((-1, 2.5, 1.2), (1, 1.2, 2.5)):
            for k in range(3):
                rows.append((t, v0 + (v1 - v0) * k / 2, 0.1 * sign))
                t += 1800
    path = tmp_path / "sparse.csv"
    path.write_text("time/s,voltage/V,current/mA\n" + "".join(f"{a:g},{b:.4f},{c:g}\n" for a, b, c in rows),
                    encoding="utf-8")
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "out",
                     {"samples": [{"label": "sparse", "file": str(path), "active_mass_mg": 1.0}]})
    assert result.ok, result.error
    nb = json.loads(result.executed.read_text(encoding="utf-8"))
    tables = ["".join(o["data"]["text/plain"]) for c in nb["cells"] for o in c.get("outputs", [])
              if "text/plain" in o.get("data", {}) and "hysteresis (V)" in "".join(o["data"]["text/plain"])]
    retention = "retention (% of cycle 1's charge)"  # the cell opens with a discharge: retention follows its charge
    (table,) = [t for t in tables if retention in t]
    assert "e-1" not in table and "e-0" not in table
    block = table.split("hysteresis (V)")[1].split(retention)[0]  # (pandas wraps a wide table)
    rows = [line.split() for line in block.splitlines() if line[:1].isdigit()]
    assert rows == [[str(c), "100", "1.850", "0"] for c in range(1, 6)], table  # cycle, CE, average V (report.fmt: 4 figures), hysteresis
