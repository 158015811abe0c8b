"""Pore size distribution from a DFT kernel: a regularised non-negative fit of kernel isotherms.

A kernel holds the isotherms of ideal pores of single widths, computed by density functional
theory (NLDFT, QSDFT) for one adsorptive, temperature, pore geometry and wall. The measured
isotherm is written as a non-negative mixture of them and the mixture's weights are the pore
size distribution. The problem is ill-posed (neighbouring kernel isotherms are nearly
collinear), so the fit is regularised; how strongly is chosen from the data by the L-curve
corner (default) or by generalised cross-validation, or given as a number.

Kernel file layout (the CSV layout pyGAPS uses for its kernels): the first row holds a label
cell (may be empty) and then the pore widths in nm, rising; every following row holds one
relative pressure p/p0 (rising) and then the kernel's loading at that pressure for each width,
as amount adsorbed **per unit pore volume** (default unit mmol/cm3, i.e. mmol of adsorptive per
cm3 of pore; liquid N2 at 77 K is 28.8 mmol/cm3, which wide pores approach at saturation).
Comma separated, ``.`` as decimal point; blank lines and lines starting with ``#`` are skipped.

nakit ships one kernel, ``"n2-77k-carbon-slit"`` (N2 at 77 K, carbon slit pores, 0.4-9.2 nm,
p/p0 7.6e-7 to 0.997), the kernel pyGAPS distributes (MIT); its source, citation and licence are
in ``nakit/sorption/kernels/README.md``.
"""

from __future__ import annotations

from typing import ClassVar

import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr
from scipy.interpolate import PchipInterpolator
from scipy.optimize import nnls

from ..errors import CalculationError, FileFormatError, NakitWarning, ParameterError
from ..textio import check_last_row, parse_rows, read_text_lines
from ..validation import as_float_array, same_length
from .conditions import ASSUMED_ADSORPTIVE, ASSUMED_TEMPERATURE_K, stated_adsorptive, stated_temperature
from .isotherm import get_branch, refuse_beyond_saturation
from .units import MOLAR_VOLUME_STP, units_attrs
from ..datamodel import Result, source_attrs

KERNEL_DIR = Path(__file__).with_name("kernels")

#: Kernels shipped with nakit: name -> (file, description). Sources and licences: kernels/README.md.
KERNELS = {
    "n2-77k-carbon-slit": ("n2-77k-carbon-slit.csv",
                           "N2 at 77 K, carbon slit pores (NLDFT), as distributed by pyGAPS 4.6.1 (MIT)"),
}

#: What each shipped kernel models: name -> (pore-wall material, pore geometry). A kernel's widths
#: are those of its model pores; see :func:`kernel_material_flags`.
KERNEL_MODELS = {"n2-77k-carbon-slit": ("carbon", "slit pores")}

#: Kernel loading units accepted by :func:`read_kernel`: factor to cm3 STP per cm3 of pore volume.
KERNEL_LOADING_UNITS = {
    "mmol/cm3": MOLAR_VOLUME_STP / 1000.0,
    "mol/cm3": MOLAR_VOLUME_STP,
    "cm3 stp/cm3": 1.0,
}

#: Default L-curve / GCV search grid for the relative regularisation parameter.
LAMBDA_GRID = np.logspace(-6, 0, 31)


@dataclass(frozen=True, eq=False)
class Kernel:
    """A DFT kernel: loading per unit pore volume on a (p/p0, pore width) grid.

    Attributes
    ----------
    relative_pressure
        Rising p/p0 grid of the kernel, shape (n_p,).
    width
        Rising pore widths in nm, shape (n_w,).
    loading
        Kernel isotherms, cm3 STP per cm3 of pore volume, shape (n_p, n_w).
    name
        Shipped-kernel name or the file path.
    """

    relative_pressure: np.ndarray
    width: np.ndarray
    loading: np.ndarray
    name: str = "kernel"

    @property
    def pressure_range(self) -> tuple[float, float]:
        """(lowest, highest) p/p0 of the kernel: the fit uses no point outside it."""
        return float(self.relative_pressure[0]), float(self.relative_pressure[-1])

    @property
    def width_range(self) -> tuple[float, float]:
        """(smallest, largest) pore width in nm the kernel describes."""
        return float(self.width[0]), float(self.width[-1])

    @property
    def width_bins(self) -> np.ndarray:
        """Width of each kernel column's cell (nm): edges halfway between neighbouring widths."""
        w = self.width
        if w.size == 1:
            return np.ones(1)
        edges = np.concatenate([[w[0] - (w[1] - w[0]) / 2], (w[1:] + w[:-1]) / 2, [w[-1] + (w[-1] - w[-2]) / 2]])
        return np.diff(edges)

    @property
    def filling_pressure(self) -> np.ndarray:
        """p/p0 at which each width's kernel isotherm first reaches half its loading at the top of the grid.

        A measured isotherm says something about pores of width w only if it has points on
        both sides of this pressure (see ``resolved_width_range`` of :func:`psd_dft_raw`).
        """
        half = self.loading >= 0.5 * self.loading[-1]
        return self.relative_pressure[np.argmax(half, axis=0)]

    def at(self, relative_pressure) -> np.ndarray:
        """Kernel isotherms at the given p/p0 (inside the kernel range), shape (n, n_w).

        Interpolation is shape-preserving cubic (PCHIP) in log(p/p0): kernel grids are spaced
        roughly evenly in log p at low pressure, and PCHIP never overshoots the steep
        pore-filling steps (an ordinary cubic spline does, giving negative loadings).
        """
        p = np.asarray(relative_pressure, dtype=float)
        lo, hi = self.pressure_range
        if np.any((p < lo) | (p > hi)):
            raise ParameterError(f"p/p0 outside the kernel range [{lo:g}, {hi:g}]")
        return _interpolator(self)(np.log(p))


@lru_cache(maxsize=8)
def _interpolator_cached(key, logp_bytes, loading_bytes, shape):
    logp = np.frombuffer(logp_bytes)
    loading = np.frombuffer(loading_bytes).reshape(shape)
    return PchipInterpolator(logp, loading, axis=0, extrapolate=False)


def _interpolator(kernel: Kernel) -> PchipInterpolator:
    return _interpolator_cached(kernel.name, np.log(kernel.relative_pressure).tobytes(),
                                np.ascontiguousarray(kernel.loading).tobytes(), kernel.loading.shape)


def read_kernel(path, *, loading_units: str = "mmol/cm3") -> Kernel:
    """Read a kernel CSV (layout in the module docstring).

    Parameters
    ----------
    path
        The CSV file (may be compressed, see :func:`nakit.textio.read_bytes`).
    loading_units
        Unit of the kernel loadings, per unit pore volume: one of ``"mmol/cm3"`` (default,
        pyGAPS), ``"mol/cm3"``, ``"cm3 STP/cm3"``.

    Returns
    -------
    Kernel

    Raises
    ------
    FileFormatError
        A field that is not a number, rows of different lengths, widths or pressures that do
        not rise strictly, p/p0 outside (0, 1.05], negative loadings, fewer than 2 widths or
        3 pressures, a last row cut short in a file without a final line break; each names
        the line and field.
    """
    unit = str(loading_units).strip().lower()
    if unit not in KERNEL_LOADING_UNITS:
        raise ParameterError(f"loading_units must be one of {sorted(KERNEL_LOADING_UNITS)}, got {loading_units!r}")
    text = read_text_lines(path)
    rows = [(i + 1, ln) for i, ln in enumerate(text.lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if len(rows) < 4:
        raise FileFormatError(path, "a kernel needs a header row of pore widths and at least 3 pressure rows")
    head_line, head = rows[0]
    cells = head.split(",")
    if len(cells) < 3:
        raise FileFormatError(path, "header row: expected a label cell then at least 2 pore widths (nm), "
                                    "comma separated", line=head_line)
    width = parse_rows([",".join(cells[1:])], path=path, first_line=head_line, delimiter=",",
                       names=[f"width {k + 1}" for k in range(len(cells) - 1)])[0]
    ncols = len(cells)
    data = np.empty((len(rows) - 1, ncols))
    for k, (line, ln) in enumerate(rows[1:]):  # one row at a time: blank/comment lines shift numbering
        data[k] = parse_rows([ln], path=path, first_line=line, delimiter=",", ncols=ncols,
                             names=["p/p0"] + [f"w={c.strip()} nm" for c in cells[1:]])[0]
    # a file cut mid-number ("29.5" from "29.556") would parse: refuse a suspicious last row
    check_last_row([ln for _, ln in rows[1:]], path=path, ends_with_newline=text.ends_with_newline,
                   line=rows[-1][0], delimiter=",")
    p, loading = data[:, 0], data[:, 1:]
    if np.any(width <= 0) or np.any(np.diff(width) <= 0):
        raise FileFormatError(path, "pore widths must be positive and strictly rising (nm)", line=head_line)
    bad = np.flatnonzero((p <= 0) | (p > 1.05))
    if bad.size:
        raise FileFormatError(path, f"p/p0 {p[bad[0]]:g} outside (0, 1.05]", line=rows[1 + bad[0]][0], field="p/p0")
    bad = np.flatnonzero(np.diff(p) <= 0)
    if bad.size:
        raise FileFormatError(path, "p/p0 must rise strictly down the rows", line=rows[2 + bad[0]][0], field="p/p0")
    if np.any(loading < 0):
        i, j = np.argwhere(loading < 0)[0]
        raise FileFormatError(path, f"negative kernel loading {loading[i, j]:g}", line=rows[1 + i][0],
                              field=f"w={cells[1 + j].strip()} nm")
    return Kernel(p, width, loading * KERNEL_LOADING_UNITS[unit], name=str(path))


def load_kernel(kernel) -> Kernel:
    """A :class:`Kernel` from a shipped name (see :data:`KERNELS`), a file path or a Kernel."""
    if isinstance(kernel, Kernel):
        return kernel
    if isinstance(kernel, str) and kernel in KERNELS:
        return _shipped(kernel)
    if isinstance(kernel, Path) or (isinstance(kernel, str) and (Path(kernel).exists() or "/" in kernel
                                                                 or "\\" in kernel or "." in kernel)):
        return read_kernel(kernel)  # a missing file: FileFormatError "file not found", naming it
    raise ParameterError(f"kernel must be one of the shipped kernels {sorted(KERNELS)}, a kernel CSV path "
                         f"or a Kernel; got {kernel!r}")


@lru_cache(maxsize=None)
def _shipped(name: str) -> Kernel:
    k = read_kernel(KERNEL_DIR / KERNELS[name][0])
    return Kernel(k.relative_pressure, k.width, k.loading, name=name)


#: The DFT fit's flags in words (the warnings issued with them give the numbers).
DFT_FLAG_WORDS = {
    "points_outside_kernel_range": "points outside the kernel's p/p0 range left out of the fit",
    "large_residual": "the kernel fits the isotherm poorly: it may not suit this material",
    "volume_in_unprobed_widths": "part of the volume in widths whose pores fill outside the measured p/p0 range "
                                 "(not determined by the data)",
    "volume_at_smallest_width": "volume at the kernel's smallest widths: pores narrower than it covers",
    "volume_at_largest_width": "volume at the kernel's largest widths: pores wider than it covers",
    "adsorptive_mismatch": "the kernel is for N2 at 77 K, the isotherm is not",
}


@dataclass
class DFTResult(Result):
    """A kernel pore size distribution, its fit to the isotherm and its checks.

    Widths in nm, volumes in cm3/g (pore volume), areas in m2/g, loadings in cm3/g STP.
    ``flags`` names each check the result fails (``ok`` is then False); see :func:`psd_dft_raw`.
    The fitted points are one branch by rising p/p0, so they lie along a ``relative_pressure``
    dimension (as :func:`nakit.sorption.branch` gives a branch), not an isotherm's ``point``.
    """

    flag_words: ClassVar[dict[str, str]] = DFT_FLAG_WORDS
    units: ClassVar[dict[str, str]] = {'kernel_pressure_range': '1', 'kernel_width_range': 'nm', 'resolved_width_range': 'nm', 'pore_width': 'nm', 'dv_dw': 'cm3/g/nm', 'dv': 'cm3/g', 'v_cumulative': 'cm3/g', 'a_cumulative': 'm2/g', 'dv_dlogw': 'cm3/g', 'relative_pressure': '1', 'loading': 'cm3/g STP', 'loading_fit': 'cm3/g STP', 'total_volume': 'cm3/g', 'total_area': 'm2/g', 'mode_width': 'nm', 'median_width': 'nm', 'rms_residual': 'cm3/g STP', 'regularisation': '1', 'lambda_grid': '1', 'n_excluded': '1'}
    dims: ClassVar[dict[str, str]] = {'pore_width': 'pore_width', 'dv_dw': 'pore_width', 'dv': 'pore_width', 'v_cumulative': 'pore_width', 'a_cumulative': 'pore_width', 'dv_dlogw': 'pore_width', 'relative_pressure': 'relative_pressure', 'loading': 'relative_pressure', 'loading_fit': 'relative_pressure', 'lambda_grid': 'lambda'}

    pore_width: np.ndarray
    dv_dw: np.ndarray
    dv: np.ndarray
    v_cumulative: np.ndarray
    a_cumulative: np.ndarray
    dv_dlogw: np.ndarray
    relative_pressure: np.ndarray
    loading: np.ndarray
    loading_fit: np.ndarray
    total_volume: float
    total_area: float
    mode_width: float
    median_width: float
    rms_residual: float
    regularisation: float
    criterion: str
    lambda_grid: np.ndarray
    criterion_curve: dict
    kernel_name: str
    kernel_pressure_range: tuple[float, float]
    kernel_width_range: tuple[float, float]
    n_excluded: int
    resolved_width_range: tuple[float, float]
    settings: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the distribution passed every check (no flags)."""
        return not self.flags

    @property
    def residual(self) -> np.ndarray:
        """Measured minus fitted loading at each fitted point (cm3/g STP)."""
        return self.loading - self.loading_fit

    def to_dataset(self, **attrs) -> xr.Dataset:
        """The distribution over ``pore_width`` and the fit over ``relative_pressure``, summary in attrs (each
        number with its unit in ``<name>_units``); ``attrs`` are added (the branch, the isotherm's provenance)."""
        dist = {"dv_dw": (self.dv_dw, "cm3/g/nm", "dV/dw"), "dv": (self.dv, "cm3/g", "incremental pore volume"),
                "v_cumulative": (self.v_cumulative, "cm3/g", "cumulative pore volume (pores up to w)"),
                "a_cumulative": (self.a_cumulative, "m2/g", "cumulative pore area (slit: 2 V / w)"),
                "dv_dlogw": (self.dv_dlogw, "cm3/g", "dV/dlog(w)")}
        fit = {"loading": (self.loading, "cm3/g STP", "quantity adsorbed"),
               "loading_fit": (self.loading_fit, "cm3/g STP", "kernel fit"),
               "residual": (self.residual, "cm3/g STP", "measured - fit")}
        summary = {"total_volume": self.total_volume, "total_area": self.total_area, "mode_width": self.mode_width,
                   "median_width": self.median_width, "rms_residual": self.rms_residual,
                   "regularisation": self.regularisation, "criterion": self.criterion,
                   "kernel": self.kernel_name, "kernel_pressure_range": list(self.kernel_pressure_range),
                   "kernel_width_range": list(self.kernel_width_range), "n_excluded": self.n_excluded,
                   "resolved_width_range": list(self.resolved_width_range),
                   "flags": "; ".join(self.flags),  # a string, so the Dataset stays NetCDF-writable
                   "ok": int(self.ok), "result": type(self).__name__}
        if self.flags:  # in words, for nakit.report.flags_of
            summary["flag_details"] = "; ".join(self.flag_details)
        summary.update(units_attrs(summary, self.units))  # each total's unit beside it
        variables = {k: ("pore_width", v, {"units": u, "long_name": n}) for k, (v, u, n) in dist.items()}
        variables |= {k: ("relative_pressure", v, {"units": u, "long_name": n}) for k, (v, u, n) in fit.items()}
        return xr.Dataset(
            variables,
            coords={"pore_width": ("pore_width", self.pore_width, {"units": "nm", "long_name": "pore width"}),
                    "relative_pressure": ("relative_pressure", self.relative_pressure, {"units": "1", "long_name": "p/p0"})},
            attrs={**self.settings, **summary, **attrs})


def _difference_operator(n: int, order: int) -> np.ndarray:
    if order not in (0, 1, 2):
        raise ParameterError(f"penalty_order must be 0, 1 or 2, got {order!r}")
    return np.diff(np.eye(n), n=order, axis=0)


def _solve(A, b, L, mu):
    """argmin ||A f - b||^2 + mu^2 ||L f||^2 subject to f >= 0 (NNLS on the stacked system)."""
    M = np.vstack([A, mu * L])
    y = np.concatenate([b, np.zeros(L.shape[0])])
    f, _ = nnls(M, y, maxiter=50 * M.shape[1])
    return f


def _influence_trace(A, L, mu, f) -> float:
    """tr of the influence matrix restricted to the active (f > 0) columns, for GCV."""
    s = f > 0
    if not s.any():
        return 0.0
    As, Ls = A[:, s], L[:, s]
    G = As.T @ As + mu**2 * (Ls.T @ Ls)
    try:
        X = np.linalg.solve(G, As.T)
    except np.linalg.LinAlgError:  # an unregularised, rank-deficient active set
        X = np.linalg.pinv(G) @ As.T
    return float(np.einsum("ij,ji->", As, X))


def _lcurve_corner(rho, eta) -> int:
    """Index of the L-curve's corner: the point nearest the origin once both log axes span [0, 1].

    The textbook corner (largest curvature) is unreliable here: with kernel mismatch the
    residual norm is flat over most of the grid and finite-difference curvature is dominated
    by round-off on the flat part. The nearest-to-origin point of the normalised log-log curve
    is the balance point of the trade-off and is scale-free.
    """
    x, y = np.log(np.maximum(rho, 1e-300)), np.log(np.maximum(eta, 1e-300))
    span_x, span_y = np.ptp(x), np.ptp(y)
    xn = (x - x.min()) / span_x if span_x > 1e-12 else np.zeros_like(x)
    yn = (y - y.min()) / span_y if span_y > 1e-12 else np.zeros_like(y)
    return int(np.argmin(xn**2 + yn**2))


def psd_dft_raw(relative_pressure, loading, kernel="n2-77k-carbon-slit", *, regularisation="lcurve",
                penalty_order: int = 2, lambda_grid=None, p_range=None, max_relative_residual: float = 0.01,
                edge_fraction: float = 0.05) -> DFTResult:
    r"""Pore size distribution from a DFT kernel by a regularised non-negative least-squares fit.

    Parameters
    ----------
    relative_pressure, loading
        One isotherm branch: p/p0 and loading in cm3/g STP, any order (not modified).
    kernel
        A shipped kernel name (:data:`KERNELS`, default ``"n2-77k-carbon-slit"``), a kernel CSV
        path (layout: module docstring) or a :class:`Kernel`.
    regularisation
        ``"lcurve"`` (default): the corner of the L-curve; ``"gcv"``: the minimum of generalised
        cross-validation; or a number, the relative parameter :math:`\lambda` used as given
        (``0`` is a plain NNLS fit).
    penalty_order
        Order of the finite-difference penalty on the distribution over the kernel's width
        grid: 2 (default, smoothness), 1 (flatness) or 0 (size, Tikhonov's original form).
    lambda_grid
        Relative :math:`\lambda` values searched by ``"lcurve"``/``"gcv"``; default
        :data:`LAMBDA_GRID` (31 values from 1e-6 to 1, evenly spaced in log).
    p_range
        (low, high) p/p0 to fit; default: every point inside the kernel's pressure range.
    max_relative_residual
        Flag the fit when the RMS residual exceeds this fraction of the largest loading
        (default 0.01, 1 %).
    edge_fraction
        Flag the distribution when more than this fraction of the volume (default 5 %) lies
        in the kernel's two smallest or two largest widths (the sample has pores the kernel
        does not cover, and the distribution is cut there), or in widths the measured
        pressures do not probe.

    Returns
    -------
    DFTResult
        The distribution (``pore_width``, ``dv_dw``, ``dv``, cumulative volume and area,
        ``dv_dlogw``), the fitted points (``loading_fit``, ``residual``), ``total_volume``,
        ``total_area``, ``mode_width`` (largest dV/dw), ``median_width`` (half the volume in
        smaller pores), ``rms_residual``, the regularisation used and the criterion curve
        behind it, the kernel's valid pressure and width ranges, ``resolved_width_range`` (the
        widths whose kernel isotherm reaches half its filling between the first and last
        fitted point: only these are determined by the data), and ``flags``:
        ``points_outside_kernel_range``, ``large_residual``, ``volume_at_smallest_width`` /
        ``volume_at_largest_width`` (pores the kernel does not cover),
        ``volume_in_unprobed_widths`` (more than ``edge_fraction`` of the volume in widths
        outside ``resolved_width_range``). Each flag is
        also issued as a :class:`~nakit.errors.NakitWarning`.

    Raises
    ------
    ParameterError
        Bad arrays or options, or fewer than 3 points inside the kernel's pressure range.
    CalculationError
        The fit finds no pore volume at all.

    Notes
    -----
    The measured isotherm is the kernel integrated over the pore size distribution (the
    generalised adsorption isotherm, Ravikovitch & Neimark; Thommes et al. 2015):

    .. math:: N(p) = \int_{w_\min}^{w_\max} K(p, w)\, f(w)\, \mathrm{d}w

    with :math:`K(p, w)` the loading per unit pore volume of pores of width :math:`w` and
    :math:`f(w) = \mathrm{d}V/\mathrm{d}w`. On the kernel's widths :math:`w_j` (cells of
    width :math:`\Delta w_j` with edges halfway between neighbours) this is
    :math:`N = A f`, :math:`A_{ij} = K(p_i, w_j)\,\Delta w_j`, solved as

    .. math:: \min_{f \ge 0}\ \lVert A f - N \rVert^2 + (\lambda s)^2 \lVert L f \rVert^2,
       \qquad s = \lVert A \rVert_2 / \lVert L \rVert_2,

    by NNLS on the stacked system. :math:`L` is the ``penalty_order`` difference operator,
    and the scale :math:`s` makes :math:`\lambda` dimensionless (independent of units and
    kernel resolution; Micromeritics' "regularization 0.01" is a relative weight too, but
    not necessarily on the same scale). The kernel is interpolated to the measured
    pressures by PCHIP in log p/p0 (:meth:`Kernel.at`); points outside the kernel's
    pressure range are left out of the fit, counted and flagged.

    Choosing :math:`\lambda`: the default is the corner of the L-curve (log residual norm vs
    log seminorm :math:`\lVert L f\rVert` over the grid), taken as the point nearest the
    origin once both log axes are scaled to [0, 1] (largest curvature is unreliable when the
    residual is flat over most of the grid, as it is under kernel mismatch). The misfit of
    a real isotherm is dominated by systematic kernel mismatch (wall chemistry, pore shape,
    roughness), not independent noise; GCV assumes independent noise and then tends to pick
    too little smoothing (spiky distributions), which the L-curve, using only the shape of
    the trade-off, does less. GCV (:math:`n \lVert r\rVert^2 / (n - \mathrm{tr}\,H)^2` with
    the influence matrix :math:`H` restricted to the active, non-zero widths, as is usual
    for non-negative Tikhonov) is offered for comparison.

    The slit-pore area is :math:`\mathrm{d}A = 2\,\mathrm{d}V / w` (two walls per pore;
    :math:`2000\,\mathrm{d}V/w` in m2/g for V in cm3/g and w in nm). For a kernel of another
    geometry this area is not the wall area (cylinders: :math:`4V/d`).

    References
    ----------
    .. [1] P. I. Ravikovitch, A. V. Neimark, "Characterization of nanoporous materials from
       adsorption and desorption isotherms", Colloids Surf. A 187-188 (2001) 11-21.
    .. [2] M. Thommes, K. Kaneko, A. V. Neimark, J. P. Olivier, F. Rodriguez-Reinoso,
       J. Rouquerol, K. S. W. Sing, "Physisorption of gases, with special reference to the
       evaluation of surface area and pore size distribution (IUPAC Technical Report)",
       Pure Appl. Chem. 87 (2015) 1051-1069.
    .. [3] P. C. Hansen, D. P. O'Leary, "The use of the L-curve in the regularization of
       discrete ill-posed problems", SIAM J. Sci. Comput. 14 (1993) 1487-1503.
    """
    k = load_kernel(kernel)
    p = as_float_array(relative_pressure, "relative_pressure")
    q = as_float_array(loading, "loading")
    same_length(relative_pressure=p, loading=q)
    refuse_beyond_saturation(p)
    order = np.argsort(p, kind="stable")
    p, q = p[order], q[order]
    lo, hi = k.pressure_range
    if p_range is not None:
        try:
            a, b = (float(v) for v in p_range)
        except (TypeError, ValueError):
            raise ParameterError(f"p_range must be (low, high) p/p0, got {p_range!r}") from None
        if not a < b:
            raise ParameterError(f"p_range must be (low, high) with low < high, got {p_range!r}")
        lo, hi = max(lo, a), min(hi, b)
    inside = (p >= lo) & (p <= hi)
    n_out_kernel = int(np.count_nonzero((p < k.pressure_range[0]) | (p > k.pressure_range[1])))
    p, q = p[inside], q[inside]
    if p.size < 3:
        raise ParameterError(f"fewer than 3 points with p/p0 in [{lo:g}, {hi:g}] (the kernel covers "
                             f"{k.pressure_range[0]:g} to {k.pressure_range[1]:g})")
    if np.any(q < 0):
        raise ParameterError("loading must be non-negative")

    dw = k.width_bins
    A = k.at(p) * dw
    L = _difference_operator(k.width.size, penalty_order)
    scale = np.linalg.norm(A, 2) / max(np.linalg.norm(L, 2), 1e-300) if L.size else 0.0
    grid = None
    curve: dict = {}
    if isinstance(regularisation, str):
        crit = regularisation.lower()
        if crit not in ("lcurve", "gcv"):
            raise ParameterError(f"regularisation must be 'lcurve', 'gcv' or a number >= 0, got {regularisation!r}")
        grid = np.sort(as_float_array(LAMBDA_GRID if lambda_grid is None else lambda_grid, "lambda_grid", min_size=3))
        if np.any(grid <= 0):
            raise ParameterError("lambda_grid values must be positive")
        sols = [_solve(A, q, L, lam * scale) for lam in grid]
        rho = np.array([np.linalg.norm(A @ f - q) for f in sols])
        eta = np.array([np.linalg.norm(L @ f) for f in sols])
        curve = {"residual_norm": rho, "seminorm": eta}
        if crit == "gcv":
            n = q.size
            tr = np.array([_influence_trace(A, L, lam * scale, f) for lam, f in zip(grid, sols)])
            gcv = n * rho**2 / np.maximum(n - tr, 1e-12) ** 2
            curve["gcv"] = gcv
            best = int(np.argmin(gcv))
        else:
            best = _lcurve_corner(rho, eta)
        lam, f = float(grid[best]), sols[best]
    else:
        try:
            lam = float(regularisation)
        except (TypeError, ValueError):
            raise ParameterError(f"regularisation must be 'lcurve', 'gcv' or a number >= 0, got {regularisation!r}") from None
        if not np.isfinite(lam) or lam < 0:
            raise ParameterError(f"regularisation must be >= 0, got {regularisation!r}")
        crit = "fixed"
        f = _solve(A, q, L, lam * scale)

    dv = f * dw
    total_v = float(dv.sum())
    if total_v <= 0:
        raise CalculationError("the kernel fit finds no pore volume (all weights zero): is the isotherm in "
                               "cm3/g STP and the kernel for this adsorptive?")
    w = k.width
    da = 2000.0 * dv / w
    v_cum = np.cumsum(dv)
    fit = A @ f
    rms = float(np.sqrt(np.mean((q - fit) ** 2)))
    # v_cum[j] holds every pore of cell j, so it belongs at the cell's upper edge, not at w[j]
    upper = w + dw / 2
    median = float(np.interp(0.5 * total_v, np.concatenate([[0.0], v_cum]), np.concatenate([[w[0] - dw[0] / 2], upper])))

    flags = []
    if n_out_kernel:
        flags.append("points_outside_kernel_range")
        warnings.warn(f"DFT: {n_out_kernel} isotherm point(s) lie outside the kernel's p/p0 range "
                      f"[{k.pressure_range[0]:g}, {k.pressure_range[1]:g}] and were left out of the fit",
                      NakitWarning, stacklevel=2)
    if rms > max_relative_residual * float(q.max()):
        flags.append("large_residual")
        warnings.warn(f"DFT: the kernel fits the isotherm poorly (RMS residual {rms:.3g} cm3/g STP = "
                      f"{100 * rms / q.max():.2g} % of the largest loading, limit {100 * max_relative_residual:g} %): "
                      f"the kernel may not suit this material (adsorptive, wall, pore shape)", NakitWarning, stacklevel=2)
    # widths whose pores fill between the first and last fitted point: the data constrain them
    probed = (k.filling_pressure >= p[0]) & (k.filling_pressure <= p[-1])
    resolved = (float(w[probed][0]), float(w[probed][-1])) if probed.any() else (float("nan"), float("nan"))
    unprobed = float(dv[~probed].sum())
    if unprobed > edge_fraction * total_v:
        flags.append("volume_in_unprobed_widths")
        warnings.warn(f"DFT: {100 * unprobed / total_v:.0f} % of the pore volume is put in widths whose pores fill "
                      f"outside the measured p/p0 range {p[0]:.3g}-{p[-1]:.3g} (widths probed: {resolved[0]:g}-"
                      f"{resolved[1]:g} nm): that part of the distribution is not determined by the data",
                      NakitWarning, stacklevel=2)
    for name, part in (("volume_at_smallest_width", dv[:2]), ("volume_at_largest_width", dv[-2:])):
        if part.sum() > edge_fraction * total_v:
            flags.append(name)
            edge = w[0] if "smallest" in name else w[-1]
            warnings.warn(f"DFT: {100 * part.sum() / total_v:.0f} % of the pore volume sits at the kernel's "
                          f"{'smallest' if 'smallest' in name else 'largest'} widths (~{edge:g} nm): the sample has "
                          f"pores the kernel does not cover and the distribution is cut there", NakitWarning, stacklevel=2)

    return DFTResult(
        pore_width=w.copy(), dv_dw=f, dv=dv, v_cumulative=v_cum, a_cumulative=np.cumsum(da),
        dv_dlogw=f * w * np.log(10.0), relative_pressure=p, loading=q, loading_fit=fit,
        total_volume=total_v, total_area=float(da.sum()), mode_width=float(w[int(np.argmax(f))]),
        median_width=median, rms_residual=rms, regularisation=lam, criterion=crit,
        lambda_grid=grid if grid is not None else np.array([lam]), criterion_curve=curve,
        kernel_name=k.name, kernel_pressure_range=k.pressure_range, kernel_width_range=k.width_range,
        n_excluded=int(np.count_nonzero(~inside)), resolved_width_range=resolved,
        settings={"penalty_order": penalty_order, "max_relative_residual": max_relative_residual,
                  "edge_fraction": edge_fraction},
        flags=tuple(flags))


def width_text(width: float, digits: int = 4) -> str:
    """A pore width (nm) for a table, to ``digits`` significant figures with its trailing zeros.

    A modal width is a kernel grid width, often a whole number of nm: a table's general rule
    (whole numbers print without decimals) wrote "3" beside "9.200" and "0.4000". ``""`` for
    None or NaN, as a missing cell.
    """
    if width is None or not np.isfinite(width):
        return ""
    return f"{float(width):#.{digits}g}"


def kernel_material_flags(kernel, material: str | None) -> tuple[str, ...]:
    """A flag when a shipped kernel's pore model is not known to match the sample's material.

    A kernel is computed for one wall material and pore geometry (the shipped one: carbon
    slit pores). On another material it may still fit the isotherm, but the wall potential
    and pore shape behind its widths are not the sample's, so the widths (the modal width,
    the distribution) are indicative only (IUPAC, Thommes et al. 2015: a kernel must match
    the adsorbent's pore geometry and surface chemistry). nakit cannot tell the material
    from an isotherm; the sample states it (``material``, e.g. ``"carbon"`` or ``"ordered
    mesoporous carbon"``: a description containing the kernel's material word matches).

    Parameters
    ----------
    kernel
        The kernel as given to :func:`psd_dft` (a shipped name, a path or a :class:`Kernel`).
    material
        The sample's material as stated; None or ``""`` when it states none.

    Returns
    -------
    tuple of str
        Empty when the material matches, or when the kernel is not a shipped one (a kernel
        file or :class:`Kernel` the user chose: its model is theirs to know); otherwise one
        readable flag naming the kernel's model and the sample's material (or its absence).
        The fitted total pore volume is not affected: it is the uptake as liquid, whatever
        the walls.
    """
    name = kernel.name if isinstance(kernel, Kernel) else kernel
    if not isinstance(name, str) or name not in KERNEL_MODELS:
        return ()
    wall, pores = KERNEL_MODELS[name]
    stated = " ".join(str(material or "").split())
    if wall in stated.lower().replace("-", " ").split():
        return ()
    if stated:
        return (f"kernel {name} assumes {wall} {pores}, not {stated!r}: the pore widths are indicative only",)
    return (f"kernel {name} assumes {wall} {pores} and the sample's material is not stated: the pore widths are "
            f"indicative only unless it is a {wall} (state its material if so)",)


def psd_dft(ds: xr.Dataset, kernel="n2-77k-carbon-slit", branch: str = "adsorption", **kwargs) -> xr.Dataset:
    """DFT-kernel distribution of an isotherm Dataset's ``branch`` as a Dataset.

    Variables over ``pore_width`` (nm): ``dv_dw`` (cm3/g/nm), ``dv`` (cm3/g),
    ``v_cumulative``, ``a_cumulative`` (m2/g), ``dv_dlogw``; over ``relative_pressure`` (the
    fitted points): ``loading``, ``loading_fit``, ``residual`` (cm3/g STP). attrs:
    ``total_volume``, ``total_area``, ``mode_width``, ``median_width``, ``rms_residual``,
    ``regularisation``, ``criterion``, ``kernel``, ``kernel_pressure_range``,
    ``kernel_width_range``, ``n_excluded``, ``flags``, the settings and the branch.

    Kernels are computed for the adsorption branch (NLDFT equilibrium/desorption kernels
    exist, but the shipped one is an adsorption kernel); the default is therefore
    ``"adsorption"``. An isotherm whose ``attrs`` name another adsorptive than N2, or a
    temperature far from 77 K, is flagged ``adsorptive_mismatch`` when a shipped N2/77 K
    kernel is used. See :func:`psd_dft_raw` for the method and the other options.
    """
    p, q = get_branch(ds, branch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = psd_dft_raw(p, q, kernel, **kwargs)
    for w in caught:  # re-issued so they point at the caller's line and obey the caller's filters
        warnings.warn(w.message, w.category, stacklevel=2)
    if isinstance(kernel, str) and kernel in KERNELS and kernel.startswith("n2-77k"):
        gas = (stated_adsorptive(ds) or ASSUMED_ADSORPTIVE).lower()
        stated = stated_temperature(ds)  # None (missing or unreadable) is not evidence of a mismatch
        temp = float("nan") if stated is None else stated
        bad_gas = gas not in ("n2", "nitrogen")
        bad_t = stated is not None and abs(stated - ASSUMED_TEMPERATURE_K) > 2
        if bad_gas or bad_t:
            result.flags = (*result.flags, "adsorptive_mismatch")
            warnings.warn(f"DFT: the kernel {kernel!r} is for N2 at 77 K; the isotherm is "
                          f"{ds.attrs.get('adsorptive')!r} at {temp} K", NakitWarning, stacklevel=2)
    return result.to_dataset(branch=branch, **source_attrs(ds))
