"""``nakit.quicklook``: a first look at any measurement, drawn from the Dataset's own values.

Oracle: every line drawn holds the Dataset's values (round trip), the axes name the quantities in
the Dataset's units, and only a synthesised stand-in carries the stand-in note."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr

import nakit
from nakit.errors import ParameterError
from nakit.paths import data_dir
from nakit.plotting import SYNTHESISED_CAPTION
from tests.peer import peer_file


def _texts(fig):
    return [t.get_text() for t in fig.texts]


def _xy(ax):
    return [(np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)) for line in ax.lines]


def test_xrd_and_raman_draw_the_intensity_against_their_axis():
    ds = nakit.read(data_dir() / "xrd" / "annealed.raw")
    fig = nakit.quicklook(ds)
    ((x, y),) = _xy(fig.axes[0])
    np.testing.assert_array_equal(x, ds["two_theta"].values)
    np.testing.assert_array_equal(y, ds["intensity"].values)
    assert fig.axes[0].get_xlabel() == f"2θ (°), λ = {ds.attrs['wavelength']:.5g} Å"
    assert fig.axes[0].get_ylabel() == "intensity (counts)"
    assert SYNTHESISED_CAPTION in _texts(fig) and fig._suptitle.get_text() == "annealed.raw (bruker_raw)"
    spectrum = nakit.read(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))
    fig = nakit.quicklook(spectrum, title="flake")
    ((x, y),) = _xy(fig.axes[0])
    np.testing.assert_array_equal(y, spectrum["intensity"].values)
    assert fig.axes[0].get_xlabel() == "Raman shift (cm-1)" and fig._suptitle.get_text() == "flake"
    assert SYNTHESISED_CAPTION not in _texts(fig)  # a measurement


def test_a_scan_that_is_not_raw_counts_is_not_drawn_in_counts(tmp_path):
    ds = nakit.read(data_dir() / "xrd" / "annealed.raw")
    path = tmp_path / "normalised.xy"
    path.write_text("".join(f"{a:.3f} {b / 3389:.6f}\n" for a, b in zip(ds.two_theta.values, ds.intensity.values)))
    fig = nakit.quicklook(nakit.read(path, wavelength="Cu"))
    assert fig.axes[0].get_ylabel() == "intensity (arb. units)"


def test_a_raman_map_is_its_mean_spectrum_and_spread():
    ds = nakit.read(data_dir() / "raman" / "annealed_map.txt")
    fig = nakit.quicklook(ds)
    ((x, mean),) = _xy(fig.axes[0])
    np.testing.assert_allclose(mean, ds["intensity"].mean(["y", "x"]).values)
    assert "min-max of 30 spectra" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_an_isotherm_draws_each_branch():
    from nakit.sorption import get_branch

    ds = nakit.read(peer_file("sorption", "micromeritics", "Sample_A.xls"))
    fig = nakit.quicklook(ds)
    drawn = _xy(fig.axes[0])
    for (x, y), branch in zip(drawn, ("adsorption", "desorption")):
        p, q = get_branch(ds, branch)
        np.testing.assert_array_equal(x, p)
        np.testing.assert_array_equal(y, q)
    assert len(drawn) == 2 and fig.axes[0].get_ylabel() == "quantity adsorbed (cm3/g STP)"


def test_a_cycler_record_draws_voltage_and_current_in_hours():
    ds = nakit.read(data_dir() / "cycling" / "ball_milled_45cycles.xlsx")
    fig = nakit.quicklook(ds)
    (tv, v), = _xy(fig.axes[0])
    (_, i), = _xy(fig.axes[1])
    np.testing.assert_allclose(tv, ds["time"].values / 3600)
    np.testing.assert_array_equal(v, ds["voltage"].values)
    np.testing.assert_array_equal(i, ds["current"].values)
    assert [a.get_ylabel() for a in fig.axes] == ["voltage (V)", "current (mA)"]


def test_an_impedance_file_draws_every_sweep():
    ds = nakit.read(peer_file("echem", "yadg", "peis.issue_149.mpt"))
    fig = nakit.quicklook(ds)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == [f"sweep {k}" for k in range(4)]
    single = nakit.read(data_dir() / "eis" / "blocking_25C.z")
    fig = nakit.quicklook(single)
    (points,) = [line for line in fig.axes[0].lines if len(line.get_xdata())]
    # Nyquist: Z' against -Z'', in the panel's unit (kOhm here)
    np.testing.assert_allclose(np.asarray(points.get_xdata()) * 1e3, single["z_real"].values, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(points.get_ydata()) * 1e3, -single["z_imag"].values, rtol=1e-12)


def test_what_is_no_measurement_is_refused_and_the_dataset_is_not_changed():
    with pytest.raises(ParameterError, match="not a measurement Dataset"):
        nakit.quicklook(xr.Dataset({"a": ("b", [1.0])}))
    ds = nakit.read(data_dir() / "xrd" / "annealed.raw")
    before = ds.copy(deep=True)
    nakit.quicklook(ds)
    xr.testing.assert_identical(ds, before)


def test_no_legend_covers_data():
    from nakit.layout import covers_data, overlaps

    for ds in (nakit.read(peer_file("sorption", "micromeritics", "Sample_A.xls")),
               nakit.read(peer_file("sorption", "betsi", "UiO-66.csv")),
               nakit.read(data_dir() / "raman" / "annealed_map.txt"),
               nakit.read(peer_file("echem", "yadg", "peis.issue_149.mpt"))):
        assert covers_data(overlaps(nakit.quicklook(ds))) == [], ds.attrs["source_path"]


def test_inspect_plot_writes_one_png_per_reading_named_by_sample_and_technique(tmp_path, capsys):
    import shutil

    from nakit.cli import main

    for sample in ("annealed", "quenched"):  # a folder per sample, files named by technique
        (tmp_path / "raw" / sample).mkdir(parents=True)
        shutil.copyfile(data_dir() / "xrd" / f"{sample}.raw", tmp_path / "raw" / sample / "XRD.raw")
    shutil.copyfile(data_dir() / "raman" / "annealed.txt", tmp_path / "raw" / "annealed" / "Raman.txt")
    (tmp_path / "raw" / "notes.txt").write_text("not data\n", encoding="utf-8")
    assert main(["inspect", "--plot", str(tmp_path / "looks"), str(tmp_path / "raw")]) == 1  # (notes.txt)
    assert "quick looks: 3 figure(s)" in capsys.readouterr().out
    names = sorted(p.name for p in (tmp_path / "looks").iterdir())
    assert names == ["annealed_raman.png", "annealed_xrd.png", "quenched_xrd.png"]
    first = (tmp_path / "looks" / "annealed_xrd.png").read_bytes()
    main(["inspect", "--plot", str(tmp_path / "again"), str(tmp_path / "raw" / "annealed")])
    assert (tmp_path / "again" / "annealed_xrd.png").read_bytes() == first  # same file, same bytes
