"""The impedance spectrum Dataset every EIS reader returns, and its loops (repeated sweeps).

Layout
------
A spectrum is an :class:`xarray.Dataset` over the ``frequency`` dimension (Hz, in the order
the instrument measured it) with the impedance split into ``z_real`` and ``z_imag`` (ohm,
*signed*: a capacitive arc has ``z_imag < 0``). NetCDF-4 has no complex type, so the two
parts are stored separately; :func:`impedance_of` gives the complex array. A reader that
knows when each point was measured adds ``elapsed_time`` (s).

Loops
-----
Instruments repeat a frequency sweep ("loops" in EC-Lab, several ``ZCURVE`` tables in
Gamry, ``z cycle`` in a Modulo Bat sequence). A file with **one** sweep gives the 1-D
spectrum above, so every analysis works on it unchanged. A file with **several** sweeps
keeps every one of them: the variables gain a leading ``loop`` dimension (``loop`` = 0, 1,
... in the order measured, units ``"1"``), so ``z_real`` has dims ``(loop, frequency)``.
The ``frequency`` index is the first sweep's frequencies when every sweep measured the same
ones (a sweep stopped early measures a leading part of them); otherwise it is the union of
all sweeps' frequencies. Where a sweep did not measure a frequency its values are NaN, and
``attrs["source_loop_points"]`` lists how many points each sweep has.

Analyses take one sweep: :func:`select_loop` (``"first"``, ``"last"`` or a loop number;
``complete=True`` passes over sweeps cut short, which :func:`loop_shortfalls` lists)
returns an ordinary 1-D spectrum without NaN, and :func:`iter_loops` yields every sweep, so a
notebook can let the user pick a loop or fit them all. :func:`impedance_of` refuses a
Dataset that still has its ``loop`` dimension, so a fit never mixes sweeps by accident.
"""

from __future__ import annotations

import warnings
from typing import Iterator

import numpy as np
import xarray as xr

from ..errors import FileFormatError, InvalidDataError, NakitWarning, ParameterError
from ..datamodel import require_dataset

LOOP_DIM = "loop"


def impedance_of(ds: xr.Dataset, *, allow_loops: bool = False) -> np.ndarray:
    """The complex impedance ``z_real + 1j * z_imag`` of a spectrum Dataset (ohm).

    Parameters
    ----------
    ds
        A spectrum from :mod:`nakit.eis.readers`.
    allow_loops
        Return the ``(loop, frequency)`` array of a multi-loop Dataset (NaN where a sweep
        lacks a point) instead of refusing it.

    Raises
    ------
    ParameterError
        ``ds`` lacks ``z_real``/``z_imag``, or has a ``loop`` dimension (unless allowed):
        pick a sweep with :func:`select_loop` or iterate with :func:`iter_loops`.
    """
    require_dataset(ds, "eis", "impedance_of")
    for name in ("z_real", "z_imag"):
        if name not in ds:
            raise ParameterError(f"expected an impedance Dataset with {name!r}; have {sorted(ds.data_vars)}")
    if LOOP_DIM in ds.dims and not allow_loops:
        raise ParameterError(
            f"this spectrum Dataset holds {ds.sizes[LOOP_DIM]} loops (repeated frequency sweeps, dimension "
            "'loop'); pick one with nakit.eis.select_loop(ds, 'last') or fit each from nakit.eis.iter_loops(ds)")
    return ds["z_real"].values + 1j * ds["z_imag"].values


#: fewest points with one and the same impedance that are taken to be copies, not measurements
REPEATED_POINTS = 3

#: a sweep's low-frequency end: its frequencies up to this factor above the lowest
LOW_END_SPAN = 10.0
#: the least span (highest over lowest frequency) of a sweep whose sign of Z'' the data alone decide
#: undoubted: below it the low-frequency end is most of the sweep, and may not reach the capacitive region
SIGN_FROM_DATA_SPAN = 100.0


def low_end_reactance(frequency, z_imag) -> tuple[float, np.ndarray]:
    """Im(Z) summed over a sweep's low-frequency end (its lowest decade, :data:`LOW_END_SPAN`),
    and the positions of those points.

    A cell is capacitive, Im(Z) < 0, at its low-frequency end (double layer, blocking electrode,
    diffusion); inductive points (leads, wiring, a wound cell) belong to its high-frequency end.
    Which sign a column of Z'' values has is therefore told by this sum (the sign of a headerless
    table, :func:`nakit.eis.read_csv`), and a spectrum whose sum is positive is doubted
    (:func:`spectrum_doubts`). A sum over a decade, not the lowest point alone, keeps scatter about
    zero from deciding: EC-Lab's ``peis.mpt`` has +0.4 ohm at 1.5 and 2.2 Hz between -2.7 ohm at
    1 Hz and -18 ohm at 3.3 Hz. A majority of all points would not do: a sweep above a few hundred
    hertz is mostly inductive.
    """
    f = np.asarray(frequency, dtype=float)
    end = np.flatnonzero(f <= LOW_END_SPAN * f.min())
    return float(np.sum(np.asarray(z_imag, dtype=float)[end])), end


def spectrum_doubts(ds: xr.Dataset) -> tuple[str, ...]:
    """What a spectrum shows that a measured impedance of a stable, passive cell does not, in
    words, for the flags of whatever is fitted to it: a negative real part, points that repeat
    one impedance exactly, and an inductive low-frequency end.

    Notes
    -----
    A passive, stable system has :math:`\\mathrm{Re}\\,Z(\\omega) \\ge 0` at every frequency (it
    dissipates power); negative values come from an instrument correction (open/short
    compensation, a reference-electrode or lead artefact) or a system that is not stable, and a
    circuit of positive resistors fitted to them reads its series resistance as zero.

    A measurement never gives the very same complex impedance, to every digit written, at
    :data:`REPEATED_POINTS` or more frequencies with a non-zero imaginary part: such points
    were not measured but copied (an aborted sweep padded with its last value, a logging
    fault). Gamry's ``eispot_data.dta`` repeats its 50 Hz point at 10, 5, 1 and 0.5 Hz; a fit
    reads that as a flat low-frequency tail. (A value of zero imaginary part may honestly recur
    on a resistive plateau written with few digits.)

    A cell is capacitive at its low-frequency end (:func:`low_end_reactance`). A spectrum that is
    inductive there was most often read with the wrong sign of Z'' (a column headed ``Zimag``
    holding -Im(Z), or ``-Z''`` holding Im(Z)): every fitted value is then wrong. The words name
    the column and why it was read so (``instrument_imag_column``,
    ``instrument_imag_convention_source``) when the reader says. A genuine low-frequency
    inductive loop (adsorbed intermediates, corrosion) is rarer, and is the other reading the
    words offer. A sweep whose sign the reader took from the data alone (no header says it) is
    doubted when it spans under :data:`SIGN_FROM_DATA_SPAN`: its low-frequency end is then most of
    the sweep, which may lie wholly where leads are still inductive.
    """
    z = impedance_of(ds)
    f = ds["frequency"].values
    doubts = []
    negative = np.flatnonzero(z.real < 0)
    if negative.size:
        k = negative[np.argmin(z.real[negative])]
        doubts.append(f"Re(Z) negative at {negative.size} of {z.size} frequencies (down to {z.real[k]:.3g} ohm at "
                      f"{float(f[k]):.3g} Hz): a stable, passive cell's impedance has a positive real part; an "
                      "open/short correction or a lead or reference-electrode artefact?")
    values, first, inverse, counts = np.unique(z, return_index=True, return_inverse=True, return_counts=True)
    for j in np.flatnonzero((counts >= REPEATED_POINTS) & (values.imag != 0)):
        at = np.flatnonzero(inverse == j)
        first_f, copies = float(f[first[j]]), [float(f[i]) for i in at if i != first[j]]
        doubts.append(f"the impedance at {first_f:.4g} Hz ({z[first[j]].real:.6g}{z[first[j]].imag:+.6g}j ohm) "
                      f"repeats exactly at {_join_hz(copies)}: a measurement never gives one value at different "
                      "frequencies (points copied, not measured: an aborted sweep or a logging fault?)")
    inductive, end = low_end_reactance(f, z.imag)
    if inductive > 0:
        doubts.append(_inductive_low_end(ds, f[end], z.imag[end]))
    if ds.attrs.get("instrument_imag_convention_source") == "data" and f.max() < SIGN_FROM_DATA_SPAN * f.min():
        doubts.append(f"the sign of Z'' was taken from the data (nothing names the column's convention), on a sweep of "
                      f"{f.min():.3g}-{f.max():.3g} Hz, under {np.log10(SIGN_FROM_DATA_SPAN):g} decades: its low-frequency "
                      "end, read as capacitive, is most of the sweep and may still be inductive (leads, wiring); if "
                      "the file holds the other sign, every fitted value is wrong: state imag_convention ('signed' "
                      "or 'negated'; in notebook 05, the sample entry's imag_convention)")
    return tuple(doubts)


def _inductive_low_end(ds: xr.Dataset, f: np.ndarray, imag: np.ndarray) -> str:
    k = int(np.argmax(imag))
    seen = (f"Im(Z) positive (inductive) at the low-frequency end: {int(np.sum(imag > 0))} of the {imag.size} points "
            f"from {f.min():.3g} to {f.max():.3g} Hz, up to {imag[k]:+.3g} ohm at {f[k]:.3g} Hz, where a cell is "
            "capacitive (Im(Z) < 0)")
    convention, column = ds.attrs.get("instrument_imag_convention"), ds.attrs.get("instrument_imag_column")
    source = ds.attrs.get("instrument_imag_convention_source")
    if convention in ("signed", "negated") and column and source in ("header", "argument"):
        read = "Im(Z)" if convention == "signed" else "-Im(Z)"
        other, alternative = ("-Im(Z)", "negated") if convention == "signed" else ("Im(Z)", "signed")
        why = "as its header says" if source == "header" else f"as imag_convention={convention!r} says"
        return (f"{seen}: column {column!r} was read as {read} {why}; if it holds {other}, read the file with "
                f"imag_convention={alternative!r} (in notebook 05, the sample entry's imag_convention: "
                f"{alternative}; else a genuine low-frequency inductive loop?)")
    return f"{seen}: Z'' read with the wrong sign, or a genuine low-frequency inductive loop?"


def _join_hz(values: list[float]) -> str:
    words = [f"{v:.4g}" for v in values]
    return (", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]) + " Hz"


def numeric_columns(rows, columns, *, path, lines, decimal: str = ".", names=None) -> np.ndarray:
    """Parse the fields ``columns`` of already split ``rows`` strictly into a float array.

    A thin layer over :func:`nakit.textio.parse_rows` for tables whose rows are not on
    consecutive lines (comments, blank lines, other tables between them): ``lines`` gives
    the 1-based file line of each row, and an error names that line and the column's name.
    """
    from ..textio import parse_rows

    picked = ["\t".join(r[j] for j in columns) for r in rows]
    try:
        return parse_rows(picked, path=path, first_line=0, delimiter="\t", decimal=decimal, ncols=len(columns),
                          names=None if names is None else [names[j] for j in columns])
    except FileFormatError as exc:
        line = exc.line if exc.line is None else int(lines[exc.line])
        raise FileFormatError(path, exc.reason, line=line, field=exc.field) from None


def _point_lines(lines, i: int):
    return None if lines is None else int(lines[i])


def spectrum_dataset(frequency, z, attrs: dict | None = None, *, path=None, lines=None,
                     elapsed_time=None) -> xr.Dataset:
    """Build (and check) a one-sweep spectrum from frequencies (Hz) and complex ``z`` (ohm).

    Frequencies must be finite, positive and unique, the impedance finite. ``path`` and
    ``lines`` (1-based file line of each point) only make error messages point at the
    offending row of a file. ``elapsed_time`` (s), when given, becomes a variable.
    """
    f = np.asarray(frequency, dtype=float)
    z = np.asarray(z, dtype=complex)
    if f.ndim != 1 or f.shape != z.shape:
        raise FileFormatError(path, f"frequency and impedance must be 1-D of equal length, got {f.shape} and {z.shape}")
    if f.size == 0:
        raise FileFormatError(path, "no impedance data points")
    bad = np.flatnonzero(~np.isfinite(f) | (f <= 0))
    if bad.size:
        i = int(bad[0])
        raise InvalidDataError(path, f"frequency must be finite and positive, got {f[i]:.10g} Hz (point {i})",
                              line=_point_lines(lines, i), field="frequency")
    bad = np.flatnonzero(~np.isfinite(z))
    if bad.size:
        i = int(bad[0])
        raise InvalidDataError(path, f"impedance is not finite at point {i} ({z[i].real:g}{z[i].imag:+g}j ohm)",
                              line=_point_lines(lines, i), field="impedance")
    if not np.any(z):
        raise InvalidDataError(path, "every impedance is zero: nothing was measured", field="impedance")
    _, first, counts = np.unique(f, return_index=True, return_counts=True)
    if np.any(counts > 1):
        dup = f[first[counts > 1][0]]
        i = int(np.flatnonzero(f == dup)[1])
        raise InvalidDataError(path, f"frequency {dup:.10g} Hz is repeated (point {i}); each frequency must occur "
                                    "once in a sweep", line=_point_lines(lines, i), field="frequency")
    data = {"z_real": ("frequency", z.real, {"units": "ohm", "long_name": "Z'"}),
            "z_imag": ("frequency", z.imag, {"units": "ohm", "long_name": "Z'' (signed)"})}
    if elapsed_time is not None:
        data["elapsed_time"] = ("frequency", np.asarray(elapsed_time, dtype=float), {"units": "s"})
    return xr.Dataset(data, coords={"frequency": ("frequency", f, {"units": "Hz"})}, attrs=dict(attrs or {}))


def sweeps_dataset(frequency, z, loop, attrs: dict | None = None, *, path=None, lines=None,
                   elapsed_time=None, detection: str = "") -> xr.Dataset:
    """Build the spectrum Dataset of a file that may hold several sweeps.

    Parameters
    ----------
    frequency, z
        All impedance points of the file in the order measured (Hz; complex ohm).
    loop
        The sweep each point belongs to (any labels; sweeps are numbered 0, 1, ... in the
        order their first point appears).
    attrs, path, lines, elapsed_time
        As for :func:`spectrum_dataset`.
    detection
        How the reader told the sweeps apart, stored as ``source_loop_detection``.

    Returns
    -------
    xarray.Dataset
        One sweep: the 1-D spectrum of :func:`spectrum_dataset`. Several: dims ``(loop,
        frequency)`` as described in the module docstring. Every sweep is checked on its own
        (unique, positive frequencies; finite impedance) with file lines in the messages.
    """
    f = np.asarray(frequency, dtype=float)
    z = np.asarray(z, dtype=complex)
    loop = np.asarray(loop)
    t = None if elapsed_time is None else np.asarray(elapsed_time, dtype=float)
    lines = None if lines is None else np.asarray(lines)
    if loop.shape != f.shape:
        raise ValueError("loop labels must match the points")  # a reader bug, not a file problem
    _, first = np.unique(loop, return_index=True)
    labels = loop[np.sort(first)]
    if labels.size <= 1:
        return spectrum_dataset(f, z, attrs, path=path, lines=lines, elapsed_time=t)
    sweeps = []
    for label in labels:
        idx = np.flatnonzero(loop == label)
        sweeps.append(spectrum_dataset(f[idx], z[idx], path=path, lines=None if lines is None else lines[idx],
                                       elapsed_time=None if t is None else t[idx]))
    freqs = [s["frequency"].values for s in sweeps]
    longest = max(freqs, key=len)
    if all(np.array_equal(fk, longest[: fk.size]) for fk in freqs):
        grid = longest
    else:
        union = np.unique(np.concatenate(freqs))
        grid = union[::-1] if freqs[0][0] > freqs[0][-1] else union  # keep the sweep direction
    col = {v: j for j, v in enumerate(grid.tolist())}
    shape = (len(sweeps), grid.size)
    out = {name: np.full(shape, np.nan) for name in sweeps[0].data_vars}
    for k, s in enumerate(sweeps):
        cols = [col[v] for v in s["frequency"].values.tolist()]
        for name in out:
            out[name][k, cols] = s[name].values
    all_attrs = dict(attrs or {})
    all_attrs["source_loop_points"] = np.array([s.sizes["frequency"] for s in sweeps])
    if detection:
        all_attrs["source_loop_detection"] = detection
    return xr.Dataset(
        {name: ((LOOP_DIM, "frequency"), values, dict(sweeps[0][name].attrs)) for name, values in out.items()},
        coords={LOOP_DIM: (LOOP_DIM, np.arange(len(sweeps)),
                           {"units": "1", "long_name": "sweep, in the order measured"}),
                "frequency": ("frequency", grid, {"units": "Hz"})},
        attrs=all_attrs)


def _one_loop(ds: xr.Dataset, position: int) -> xr.Dataset:
    one = ds.isel({LOOP_DIM: position})
    one = one.isel(frequency=np.flatnonzero(np.isfinite(one["z_real"].values)))  # points this sweep measured
    one.attrs = {k: v for k, v in ds.attrs.items() if k != "source_loop_points"}
    one.attrs["source_loops"] = ds.sizes[LOOP_DIM]
    return one


def _points(ds: xr.Dataset) -> np.ndarray:
    """Points each sweep measured (NaN marks a frequency it did not)."""
    return np.isfinite(ds["z_real"].values).sum(axis=1)


def loop_shortfalls(ds: xr.Dataset) -> dict[int, str]:
    """The sweeps with fewer points than the file's longest, and what each lacks.

    Parameters
    ----------
    ds
        A spectrum from :func:`nakit.eis.read_eis` or any reader.

    Returns
    -------
    dict
        ``{loop: words}`` for every sweep cut short, in the order measured (empty for a file
        of one sweep or of complete ones), e.g. ``"54 of the 64 points of the longest sweep:
        it starts at 10019.5 Hz, where the longest sweep starts at 100020 Hz"``. The words
        say which end is missing, in the order measured: a sweep that stops before the
        longest one's end was stopped early; one that starts after its start lacks its first
        points (not measured, or lost from the file).
    """
    if LOOP_DIM not in ds.dims:
        return {}
    points = _points(ds)
    longest = int(points.max())
    ref = _one_loop(ds, int(np.argmax(points)))["frequency"].values
    out = {}
    for k in np.flatnonzero(points < longest):
        f = _one_loop(ds, int(k))["frequency"].values
        ends = []
        # a sweep at slightly other frequencies (same count) is complete; a count short of the longest is not,
        # and its ends say where the points are missing
        if abs(np.log(f[0] / ref[0])) > abs(np.log(ref[1] / ref[0])) / 2:
            ends.append(f"it starts at {f[0]:.6g} Hz, where the longest sweep starts at {ref[0]:.6g} Hz")
        if abs(np.log(f[-1] / ref[-1])) > abs(np.log(ref[-1] / ref[-2])) / 2:
            ends.append(f"it stops at {f[-1]:.6g} Hz, where the longest sweep goes on to {ref[-1]:.6g} Hz "
                        "(stopped early?)")
        lack = "; ".join(ends) or f"points missing between {f[0]:.6g} and {f[-1]:.6g} Hz"
        out[int(ds[LOOP_DIM].values[k])] = f"{points[k]} of the {longest} points of the longest sweep: {lack}"
    return out


def select_loop(ds: xr.Dataset, which: str | int = "last", *, complete: bool = False) -> xr.Dataset:
    """One sweep of a spectrum that may hold several (see the module docstring).

    Parameters
    ----------
    ds
        A spectrum from :func:`nakit.eis.read_eis` or any reader.
    which
        ``"last"`` (default: the sweep measured last, usually the most settled cell),
        ``"first"``, or a loop number (0-based as in the ``loop`` coordinate; negative
        numbers count from the end).
    complete
        With ``"last"`` or ``"first"``: the last (first) *complete* sweep, one with as many
        points as the file's longest. A sweep cut short (a measurement stopped early, a
        file ending mid-sweep) lacks part of the frequency range, and a circuit fitted to
        it is not comparable with the others (the high-frequency intercept, the ohmic
        resistance, is missing when its start is): with ``complete`` it is passed over
        without a warning, and :func:`loop_shortfalls` says which sweeps were and why
        (notebook 05's ``loop: 'last'`` does this and says so in its report). A loop
        number is taken as given, cut short or not.

    Returns
    -------
    xarray.Dataset
        A 1-D spectrum without NaN (points the sweep did not measure are removed) with a
        scalar ``loop`` coordinate saying which sweep it is and ``attrs["source_loops"]``
        the number of sweeps in the file. A one-sweep Dataset is returned as it is for
        ``"first"``, ``"last"``, 0 and -1.

    Warns
    -----
    NakitWarning
        The chosen sweep has fewer points than the longest sweep of the file: what it lacks
        (:func:`loop_shortfalls`) and, for ``"last"``/``"first"``, the sweep ``complete=True``
        gives.

    Raises
    ------
    ParameterError
        An unknown ``which`` or a loop number the file does not have.
    """
    if not isinstance(which, (str, int, np.integer)) or isinstance(which, bool):
        raise ParameterError(f"loop: expected 'first', 'last' or a loop number, got {which!r}")
    if isinstance(which, str) and which not in ("first", "last"):
        raise ParameterError(f"loop: expected 'first', 'last' or a loop number, got {which!r}")
    n = ds.sizes.get(LOOP_DIM, 1) if LOOP_DIM in ds.dims else 1
    position = {"first": 0, "last": n - 1}.get(which, which) if isinstance(which, str) else int(which)
    if not -n <= position < n:
        raise ParameterError(f"loop {which!r}: this spectrum has {n} loop(s), numbered 0 to {n - 1}")
    if LOOP_DIM not in ds.dims:
        return ds
    points = _points(ds)
    whole = np.flatnonzero(points == points.max())  # never empty: the longest sweep is complete
    if isinstance(which, str):
        best = int(whole[-1] if which == "last" else whole[0])
        if complete:
            position = best
    one = _one_loop(ds, position)
    if points[position] < points.max():  # cut short: say what it lacks
        short = loop_shortfalls(ds)[int(one[LOOP_DIM])]
        advice = (f"; select_loop(ds, {which!r}, complete=True) gives loop {int(ds[LOOP_DIM].values[best])}, the "
                  f"{which} complete one" if isinstance(which, str) else "")
        warnings.warn(f"loop {int(one[LOOP_DIM])} has {short}{advice}", NakitWarning, stacklevel=2)
    return one


def iter_loops(ds: xr.Dataset) -> Iterator[tuple[int, xr.Dataset]]:
    """Yield ``(loop, spectrum)`` for every sweep, in the order measured.

    Each spectrum is what :func:`select_loop` gives for that loop (without its warning); a
    one-sweep Dataset yields ``(0, ds)``.
    """
    if LOOP_DIM not in ds.dims:
        yield 0, ds
        return
    for k in range(ds.sizes[LOOP_DIM]):
        one = _one_loop(ds, k)
        yield int(one[LOOP_DIM]), one


def n_loops(ds: xr.Dataset) -> int:
    """Number of sweeps in a spectrum Dataset (1 when it has no ``loop`` dimension)."""
    return int(ds.sizes[LOOP_DIM]) if LOOP_DIM in ds.dims else 1
