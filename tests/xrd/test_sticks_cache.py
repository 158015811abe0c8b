"""The reflection-sticks cache: keyed by the structure's content and settings, bounded, same arrays."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from nakit.xrd import simulate
from nakit.xrd.simulate import _reflections, clear_sticks_cache, reflections
from nakit.xrd.structures import library, read_cif, reference

FIELDS = ("hkl", "multiplicity", "d", "two_theta", "f_squared", "intensity")


@pytest.fixture(autouse=True)
def empty_cache():
    clear_sticks_cache()
    yield
    clear_sticks_cache()


def _uncached(crystal, wavelength, tt_max=90.0, tt_min=0.0, **kw):
    settings = dict(anomalous=True, thermal=True, monochromator_two_theta=None, min_relative=1e-4) | kw
    lam = simulate.Wavelength.parse(wavelength).ka1
    return _reflections(crystal, lam, tt_max, tt_min, *settings.values())


def _same(a, b):
    assert (a.phase, a.wavelength) == (b.phase, b.wavelength)
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), f


@pytest.mark.parametrize("name", ["Na2S_Fm-3m", "Na3PS4_P-421c", "S8_Fddd", "graphite_P63mmc"])
def test_cached_sticks_are_identical_to_a_fresh_computation(name):
    crystal = reference(name)
    first = reflections(crystal, "Cu", 80.0)
    again = reflections(crystal, "Cu", 80.0)
    assert len(simulate._sticks_cache) == 1  # the second call was a hit
    fresh = _uncached(crystal, "Cu", 80.0)
    _same(first, fresh)
    _same(again, fresh)
    assert again.d is not first.d  # every caller gets its own arrays


def test_a_caller_changing_its_arrays_does_not_change_the_cache():
    crystal = reference("Na2S_Fm-3m")
    first = reflections(crystal, "Cu", 80.0)
    first.intensity[:] = -1.0
    first.two_theta += 5.0
    _same(reflections(crystal, "Cu", 80.0), _uncached(crystal, "Cu", 80.0))


def test_key_is_the_content_not_the_file(tmp_path):
    src = library()["Na2S_Fm-3m"]
    copy = tmp_path / "elsewhere.cif"
    shutil.copyfile(src, copy)
    a = read_cif(src, name="Na2S")
    reflections(a, "Cu", 80.0)
    reflections(read_cif(copy, name="Na2S"), "Cu", 80.0)  # same bytes at another path: a hit
    assert len(simulate._sticks_cache) == 1
    # edited content: a different cell, a different B, another name -> misses with their own sticks
    bigger = a.with_cell(a=6.60)
    warmer = dataclasses.replace(a, b_iso=a.b_iso + 1.0)
    for changed in (bigger, warmer, dataclasses.replace(a, name="other")):
        _same(reflections(changed, "Cu", 80.0), _uncached(changed, "Cu", 80.0))
    assert len(simulate._sticks_cache) == 4
    assert reflections(bigger, "Cu", 80.0).two_theta[0] < reflections(a, "Cu", 80.0).two_theta[0]


@pytest.mark.parametrize("settings", [dict(wavelength="Mo"), dict(tt_max=60.0), dict(tt_min=30.0),
                                      dict(anomalous=False), dict(thermal=False),
                                      dict(monochromator_two_theta=26.6), dict(min_relative=0.05)])
def test_every_setting_is_part_of_the_key(settings):
    crystal = reference("Na3PS4_P-421c")
    base = dict(wavelength="Cu", tt_max=90.0, tt_min=0.0)
    call = base | {k: v for k, v in settings.items() if k in base}
    kw = {k: v for k, v in settings.items() if k not in base}
    reflections(crystal, "Cu", 90.0)
    got = reflections(crystal, call["wavelength"], call["tt_max"], call["tt_min"], **kw)
    assert len(simulate._sticks_cache) == 2
    _same(got, _uncached(crystal, call["wavelength"], call["tt_max"], call["tt_min"], **kw))


def test_cache_is_bounded_and_keeps_the_most_recent(monkeypatch):
    monkeypatch.setattr(simulate, "STICKS_CACHE_SIZE", 3)
    crystal = reference("Na2S_Fm-3m")
    for tt in (50.0, 60.0, 70.0):
        reflections(crystal, "Cu", tt)
    reflections(crystal, "Cu", 50.0)  # used again: now the most recent
    reflections(crystal, "Cu", 80.0)  # evicts 60, the least recently used
    assert len(simulate._sticks_cache) == 3
    before = dict(simulate._sticks_cache)
    reflections(crystal, "Cu", 50.0)
    assert dict(simulate._sticks_cache).keys() == before.keys()  # 50 was kept: a hit
    reflections(crystal, "Cu", 60.0)  # 60 was evicted: computed again, evicting 70
    assert len(simulate._sticks_cache) == 3


# reflections_in_range: phase identification's per-scan ranges cut from one wider computation

@pytest.mark.parametrize("name", sorted(library()))
def test_range_cut_from_a_wider_computation_equals_reflections_to_the_bit(name):
    from nakit.xrd.simulate import reflections_in_range

    crystal = reference(name)
    # the paper scans' identification ranges (first/last peak -+ 2 deg), a range ending on a
    # multiple of 10 deg, one starting high, a short-wavelength one; the whole half circle for
    # the small cells (S8's takes seconds)
    big = crystal.volume > 1000
    for wl, hi, lo in (("Cu", 78.37, 18.31), ("Cu", 81.95, 9.2), ("Cu", 90.0, 0.0), ("Cu", 63.4, 41.0),
                       ("Mo", 44.1, 6.3), *(() if big else (("Cu", 180.0, 100.0),))):
        _same(reflections_in_range(crystal, wl, hi, lo), _uncached(crystal, wl, hi, lo))
    _same(reflections_in_range(crystal, "Cu", 78.37, 18.31, min_relative=0.05),
          _uncached(crystal, "Cu", 78.37, 18.31, min_relative=0.05))


def test_range_cache_is_keyed_on_the_structure_wavelength_and_settings():
    from nakit.xrd.simulate import reflections_in_range

    a = reference("Na2S_Fm-3m")
    reflections_in_range(a, "Cu", 78.4, 18.3)
    reflections_in_range(a, "Cu", 79.9, 9.2)  # same wider range (up to 80 deg): no new computation
    assert len(simulate._families_cache) == 1
    bigger, cold = a.with_cell(a=6.60), dataclasses.replace(a, b_iso=a.b_iso + 1.0)
    for args, kw in (((bigger, "Cu"), {}), ((cold, "Cu"), {}), ((a, "Mo"), {}), ((a, "Cu"), {"anomalous": False}),
                     ((a, "Cu"), {"thermal": False}), ((a, "Cu"), {"monochromator_two_theta": 26.6})):
        got = reflections_in_range(*args, 78.4, 18.3, **kw)
        _same(got, _uncached(*args, 78.4, 18.3, **kw))
    assert len(simulate._families_cache) == 7
    assert not np.array_equal(reflections_in_range(bigger, "Cu", 78.4, 18.3).two_theta,
                              reflections_in_range(a, "Cu", 78.4, 18.3).two_theta)
    assert not np.array_equal(reflections_in_range(cold, "Cu", 78.4, 18.3).intensity,
                              reflections_in_range(a, "Cu", 78.4, 18.3).intensity)
    # a caller's changes stay its own
    got = reflections_in_range(a, "Cu", 78.4, 18.3)
    got.intensity[:] = -1.0
    _same(reflections_in_range(a, "Cu", 78.4, 18.3), _uncached(a, "Cu", 78.4, 18.3))
    with pytest.raises(simulate.ParameterError):
        reflections_in_range(a, "Cu", 40.0, 50.0)
