"""Notebook 04's cycling performance figure: every marker inside its frame, none hidden under another panel's.

The audit's study drew the Coulombic efficiency on a twin of the capacity axes: HC-02's first-cycle
83.5 % (the lowest efficiency) and GCPL's 0.028 mAh/g (the lowest capacity) both sat at the same
height above the floor, the efficiency's square under the capacity's dot. The efficiency now has a
panel of its own. Read from the saved SVG: each axes' frame (its background patch) and the data
markers drawn in it (the clipped ``<use>`` elements).
"""

import re
import xml.etree.ElementTree as ET

import pytest

from tests.peer import peer_file

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
#: half a marker (3.5 pt, 200/72 px per pt in the PNG; points in the SVG): a centre this far inside shows whole
HALF_MARKER_PT = 1.75


def _frames_and_markers(svg_path):
    """Per axes group of the SVG: its frame (x0, y0, x1, y1) or None, and its data markers' centres."""
    root = ET.parse(svg_path).getroot()
    out = []
    for g in root.iter(f"{SVG}g"):
        if not (g.get("id") or "").startswith("axes_"):
            continue
        frame = None
        patch = next((p for p in g.iter(f"{SVG}g") if (p.get("id") or "").startswith("patch_")), None)
        path = None if patch is None else patch.find(f"{SVG}path")
        if path is not None:
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d*)?(?:e-?\d+)?", path.get("d"))]
            xs, ys = numbers[0::2], numbers[1::2]
            frame = (min(xs), min(ys), max(xs), max(ys))
        markers = [(float(u.get("x")), float(u.get("y")))
                   for clipped in g.iter(f"{SVG}g") if clipped.get("clip-path")
                   for u in clipped.iter(f"{SVG}use")]
        out.append((g.get("id"), frame, markers))
    return out


def _run(tmp_path, samples):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "out",
                     {"samples": samples, "plateau_window": None}, html=False)
    assert result.ok, result.error
    return _frames_and_markers(tmp_path / "out" / "figures" / "cycling_performance.svg")


def _check(panels):
    assert len(panels) == 2, f"expected a capacity and an efficiency panel, found {[p[0] for p in panels]}"
    for name, frame, markers in panels:
        assert frame is not None, f"{name} has no frame of its own (a twin drawn over the capacity axes)"
        assert markers, name
        x0, y0, x1, y1 = frame
        for x, y in markers:
            assert x0 + HALF_MARKER_PT <= x <= x1 - HALF_MARKER_PT and y0 + HALF_MARKER_PT <= y <= y1 - HALF_MARKER_PT, \
                f"{name}: marker at ({x}, {y}) not inside its frame {frame}"
    (_, a, _), (_, b, _) = panels
    assert a[3] <= b[1] or b[3] <= a[1], f"the panels overlap: {a} and {b}"  # no marker can hide another panel's


@pytest.mark.notebooks
def test_the_audits_lowest_efficiency_and_lowest_capacity_each_show(tmp_path):
    samples = [
        {"label": "HC-01 (LAND)", "file": str(peer_file("echem", "cellpy", "custom_data_002.xlsx"))},
        {"label": "HC-02 Neware", "file": str(peer_file("echem", "cellpy", "neware_uio.csv")), "active_mass_mg": 5.0},
        {"label": "GCPL-mpt", "file": str(peer_file("echem", "yadg", "gcpl.issue_149.mpt")), "active_mass_mg": 3.0},
    ]
    _check(_run(tmp_path, samples))


@pytest.mark.notebooks
def test_the_stand_in_cells_markers_lie_inside_their_frames(tmp_path):
    from nakit.paths import project_root

    data = project_root() / "data" / "cycling"
    samples = [{"label": label, "file": str(data / name), "composite_mass_mg": 5.0, "active_fraction": 0.3,
                "active_material": "Na2S"}
               for label, name in (("cast-annealed", "cast_annealed_50cycles.xlsx"),
                                   ("ball-milled", "ball_milled_45cycles.xlsx"))]
    _check(_run(tmp_path, samples))
