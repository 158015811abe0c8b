"""An XRDML list stating one value per point (``<listPositions>``, ``<countingTimes>``,
``<beamAttenuationFactors>``) that disagrees with the number of intensities was read with the
positions recomputed or the mismatch named only as "dataPoints": it is refused naming the element.
Each file is the peer empyrean.xrdml copied into tmp_path and edited."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.xrd.readers import read_xrd
from tests.peer import peer_file

START_END = "<startPosition>30.0500</startPosition>\n\t\t\t\t\t<endPosition>41.7500</endPosition>"
N = 196


def _edited(tmp_path, *, positions: str | None = None, extra: str = "", drop: int = 0):
    text = peer_file("xrd", "xylib", "empyrean.xrdml").read_text(encoding="utf-8")
    assert START_END in text
    if positions is not None:
        text = text.replace(START_END, positions)
    counts = re.search(r"(<intensities unit=\"counts\">)(.*?)(</intensities>)", text, re.S)
    values = counts.group(2).split()
    assert len(values) == N
    kept = " ".join(values[: N - drop])
    text = text[: counts.start()] + extra + counts.group(1) + kept + counts.group(3) + text[counts.end():]
    out = tmp_path / "edited.xrdml"
    out.write_text(text, encoding="utf-8")
    return out


def _list(n: int, a: float = 30.05, b: float = 41.75) -> str:
    return " ".join(f"{v:.4f}" for v in np.linspace(a, b, n))


def test_list_positions_and_fewer_intensities_are_refused_naming_the_list(tmp_path):
    f = _edited(tmp_path, positions=f"<listPositions>{_list(N)}</listPositions>", drop=10)
    with pytest.raises(FileFormatError, match=r"<positions axis='2Theta'><listPositions> holds 196 values but "
                                              r"<intensities> holds 186") as err:
        read_xrd(f)
    assert err.value.field == "<positions axis='2Theta'><listPositions>"


@pytest.mark.parametrize("tag", ["countingTimes", "beamAttenuationFactors"])
def test_a_per_point_list_and_fewer_intensities_are_refused_naming_it(tmp_path, tag):
    f = _edited(tmp_path, extra=f"<{tag}>{' '.join(['1.0'] * N)}</{tag}>\n\t\t\t\t", drop=10)
    with pytest.raises(FileFormatError, match=rf"<{tag}> holds 196 values but <intensities> holds 186"):
        read_xrd(f)


def test_lists_that_agree_read_as_stated(tmp_path):
    f = _edited(tmp_path, positions=f"<listPositions>{_list(N)}</listPositions>",
                extra=f"<countingTimes>{' '.join(['0.44'] * N)}</countingTimes>\n\t\t\t\t")
    ds = read_xrd(f)
    assert ds.sizes["two_theta"] == N
    np.testing.assert_allclose(ds.two_theta.values, read_xrd(peer_file("xrd", "xylib", "empyrean.xrdml")).two_theta,
                               atol=1e-4)
