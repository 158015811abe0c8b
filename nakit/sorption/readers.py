"""Readers and writers for N2 sorption isotherms.

Every reader returns the isotherm Dataset of :mod:`nakit.sorption.isotherm` (loading in
cm3/g STP, the file's own unit kept in ``attrs['loading_units_in_file']``). Formats:

* Micromeritics Full Report Set exports (:mod:`nakit.sorption.micromeritics`);
* AIF, the Adsorption Information File (read and write), a CIF dialect read with gemmi;
* plain CSV: a p/p0 column and a loading column whose header states its unit, e.g.
  ``Relative Pressure (P/Po), Quantity Adsorbed (cm3/g STP)``, optional ``branch`` column;
* pyGAPS CSV (``key,value`` header block, then ``data:[pressure,loading,branch]``);
* pyGAPS JSON (``isotherm_data`` list; absolute pressures are made relative with the N2
  vapour pressure at the stated temperature).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, ParameterError
from .isotherm import make_isotherm
from .micromeritics import read_micromeritics
from .units import n2_saturation_pressure, normalise_unit, pressure_factor

__all__ = ["read_isotherm", "read_micromeritics", "read_aif", "write_aif", "read_csv", "read_pygaps_json"]


def read_isotherm(path: str | os.PathLike) -> xr.Dataset:
    """Read any supported isotherm file, choosing the reader by extension and content."""
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(p, "file not found")
    ext = p.suffix.lower()
    if ext in (".xls", ".xlsx"):
        return read_micromeritics(p)
    if ext == ".aif":
        return read_aif(p)
    if ext == ".json":
        return read_pygaps_json(p)
    if ext in (".csv", ".txt"):
        return read_csv(p)
    raise FileFormatError(p, f"unknown isotherm file type {ext!r}; expected .xls/.xlsx, .aif, .json or .csv")


def _text(path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _number(text, path, line, field) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        raise FileFormatError(path, f"expected a number, got {text!r}", line=line, field=field) from None


def _unit_of(header: str) -> str:
    m = re.search(r"\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*$", header)
    return m.group(1) if m else ""


def read_csv(path: str | os.PathLike) -> xr.Dataset:
    """Read a plain two/three-column CSV isotherm or a pyGAPS CSV.

    Plain CSV: the header names the relative pressure column (``p/p0``, ``P/Po``,
    ``relative pressure``, ``relative_pressure``) and a loading column with its unit in
    brackets; an optional ``branch`` column holds ads/des labels (otherwise the branch
    splits after the highest pressure). A loading header without a unit is refused rather
    than guessed.
    """
    text = _text(path)
    lines = text.splitlines()
    if lines and lines[0].split(",")[0].strip() in ("pressure_mode", "file_version", "material"):
        return _read_pygaps_csv(path, lines)
    rows = [r for r in csv.reader(io.StringIO(text))]
    if not rows:
        raise FileFormatError(path, "empty file")
    header = [h.strip() for h in rows[0]]
    norm = [normalise_unit(h).replace("_", " ") for h in header]  # 'relative_pressure' names it too
    ip = next((i for i, h in enumerate(norm) if "p/p" in h or "relative pressure" in h or h in ("p rel", "prel")), None)
    iq = next((i for i, h in enumerate(norm) if i != ip and any(w in h for w in ("quantity", "loading", "amount", "uptake", "adsorbed"))), None)
    ib = next((i for i, h in enumerate(norm) if h == "branch"), None)
    if ip is None or iq is None:
        raise FileFormatError(path, f"header {header} must name a relative-pressure column (p/p0) and a loading "
                              "column with its unit, e.g. 'Quantity Adsorbed (cm3/g STP)'", line=1)
    unit = _unit_of(header[iq])
    if not unit:
        raise FileFormatError(path, f"loading column {header[iq]!r} states no unit (cm3/g STP, mmol/g or mol/g)",
                              line=1, field=header[iq])
    p, q, b = [], [], []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(ip, iq):
            raise FileFormatError(path, f"expected {len(header)} columns, got {len(row)}", line=n)
        p.append(_number(row[ip], path, n, header[ip]))
        q.append(_number(row[iq], path, n, header[iq]))
        if ib is not None:
            b.append(row[ib])
    try:
        return make_isotherm(p, q, b if ib is not None else None, loading_units=unit,
                             attrs={"loading_units_in_file": unit, **file_provenance(path, "csv")},
                             source=str(path), row_offset=2)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), line=1, field=header[iq]) from None


def _read_pygaps_csv(path, lines) -> xr.Dataset:
    meta: dict[str, str] = {}
    start = None
    for n, line in enumerate(lines, start=1):
        if line.startswith("data:"):
            start = n
            break
        key, _, value = line.partition(",")
        meta[key.strip()] = value.strip()
    if start is None or start >= len(lines):
        raise FileFormatError(path, "pyGAPS CSV without a 'data:[...]' section")
    header = [h.strip() for h in lines[start].split(",")]
    if "pressure" not in header or "loading" not in header:
        raise FileFormatError(path, f"data header {header} lacks pressure/loading", line=start + 1)
    rows = [r.split(",") for r in lines[start + 1:] if r.strip()]
    ip, iq = header.index("pressure"), header.index("loading")
    p = [_number(r[ip], path, start + 2 + k, "pressure") for k, r in enumerate(rows)]
    q = [_number(r[iq], path, start + 2 + k, "loading") for k, r in enumerate(rows)]
    branch = [r[header.index("branch")] for r in rows] if "branch" in header else None
    return _pygaps_isotherm(path, meta, p, q, branch, "pygaps-csv", start + 2)


def read_pygaps_json(path: str | os.PathLike) -> xr.Dataset:
    """Read a pyGAPS JSON isotherm (``isotherm_data`` as a list of points or a column dict)."""
    try:
        doc = json.loads(_text(path))
    except json.JSONDecodeError as exc:
        raise FileFormatError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    data = doc.get("isotherm_data") if isinstance(doc, dict) else None
    if isinstance(data, dict):
        keys = list(data)
        data = [{k: data[k][str(i)] if isinstance(data[k], dict) else data[k][i] for k in keys}
                for i in range(len(next(iter(data.values()))))]
    if not isinstance(data, list) or not data:
        raise FileFormatError(path, "no 'isotherm_data' points", field="isotherm_data")
    try:
        p = [float(d["pressure"]) for d in data]
        q = [float(d["loading"]) for d in data]
    except (KeyError, TypeError, ValueError) as exc:
        raise FileFormatError(path, f"each point needs numeric 'pressure' and 'loading' ({exc})", field="isotherm_data") from None
    branch = [d["branch"] for d in data] if all("branch" in d for d in data) else None
    meta = {k: v for k, v in doc.items() if k != "isotherm_data"}
    return _pygaps_isotherm(path, meta, p, q, branch, "pygaps-json", None)


def _pygaps_isotherm(path, meta, p, q, branch, fmt, row_offset) -> xr.Dataset:
    mode = str(meta.get("pressure_mode", "absolute") or "absolute")
    p = np.asarray(p, dtype=float)
    temperature = _number(meta.get("temperature", 77.355), path, None, "temperature")
    pressure = p0 = None
    if mode == "absolute":
        unit = meta.get("pressure_unit") or "bar"
        pressure = p * _known(pressure_factor, unit, path, "pressure_unit")
        p0 = np.full(p.size, n2_saturation_pressure(temperature))
        p = pressure / p0
    elif mode != "relative":
        raise FileFormatError(path, f"pressure_mode {mode!r} is not supported (absolute or relative)", field="pressure_mode")
    basis = str(meta.get("loading_basis", "molar"))
    lunit = meta.get("loading_unit") or "mmol"
    munit = meta.get("material_unit") or "g"
    if basis not in ("molar", "volume_gas") or str(meta.get("material_basis", "mass")) != "mass":
        raise FileFormatError(path, f"loading basis {basis!r} per {meta.get('material_basis')!r} is not supported "
                              "(molar or volume_gas per mass)", field="loading_basis")
    unit = f"{lunit}/{munit}" if basis == "molar" else "cm3/g STP"
    if str(meta.get("adsorbate", "nitrogen")).lower() not in ("nitrogen", "n2"):
        raise FileFormatError(path, f"adsorbate {meta.get('adsorbate')!r}: only N2 isotherms are supported", field="adsorbate")
    attrs = {"sample_name": str(meta.get("material", "")), "adsorptive": "N2", "temperature_K": temperature,
             "loading_units_in_file": unit, **file_provenance(path, fmt)}
    try:
        return make_isotherm(p, q, branch, loading_units=_known(lambda u: u, unit, path, "loading_unit"),
                             pressure=pressure, saturation_pressure=p0, attrs=attrs, source=str(path),
                             row_offset=row_offset)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field="loading_unit") from None


def _known(func, unit, path, field):
    try:
        return func(unit)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field=field) from None


# --- AIF -------------------------------------------------------------------------------------

def read_aif(path: str | os.PathLike) -> xr.Dataset:
    """Read an Adsorption Information File (Evans et al., Langmuir 2021).

    Uses the ``_adsorp_*``/``_desorp_*`` loops (``pressure``, ``p0``, ``amount``) and the
    ``_units_pressure``/``_units_loading`` items. Absolute pressures are made relative with
    the p0 column or, for N2 files without one (pyGAPS writes none), with the N2 vapour
    pressure at ``_exptl_temperature``.

    References
    ----------
    J. D. Evans, V. Bon, I. Senkovska, S. Kaskel, Langmuir 37 (2021) 4222.
    """
    import gemmi

    try:
        doc = gemmi.cif.read_string(_text(path))
        block = doc.sole_block()
    except (RuntimeError, ValueError) as exc:
        raise FileFormatError(path, f"not a CIF/AIF file ({exc})") from None

    def value(tag, default=None):
        v = block.find_value(tag)
        return default if v is None else gemmi.cif.as_string(v)

    punit = value("_units_pressure")
    lunit = value("_units_loading")
    if not punit or not lunit:
        raise FileFormatError(path, "AIF needs _units_pressure and _units_loading", field="_units_pressure")
    temperature = value("_exptl_temperature")
    fallback_p0 = None
    if temperature is not None and str(value("_exptl_adsorptive", "")).strip().lower() in ("n2", "nitrogen"):
        fallback_p0 = n2_saturation_pressure(_number(temperature, path, None, "_exptl_temperature"))
    ps, qs, bs, abs_p, p0s = [], [], [], [], []
    for prefix, name in (("_adsorp_", "adsorption"), ("_desorp_", "desorption")):
        table = block.find(prefix, ["pressure", "amount", "?p0"])
        if not table:
            if name == "adsorption":
                raise FileFormatError(path, "no _adsorp_pressure/_adsorp_amount loop", field="_adsorp_pressure")
            continue
        for row in table:
            pv = _number(row[0], path, None, prefix + "pressure")
            qs.append(_number(row[1], path, None, prefix + "amount"))
            p0 = _number(row[2], path, None, prefix + "p0") if row.has(2) else None
            if punit.lower() in ("relative", "p/p0"):
                ps.append(pv)
                abs_p.append(np.nan)
                p0s.append(np.nan)
            else:
                f = _known(pressure_factor, punit, path, "_units_pressure")
                if p0 is None:
                    if fallback_p0 is None:
                        raise FileFormatError(path, "absolute pressures need a p0 column (or N2 and a temperature)",
                                              field=prefix + "p0")
                    p0 = fallback_p0 / f
                ps.append(pv / p0)
                abs_p.append(pv * f)
                p0s.append(p0 * f)
            bs.append(name)
    attrs = {"sample_name": value("_adsnt_material_id", ""), "adsorptive": value("_exptl_adsorptive", ""),
             "loading_units_in_file": lunit, **file_provenance(path, "aif", model=value("_exptl_instrument"))}
    if temperature is not None:
        attrs["temperature_K"] = _number(temperature, path, None, "_exptl_temperature")
    mass = value("_adsnt_sample_mass")
    if mass is not None:
        attrs["sample_mass_g"] = _number(mass, path, None, "_adsnt_sample_mass")
    for tag in ("_nakit_synthesised", "_nakit_synthesis_model", "_nakit_synthesis_seed"):
        v = value(tag)
        if v is not None:
            attrs[tag[len("_nakit_"):]] = int(v) if tag.endswith("seed") else v
    try:
        return make_isotherm(ps, qs, bs, loading_units=lunit, pressure=None if np.isnan(abs_p).all() else abs_p,
                             saturation_pressure=None if np.isnan(p0s).all() else p0s, attrs=attrs, source=str(path))
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field="_units_loading") from None


def write_aif(ds: xr.Dataset, path: str | os.PathLike, *, material: str | None = None) -> Path:
    """Write an isotherm Dataset as AIF (pressures in Pa with p0 when known, else relative).

    The output is deterministic (no dates) so forward-model files are reproducible.
    """
    path = Path(path)
    a = ds.attrs
    name = re.sub(r"[^A-Za-z0-9_]+", "_", material or a.get("sample_name") or "isotherm").strip("_") or "isotherm"
    has_abs = "pressure" in ds and "saturation_pressure" in ds
    out = [f"data_{name}", "_audit_aif_version 2263a2c", ""]
    meta = [("_exptl_adsorptive", a.get("adsorptive", "N2")), ("_exptl_temperature", a.get("temperature_K")),
            ("_exptl_instrument", a.get("instrument_model")), ("_adsnt_material_id", material or a.get("sample_name")),
            ("_adsnt_sample_mass", a.get("sample_mass_g")), ("_units_temperature", "K"),
            ("_units_pressure", "Pa" if has_abs else "relative"), ("_units_mass", "g"),
            ("_units_loading", "cm3/g STP")]
    if str(a.get("synthesised", "")) == "yes":
        meta += [("_nakit_synthesised", "yes"), ("_nakit_synthesis_model", a.get("synthesis_model")),
                 ("_nakit_synthesis_seed", a.get("synthesis_seed"))]
    for tag, v in meta:
        if v is not None and v != "":
            out.append(f"{tag} {_cif_value(v)}")
    for branch, prefix in (("adsorption", "_adsorp_"), ("desorption", "_desorp_")):
        mask = ds["branch"].values == branch
        if not mask.any():
            continue
        out += ["", "loop_"] + [prefix + c for c in (("pressure", "p0", "amount") if has_abs else ("pressure", "amount"))]
        for k in np.flatnonzero(mask):
            q = f"{ds['loading'].values[k]:.10g}"
            if has_abs:
                out.append(f"{ds['pressure'].values[k]:.10g} {ds['saturation_pressure'].values[k]:.10g} {q}")
            else:
                out.append(f"{ds['relative_pressure'].values[k]:.10g} {q}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _cif_value(v) -> str:
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{float(v):.6g}" if isinstance(v, (float, np.floating)) else str(v)
    s = str(v)
    return f"'{s}'" if (not s or any(c in s for c in " \t#'\"") or s[0] in "_$;[]") else s
