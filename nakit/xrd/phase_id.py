"""Phase identification: match observed peaks to the reference library's simulated sticks.

A reference line is *matched* when an observed peak lies within ``tolerance`` deg of it.
For each phase the score is the share of its expected intensity (lines above
``min_relative`` % in the scanned range) that is matched; a phase is *present* when
that coverage reaches ``min_coverage``, at least ``min_lines`` lines match, more than chance would
match among peaks as dense as the scan's (:func:`chance_of_lines`), and ``min_lines`` of the peaks
are its own: no line of another present phase explains them (:func:`_supported`).
Each observed peak is assigned a line of a present phase strong enough to be it, each line to
one peak; a peak that strong lines of two present phases explain is a blend of both
(:func:`_assign`). Peaks no present phase explains are the "impurity" list.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd

from ..datamodel import FromMeasurement, Result, source_attrs, source_name
from ..errors import NakitWarning, ParameterError
from ..validation import as_float_array, pass_through
from ._inputs import require_peak_table, two_theta_span
from .profiles import blend_profile
from .readers import Wavelength
from .simulate import Sticks, reflections_in_range
from .structures import Crystal, library, reference

#: The Na-P-S-C-Sn phases the paper's samples could contain.
DEFAULT_CANDIDATES = ("Na2S_Fm-3m", "Na3PS4_P-421c", "Na3PS4_I-43m", "S8_Fddd", "Na_Im-3m",
                      "graphite_P63mmc", "Sn_I41amd")

#: the lines a phase is scored on, and which make a peak a blend, are at least this % of its strongest line
MIN_RELATIVE = 5.0

#: a peak whose unresolved lines move its centre more than this many standard errors of its position from its own
#: line's is no single reflection: a refined cell would take the shift for the line's
BLEND_SHIFT_SIGMAS = 2.0

#: a phase is present only when peaks placed without regard to its lines would match as many of its strong lines
#: with at most this probability (:func:`chance_of_lines`)
MAX_CHANCE = 0.01

#: the observed peaks' density about a line, which sets how often one falls near it by chance, is counted over this
#: many deg either side of it: the peaks of a scan crowd where its phases' lines do, not evenly over the scan
CHANCE_WINDOW_DEG = 4.0

#: a present phase's lines at least this share of its strongest line in the scan should each have a peak
STRONG_LINE = 0.5

#: the flags of a :class:`PhaseID` that doubt its present phases describe the pattern
DOUBT_FLAGS = ("strongest_unexplained", "strong_lines_missing")


@dataclass
class PhaseID(FromMeasurement, Result):
    """Result of :func:`identify_phases` (the :class:`~nakit.datamodel.Result` convention).

    ``scores`` has one row per candidate: its ``coverage``, ``lines_expected`` and
    ``lines_matched``, ``lines_by_chance`` (how many of its strong lines peaks as dense as the
    scan's would match by chance) and ``chance`` (the probability that they match
    ``lines_matched`` or more, :func:`chance_of_lines`), ``at_chance`` (not present for that
    reason, ``chance`` above ``max_chance``), ``own_peaks`` (matched peaks that no
    line of another present phase explains, :func:`_own_lines`), ``present`` and a
    ``support_note`` saying why a phase whose lines match is not present all the same ("" otherwise).

    ``assignments`` has one row per peak: the phase and hkl it is assigned (:func:`_assign`; ""
    when none; a blend of lines of several present phases names each, joined by
    :data:`BLEND`: ``"Na3PS4_P-421c + Na2S_Fm-3m"``, ``"330 + 400"``), the closest line's
    2theta, the difference, and a ``note`` (a blend's lines, overlapping lines, a line taken
    by a closer peak; "" when none). :func:`identify_phases`, given a fitted peak table, adds
    what the lines of the present phases under each peak of one phase do to it
    (:func:`lines_under`): ``widening``, its FWHM over one line's (1: one line), and
    ``centre_shift``, how far they move its centre from its own line's (deg); NaN for blends
    and unexplained peaks.

    ``to_dataset()`` has ``scores`` along ``phase`` and ``assignments`` along ``peak`` (its
    ``phase`` column as ``assignments_phase``, ``two_theta_sigma`` as ``two_theta_obs_sigma``,
    beside its partner); ``to_dict()`` one row: the phases present,
    the peak counts and each candidate's ``<phase>_coverage`` and ``<phase>_lines_matched``.

    ``flags``: ``no_peaks`` (no observed peak: nothing was scored), ``no_phase_present`` (no
    candidate reaches the coverage), ``unexplained_peaks`` (observed peaks that no present phase
    explains: an impurity, a missing candidate, or K-beta/tungsten lines), ``strongest_unexplained``
    (peaks stronger than every peak the present phases explain are unexplained: another phase is
    present, and it is the main one), ``strong_lines_missing`` (a present phase's line at least
    :data:`STRONG_LINE` of its strongest in the scan has no peak: the phase is doubtful, or its
    intensities are not the reference's), ``wavelength_in_nm`` (the wavelength given is a tenth of a
    tube's K-alpha, 0.15406: a wavelength in nm, read in angstrom, so that no line lies where it
    should; ``wavelength_note`` says it), ``near_candidates`` (no candidate is present, but some
    are within twice the tolerance: :func:`identify_phases` found them with :func:`near_candidates`,
    ``near`` and ``near_tolerance``, and words them with :func:`near_candidates_note`: a zero offset,
    sample displacement or a cell a little off), ``range_from_peaks`` (the scanned range was not known:
    the phases were scored over the peaks' range, ``range_note`` says so). A candidate whose lines
    match peaks that the present phases explain as well casts no doubt on them and raises no flag:
    :attr:`without_own_peaks` lists it; nor does one whose lines match no more peaks than chance
    would (:attr:`at_chance_level`).

    ``two_theta_range``: the range (deg) the phases were scored over; ``tolerance`` the match
    window (deg) and ``max_chance`` the chance level (:func:`identify_phases_raw`);
    ``missing_lines``: per present phase, its strong lines without a peak (indices into its sticks).
    ``references``: per candidate as given, the structure scored (``"Na2S"`` -> ``"Na2S_Fm-3m (from
    Na2S_Fm-3m.cif)"``: a name is taken as the library's unique prefix); :attr:`method` says it
    in words.
    """

    units: ClassVar[dict[str, str]] = {
        "coverage": "1", "lines_expected": "1", "lines_matched": "1", "mean_abs_delta": "deg", "own_peaks": "1",
        "present": "1", "at_chance": "1", "lines_by_chance": "1", "chance": "1", "tolerance": "deg", "max_chance": "1",
        "two_theta_obs": "deg", "two_theta_calc": "deg", "delta": "deg",
        "n_peaks": "1", "n_unexplained": "1", "two_theta_range": "deg", "widening": "1", "centre_shift": "deg"}
    dims: ClassVar[dict[str, str]] = {"scores": "phase", "assignments": "peak"}
    row_columns: ClassVar[dict[str, tuple[str, ...]]] = {"scores": ("phase", "coverage", "lines_matched")}
    internal: ClassVar[tuple[str, ...]] = ("sticks", "missing_lines", "wavelength_note", "near", "near_tolerance",
                                           "references")

    scores: pd.DataFrame        # one row per candidate: coverage, matched lines, own peaks, present
    assignments: pd.DataFrame   # one row per observed peak: phase, hkl, 2theta calc, delta
    sticks: dict[str, Sticks]
    intensity_units: str = "counts"  # of the pattern; ``intensity_obs`` (peak areas) is in these x deg
    two_theta_range: tuple[float, float] | tuple[()] = ()  # scored over (deg); () when nothing was scored
    range_note: str = ""  # why two_theta_range is not the scanned range ("" when it is)
    tolerance: float = np.nan  # the match window (deg)
    max_chance: float = MAX_CHANCE  # a phase matching its lines with a higher chance probability is not present
    missing_lines: dict[str, list[int]] = field(default_factory=dict)  # per present phase, strong lines without a peak
    wavelength_note: str = ""  # why the wavelength given looks in nm ("" when it does not)
    near: list[tuple[str, int, float, float]] = field(default_factory=list)  # near_candidates(), when none is present
    near_tolerance: float = np.nan  # the wider window (deg) ``near`` was found in
    references: dict[str, str] = field(default_factory=dict)  # candidate as given -> the structure scored

    @property
    def method(self) -> str:
        """What was scored, against what, in words: each candidate as given and the structure
        taken for it (a name is the library's unique prefix), the window and the range."""
        given = "; ".join(f"{k!r} -> {v}" if not v.startswith(f"{k} ") else v for k, v in self.references.items())
        span = (f", over 2theta {self.two_theta_range[0]:.2f}-{self.two_theta_range[1]:.2f} deg"
                if self.two_theta_range else "")
        return (f"peaks matched to the lines of {len(self.references)} candidate(s) within {self.tolerance:g} deg"
                f"{span}: {given or 'none'}")

    @property
    def present(self) -> list[str]:
        return list(self.scores.loc[self.scores["present"], "phase"])

    @property
    def without_own_peaks(self) -> list[str]:
        """Candidates whose lines match, not present for want of peaks of their own (``support_note``)."""
        noted = self.scores["support_note"] != ""
        return list(self.scores.loc[noted & ~self.scores["at_chance"], "phase"])

    @property
    def at_chance_level(self) -> list[str]:
        """Candidates whose lines cover enough of the peaks, not present since chance would match
        as many among peaks this dense (``support_note`` says how many, and how likely)."""
        return list(self.scores.loc[self.scores["at_chance"], "phase"])

    @property
    def chance_notes(self) -> list[str]:
        """Per candidate :attr:`at_chance_level`, its name and why it is not present, for a report."""
        rows = self.scores[self.scores["phase"].isin(self.at_chance_level)]
        return [f"{name} {note}" for name, note in zip(rows["phase"], rows["support_note"])]

    @property
    def doubts(self) -> list[str]:
        """:attr:`flag_details` of the flags that doubt the present phases (:data:`DOUBT_FLAGS`)."""
        return [words for flag, words in zip(self.flags, self.flag_details) if flag in DOUBT_FLAGS]

    @property
    def unexplained(self) -> pd.DataFrame:
        """Observed peaks that no present phase explains."""
        return self.assignments[self.assignments["phase"] == ""]

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if not len(self.assignments):
            out.append("no_peaks")
        if not self.present:
            out.append("no_phase_present")
        if len(self.unexplained):
            out.append("unexplained_peaks")
        if len(self.strongest_unexplained):
            out.append("strongest_unexplained")
        if any(self.missing_lines.values()):
            out.append("strong_lines_missing")
        if self.range_note:
            out.append("range_from_peaks")
        if self.wavelength_note:
            out.append("wavelength_in_nm")
        if self.near and not self.present:
            out.append("near_candidates")
        return tuple(out)

    @property
    def strongest_unexplained(self) -> pd.DataFrame:
        """The unexplained peaks stronger (by area) than every peak a present phase explains.

        Empty when no phase is present (``no_phase_present`` says it all) or the peaks' areas are
        not known. On xylib's BT86 scan, PbSO4 identified from 8 of its 25 peaks left the four
        strongest (9.05, 19.59, 19.78, 20.21 deg, areas 342-118 against 95 at most for PbSO4's):
        whatever it is, the sample's main phase is not among the candidates.
        """
        if "intensity_obs" not in self.assignments or not self.present:
            return self.assignments.iloc[:0]
        explained = self.assignments["phase"] != ""
        area = self.assignments["intensity_obs"].astype(float)
        if not explained.any():
            return self.assignments.iloc[:0]
        stronger = ~explained & (area > area[explained].max())
        return self.assignments[stronger].sort_values("intensity_obs", ascending=False)

    def _flag_words(self) -> dict[str, str]:
        words = {}
        strongest = self.strongest_unexplained
        if len(strongest):
            explained = self.assignments[self.assignments["phase"] != ""]
            top = explained.loc[explained["intensity_obs"].astype(float).idxmax()]
            words["strongest_unexplained"] = (
                f"the strongest peak(s), at {_listed(strongest['two_theta_obs'], '{:.2f}')} deg (areas "
                f"{_listed(strongest['intensity_obs'], '{:.3g}')}), are explained by no candidate, while the strongest "
                f"a present phase explains has area {float(top['intensity_obs']):.3g} (at "
                f"{float(top['two_theta_obs']):.2f} deg): another phase is present, and it is the main one")
        missing = []
        for name, lines in self.missing_lines.items():
            st = self.sticks[name]
            rel = st.normalised()
            missing += [f"{name} {hkl_label(st.hkl[j])} at {st.two_theta[j]:.2f} deg ({rel[j]:.0f} % of its strongest)"
                        for j in lines]
        if missing:
            words["strong_lines_missing"] = (
                f"strong line(s) with no peak within {self.tolerance:g} deg: {'; '.join(missing)}: the phase is "
                "doubtful, or its intensities are not the reference's (preferred orientation, another composition)")
        if self.wavelength_note:
            words["wavelength_in_nm"] = self.wavelength_note
        if "near_candidates" in self.flags:
            words["near_candidates"] = near_candidates_note(self.near, len(self.unexplained), self.tolerance,
                                                            self.near_tolerance, "tolerance")
        return words

    def result_units(self) -> dict[str, str]:
        """The declared units, and ``intensity_obs`` (peak areas) in the pattern's intensity units x deg."""
        return {**self.units, "intensity_obs": f"{self.intensity_units} deg"}

    def _fields(self):
        # the peak table's two_theta_sigma is the observed position's: named for its partner on export
        assignments = self.assignments.rename(columns={"two_theta_sigma": "two_theta_obs_sigma"})
        return [("phases_present", "; ".join(self.present)), ("n_peaks", len(self.assignments)),
                ("n_unexplained", len(self.unexplained)),
                *((name, assignments if name == "assignments" else value) for name, value in super()._fields())]


def _listed(values, fmt: str) -> str:
    return ", ".join(fmt.format(float(v)) for v in values)


def hkl_label(hkl) -> str:
    """'311' for single-digit non-negative indices, else space separated ('1 -1 0', '10 0 2')."""
    h = [int(v) for v in hkl]
    return "".join(map(str, h)) if all(0 <= v < 10 for v in h) else " ".join(map(str, h))


def _as_crystal(c) -> Crystal:
    return c if isinstance(c, Crystal) else reference(c)


def _candidate_list(candidates, function: str) -> list:
    """``candidates`` as a list, refused when it is one name: a str would be scored letter by letter
    (``"Na2S_Fm-3m"``: "reference 'N' is ambiguous")."""
    if isinstance(candidates, (str, Crystal)):
        shown = repr(candidates) if isinstance(candidates, str) else f"Crystal {candidates.name!r}"
        raise ParameterError(f"{function}: candidates: a list of reference names or Crystal objects, got a "
                             f"{type(candidates).__name__} ({shown}); pass [{shown}] for one phase")
    return list(candidates)


def _reference_used(given, crystal: Crystal) -> str:
    """The structure scored for the candidate ``given``, in words: its name and where it came from."""
    if isinstance(given, Crystal):
        return f"{crystal.name} (a Crystal given)"
    return f"{crystal.name} (from {Path(crystal.source).name})" if crystal.source else crystal.name


def identify_phases_raw(two_theta_obs, wavelength, candidates=DEFAULT_CANDIDATES, *,
                        two_theta_range: tuple[float, float] | None = None, tolerance: float = 0.12,
                        min_relative: float = MIN_RELATIVE, min_coverage: float = 0.6, min_lines: int = 2,
                        max_chance: float = MAX_CHANCE, intensity_obs=None, intensity_units: str = "counts",
                        gaps=(), fwhm_obs=None) -> PhaseID:
    """Score every candidate phase against observed K-alpha1 peak positions (deg).

    ``candidates`` are reference names (see :func:`nakit.xrd.structures.library`) or
    :class:`Crystal` objects, e.g. refined cells. ``intensity_obs`` (peak areas, optional)
    are in ``intensity_units`` (the pattern's) x deg.

    ``two_theta_range``: the scanned range (deg), which the phases are scored over, and
    ``gaps`` the stretches of it without points (``[(lo, hi), ...]``: their lines are neither
    expected nor matched). Without it, the peaks' range +-2 deg, flagged ``range_from_peaks``.

    ``fwhm_obs`` (deg, optional): the peaks' widths. A present phase's strong line (at least
    :data:`STRONG_LINE` of its strongest) with no peak within ``tolerance`` is missing
    (``strong_lines_missing``) unless it lies inside a peak's half maximum: two lines fitted as
    one broad peak, centred between them, are both seen.

    No observed peaks (an amorphous or background-only scan): nothing is scored, every
    candidate has coverage NaN and is not present, and there are no assignments.

    Notes
    -----
    A phase is scored over the scanned range, not only near the peaks: a strong line of it
    anywhere the scan went, and no peak there, counts against it. Scored over the peaks'
    range +-2 deg, a scan's single spike at 39.2 deg gave rutile coverage 1.00 (its 200 line
    the only one within reach) though its 101 and 111 lines (46 and 19 %), inside the
    scanned 30-41.75 deg, have no peak (0.10 over the scan).

    Coverage alone does not tell two phases apart whose lines coincide: cubic Na3PS4 (I-43m)
    reached 0.69 on the annealed stand-in, made of tetragonal Na3PS4 (P-421c) and Na2S alone,
    since each of its lines lies within tolerance of a tetragonal line, and it took the
    17.9 deg peak (its 110) from the tetragonal 101 and 110. A phase is therefore present only
    with ``min_lines`` peaks of its own (:func:`_supported`; as many as its strong lines when
    the scan holds fewer): one peak fits any phase with a line there, two fix the ratio of two
    d-spacings, which a coincidence of one line does not.

    Nor does coverage tell a phase from chance where the peaks are many and the window wide: on
    xylib's BT86 scan (25 peaks, 3-40 deg), PbSO4's lines met 9 of its 13 strong lines within
    0.24 deg, coverage 0.73, where peaks as dense as these meet 4.8 by chance and 9 or more with
    probability 1.8 %; the peaks' four strongest were none of its, and its 102 line (65 % of its
    strongest) had none. A phase is therefore present only when chance would match as many of its
    strong lines with probability at most ``max_chance`` (:func:`chance_of_lines`); on GSAS-II's
    PBSO4.XRA (88 peaks, 10-160 deg), PbSO4's 50 of 57 lines within 0.12 deg, 9.0 expected by
    chance, have a probability of 5e-36.
    """
    candidates = _candidate_list(candidates, "identify_phases_raw")
    two_theta_range = two_theta_span(two_theta_range, "identify_phases_raw")
    _, wavelength_note = Wavelength.checked(wavelength)
    res = _scored(two_theta_obs, wavelength, candidates, two_theta_range, tolerance, min_relative, min_coverage,
                  min_lines, max_chance, intensity_obs, intensity_units, gaps, fwhm_obs)
    res.wavelength_note = wavelength_note
    return res


def _scored(two_theta_obs, wavelength, candidates, two_theta_range, tolerance, min_relative, min_coverage, min_lines,
            max_chance, intensity_obs, intensity_units, gaps, fwhm_obs) -> PhaseID:
    """:func:`identify_phases_raw` once its candidates and wavelength are checked."""
    tt = as_float_array(two_theta_obs, "two_theta_obs", min_size=0)  # none: a peak-less scan
    inten = None if intensity_obs is None else as_float_array(intensity_obs, "intensity_obs", min_size=0)
    reach = np.full(tt.shape, float(tolerance))  # how far from a peak a line is seen in it
    if fwhm_obs is not None:
        fwhm = as_float_array(fwhm_obs, "fwhm_obs", min_size=0, allow_nan=True)  # NaN: a width not fitted
        if fwhm.shape != tt.shape:
            raise ParameterError(f"fwhm_obs: {fwhm.size} widths for {tt.size} peaks (two_theta_obs): expected one each")
        reach = np.fmax(reach, fwhm / 2)
    if tolerance <= 0:
        raise ParameterError(f"tolerance must be positive, got {tolerance}")
    if not 0 < max_chance <= 1:
        raise ParameterError(f"max_chance must lie in (0, 1] (a probability), got {max_chance}")
    if tt.size == 0:
        return _nothing_to_identify(candidates, intensity_obs is not None, intensity_units)
    range_note = ""
    if two_theta_range is None:
        two_theta_range = _peaks_range(tt)
        lo, hi = two_theta_range
        range_note = (f"the scanned range is not known: scored over the peaks' range +-2 deg ({lo:.2f}-{hi:.2f} "
                      "deg), where a line outside it counts neither for nor against a phase")
    lo, hi = (float(v) for v in two_theta_range)
    rows, sticks, near, used = [], {}, {}, {}
    for cand in candidates:
        c = _as_crystal(cand)
        used[getattr(cand, "name", cand)] = _reference_used(cand, c)
        if BLEND in c.name:  # the assignments' phase column could not be read back
            raise ParameterError(f"candidate phase name {c.name!r} holds {BLEND!r}, which names a blend of phases")
        st = reflections_in_range(c, wavelength, hi, lo)  # reflections(c, wavelength, hi, lo), cut from a cache
        sticks[c.name] = st
        rel = st.normalised()
        # a line in a stretch without points can be neither matched nor missed
        strong = (rel >= min_relative) & ~_in_gaps(st.two_theta, gaps)
        dist = np.abs(st.two_theta[strong][:, None] - tt[None, :])
        near[c.name] = dist <= tolerance
        if not strong.any():
            rows.append({"phase": c.name, "coverage": 0.0, "lines_expected": 0, "lines_matched": 0,
                         "mean_abs_delta": np.nan, "lines_by_chance": 0.0, "chance": 1.0, "present": False,
                         "chance_note": ""})
            continue
        matched = near[c.name].any(axis=1)
        coverage = float(rel[strong][matched].sum() / rel[strong].sum())
        n_match = int(matched.sum())
        by_line = chance_of_lines(st.two_theta[strong], tt, tolerance, (lo, hi), gaps)
        chance = _at_least(by_line, n_match)
        covered = coverage >= min_coverage and n_match >= min(min_lines, int(strong.sum()))
        rows.append({"phase": c.name, "coverage": coverage, "lines_expected": int(strong.sum()),
                     "lines_matched": n_match,
                     "mean_abs_delta": float(dist.min(axis=1)[matched].mean()) if n_match else np.nan,
                     "lines_by_chance": float(by_line.sum()), "chance": chance, "present": covered,
                     "chance_note": _chance_note(n_match, int(strong.sum()), by_line, chance, tolerance, tt.size,
                                                 max_chance) if chance > max_chance else ""})
    _supported(rows, near, min_lines)
    # (no candidates at all: an empty table with the columns, every peak unexplained)
    scores = _score_table(rows).sort_values("coverage", ascending=False, ignore_index=True)
    present = set(scores.loc[scores["present"], "phase"])
    assign = _assign(tt, {name: sticks[name] for name in present}, tolerance, min_relative)
    if inten is not None:
        assign["intensity_obs"] = inten
    missing = {name: _missing_lines(sticks[name], tt, reach, gaps) for name in sorted(present)}
    return PhaseID(scores, assign, sticks, intensity_units, (lo, hi), range_note, tolerance, max_chance, missing,
                   references=used)


def chance_of_lines(lines, two_theta_obs, tolerance: float, two_theta_range: tuple[float, float],
                    gaps=()) -> np.ndarray:
    """Per line (deg), the probability that one of the observed peaks lies within ``tolerance`` of it by chance.

    Parameters
    ----------
    lines
        A candidate's line positions (deg 2theta).
    two_theta_obs
        The observed peak positions (deg).
    tolerance
        The match window (deg) either side of a line.
    two_theta_range
        The scanned range (deg); ``gaps`` its stretches without points ``[(lo, hi), ...]``.

    Returns
    -------
    numpy.ndarray
        ``1 - exp(-2 tolerance n)``, ``n`` the peaks per deg within :data:`CHANCE_WINDOW_DEG` of the
        line (the scan's part of that stretch): the chance that peaks placed without regard to the
        line, as densely as the scan's are there, put one inside its window.

    Notes
    -----
    The density is the peaks' near each line, not the scan's mean: a scan's peaks crowd where its
    phases' lines do, and a candidate whose lines fall in that crowd meets more of them by chance
    than the mean says (BT86: 25 peaks over 3-40 deg, 21 of them in 18-36 deg, where PbSO4's lines
    lie; 3.6 of its 13 strong lines matched by chance at the mean density, 4.8 at the local one).
    A true phase's own peaks count in the density too, which makes the estimate cautious.
    """
    lines = np.asarray(lines, dtype=float)
    tt = np.asarray(two_theta_obs, dtype=float)
    lo, hi = two_theta_range
    start = np.clip(lines - CHANCE_WINDOW_DEG, lo, hi)
    end = np.clip(lines + CHANCE_WINDOW_DEG, lo, hi)
    width = end - start
    for a, b in gaps:  # no peak can lie where the scan has no points
        width -= np.clip(np.minimum(end, b) - np.maximum(start, a), 0, None)
    count = ((tt[None, :] >= start[:, None]) & (tt[None, :] <= end[:, None])).sum(axis=1)
    density = count / np.maximum(width, 2 * tolerance)
    return 1.0 - np.exp(-2 * tolerance * density)


def _at_least(p: np.ndarray, m: int) -> float:
    """P(at least ``m`` of independent events with probabilities ``p`` happen) (Poisson binomial)."""
    dist = np.array([1.0])
    for q in p:
        dist = np.convolve(dist, [1.0 - q, q])
    return float(min(dist[m:].sum(), 1.0))


def _chance_note(matched: int, expected: int, by_line: np.ndarray, chance: float, tolerance: float, n_peaks: int,
                 max_chance: float) -> str:
    """Why a phase whose lines cover enough of the peaks is not present: chance would match as many."""
    return (f"not present: {matched} of its {expected} strong lines have a peak within {tolerance:g} deg, where "
            f"{by_line.sum():.1f} would by chance among {n_peaks} peaks as dense as these, and {matched} or more with "
            f"probability {100 * chance:.2g} % (at most {100 * max_chance:g} % needed): a match at chance level")


def _missing_lines(sticks: Sticks, two_theta_obs: np.ndarray, reach: np.ndarray, gaps) -> list[int]:
    """The lines of ``sticks`` at least :data:`STRONG_LINE` of its strongest, outside ``gaps``, farther than ``reach``
    (deg, one per peak) from every peak: indices, strongest first."""
    rel = sticks.normalised()
    strong = (rel >= 100 * STRONG_LINE) & ~_in_gaps(sticks.two_theta, gaps)
    if not two_theta_obs.size:
        return []
    bare = strong & ~(np.abs(sticks.two_theta[:, None] - two_theta_obs[None, :]) <= reach[None, :]).any(axis=1)
    return sorted(np.flatnonzero(bare).tolist(), key=lambda j: -rel[j])


#: joins the phases (and their hkl) of a peak that lines of several present phases explain
BLEND = " + "


def blend_phases(label: str) -> list[str]:
    """The phases of an assignment's ``phase`` label: ``"A + B"`` -> ``["A", "B"]``, ``""`` -> ``[]``."""
    return label.split(BLEND) if label else []


def _own_lines(near: dict[str, np.ndarray]) -> dict[str, int]:
    """Per phase, how many peaks are its own: explained by its lines and no other phase's.

    ``near``: per phase, which of its strong lines (rows) lie within tolerance of which peaks
    (columns). Two peaks on one line count once, as one peak on two lines does: the evidence
    is a line seen, not a peak fitted twice.
    """
    explained = {name: m.any(axis=0) for name, m in near.items()}
    out = {}
    for name, m in near.items():
        own = explained[name].copy()
        for other, e in explained.items():
            if other != name:
                own &= ~e
        out[name] = min(int(own.sum()), int(m[:, own].any(axis=1).sum()))
    return out


def _supported(rows: list[dict], near: dict[str, np.ndarray], min_lines: int) -> None:
    """Keep ``present`` in ``rows`` (one per candidate) only for phases with peaks of their own.

    The candidates that pass the coverage test, and match more lines than chance would
    (``chance_note`` empty), are taken in order of their matched lines (the most evidence first,
    coverage breaking ties); each is accepted when, beside those accepted before it, ``min_lines``
    of its peaks are its own (:func:`_own_lines`; as many as its strong lines when the scan holds
    fewer) and every accepted phase keeps as many. Each row gets ``own_peaks`` (against the
    accepted phases), ``support_note`` (why a phase that passed the coverage test is not present;
    "" otherwise) and ``at_chance``: a chance-level match whose peaks are its own all the same
    gets its ``chance_note``; one whose peaks the accepted phases explain is said so, which is
    the more telling reason. ``near`` as for :func:`_own_lines`.
    """
    need = {r["phase"]: min(min_lines, r["lines_expected"]) for r in rows}
    accepted: list[str] = []
    notes: dict[str, str] = {}
    for r in rows:  # (a row without one matches beyond chance)
        r.setdefault("chance_note", "")
    covered = [r for r in rows if r["present"]]
    for r in sorted((r for r in covered if not r["chance_note"]), key=lambda r: (-r["lines_matched"], -r["coverage"])):
        name = r["phase"]
        own = _own_lines({**{a: near[a] for a in accepted}, name: near[name]})
        if own[name] < need[name]:
            notes[name] = _own_peaks_note(name, own[name], need[name], accepted, near)
        elif short := [a for a in accepted if own[a] < need[a]]:
            notes[name] = (f"not present: its lines would explain peaks that {', '.join(short)} rests on, leaving "
                           f"{'it' if len(short) == 1 else 'them'} too few of {'its' if len(short) == 1 else 'their'} "
                           "own")
        else:
            accepted.append(name)
    for r in rows:
        name = r["phase"]
        r["own_peaks"] = _own_lines({**{a: near[a] for a in accepted if a != name}, name: near[name]})[name]
        r["at_chance"] = bool(r["present"] and r["chance_note"] and r["own_peaks"] >= need[name])
        if r["present"] and r["chance_note"]:
            notes[name] = r["chance_note"] if r["at_chance"] else _own_peaks_note(name, r["own_peaks"], need[name],
                                                                                   accepted, near)
        r["present"] = name in accepted
        r["support_note"] = notes.get(name, "")


def _own_peaks_note(name: str, own: int, need: int, accepted: list[str], near: dict[str, np.ndarray]) -> str:
    """Why phase ``name`` is not present: ``own`` of its peaks are its own, ``need`` needed."""
    matched = near[name].any(axis=0)
    sharing = [a for a in accepted if a != name and (near[a].any(axis=0) & matched).any()]
    return (f"not present: {own} of the peaks its lines match {'is' if own == 1 else 'are'} its own, {need} needed"
            + (f"; the others are explained by lines of {', '.join(sharing)} as well" if sharing else "")
            + " (one peak fits any phase with a line there)")


#: a line at least this share of the strongest line within tolerance of a peak is "comparably
#: strong": either may be the peak, and the closer one is preferred
COMPARABLE = 0.5


def _preferred_line(two_theta: float, sticks: Sticks, tolerance: float, excluded: set[int]) -> int | None:
    """Index of the line of ``sticks`` that a peak at ``two_theta`` (deg) is assigned, or None.

    Among the lines within ``tolerance`` (deg) and not in ``excluded``: the closest of those at
    least :data:`COMPARABLE` times as strong as the strongest of them.
    """
    near = [j for j in np.flatnonzero(np.abs(sticks.two_theta - two_theta) <= tolerance) if j not in excluded]
    if not near:
        return None
    rel = sticks.intensity[near]
    comparable = [j for j, r in zip(near, rel) if r >= COMPARABLE * rel.max()]
    return min(comparable, key=lambda j: abs(two_theta - sticks.two_theta[j]))


def _picks(two_theta: float, sticks: dict[str, Sticks], strong: dict[str, np.ndarray], tolerance: float,
           excluded: dict[str, set[int]]) -> list[tuple[str, int]]:
    """The lines a peak at ``two_theta`` (deg) takes: ``(phase, index)``, the closest first.

    Each phase offers its :func:`_preferred_line` (none of ``excluded``). The peak takes that of
    every phase with a strong line (``strong``: per phase, the lines its coverage counts) within
    ``tolerance``: of two, it is a blend. A phase whose lines there are all too weak to be seen
    gives the peak its line only when no phase has a strong one there.
    """
    offers, seen = [], []
    for name, st in sticks.items():
        j = _preferred_line(two_theta, st, tolerance, excluded[name])
        if j is None:
            continue
        offers.append((abs(two_theta - st.two_theta[j]), name, j))
        near = np.flatnonzero(np.abs(st.two_theta - two_theta) <= tolerance)
        if any(strong[name][k] and k not in excluded[name] for k in near):
            seen.append(offers[-1])
    return [(name, j) for _, name, j in sorted(seen) or sorted(offers)[:1]]


def _assign(two_theta_obs: np.ndarray, sticks: dict[str, Sticks], tolerance: float,
            min_relative: float = MIN_RELATIVE) -> pd.DataFrame:
    """The assignment table of peaks at ``two_theta_obs`` (deg) to the lines of the phases ``sticks``.

    Notes
    -----
    For each phase, a peak takes the line :func:`_preferred_line` picks: among the phase's lines
    within ``tolerance``, the closest of those at least :data:`COMPARABLE` (half) as strong as the
    strongest of them. The closest line alone was a trap wherever a phase has many lines: a line
    of 0.06 % beside one of 17 % (PbSO4's 121 and 212 at 37.3 deg) took the peak, and a quarter
    of the round-robin scan's peaks were indexed to lines too weak to be seen, biasing its cell
    (b 5.3959 against 5.398 A).

    Among the phases (:func:`_picks`), the peak is a blend of every phase with a line of at least
    ``min_relative`` % of its strongest (a line its coverage counts) within tolerance: its
    position and width are those of the sum, so it is labelled with each (``"A + B"``, the
    closest line first, its 2theta the ``two_theta_calc``) and is none of them alone (no cell or
    size rests on it). The closest phase alone took such a peak, whichever of two present
    phases' lines happened to lie nearer. Where no phase has a line that strong, the closest
    weaker line takes the peak.

    A line explains one peak: when two peaks pick the same line of the same phase, the closer
    keeps it and the other picks again without it (a weaker line within tolerance, another
    phase's, or none: unexplained). Two peaks on one line are one peak fitted twice or a line
    of something else; either way, a refined cell must not count that line twice. ``note``
    says so beside each peak concerned, lists a blend's lines, and names the other lines of
    comparable strength within tolerance of a peak (overlapping lines: the peak may be their sum).
    """
    strong = {name: st.normalised() >= min_relative for name, st in sticks.items()}
    excluded: list[dict[str, set[int]]] = [{name: set() for name in sticks} for _ in two_theta_obs]
    holder: dict[tuple[str, int], int] = {}   # (phase, line) -> the peak that has it
    choice: list[list[tuple[str, int]]] = [[] for _ in two_theta_obs]
    lost: list[list[str]] = [[] for _ in two_theta_obs]
    pending = list(range(len(two_theta_obs)))
    while pending:
        i = pending.pop(0)
        t = two_theta_obs[i]
        picks = _picks(t, sticks, strong, tolerance, excluded[i])
        beaten = False
        for name, j in picks:
            other = holder.get((name, j))
            if other is None:
                continue
            line = sticks[name].two_theta[j]
            keep, lose = (other, i) if abs(two_theta_obs[other] - line) <= abs(t - line) else (i, other)
            excluded[lose][name].add(j)
            lost[lose].append(f"{name} {hkl_label(sticks[name].hkl[j])} line ({line:.3f}°) taken by the closer "
                              f"peak at {two_theta_obs[keep]:.3f}°")
            if lose == i:
                beaten = True
                continue
            for held in choice[other]:  # the loser picks all its lines again
                del holder[held]
            choice[other] = []
            pending.append(other)
        if beaten:
            pending.append(i)
            continue
        for pick in picks:
            holder[pick] = i
        choice[i] = picks
    rows = []
    for i, t in enumerate(two_theta_obs):
        notes = list(lost[i])
        if not choice[i]:
            rows.append({"two_theta_obs": t, "phase": "", "hkl": "", "two_theta_calc": np.nan, "delta": np.nan,
                         "note": "; ".join(notes)})
            continue
        blend = len(choice[i]) > 1
        if blend:
            notes.append("blend of " + ", ".join(f"{name} {hkl_label(sticks[name].hkl[j])} at "
                                                 f"{sticks[name].two_theta[j]:.3f}°" for name, j in choice[i]))
        for name, j in choice[i]:
            st = sticks[name]
            overlapping = [k for k in np.flatnonzero(np.abs(st.two_theta - t) <= tolerance)
                           if k != j and st.intensity[k] >= COMPARABLE * st.intensity[j]]
            if overlapping:
                notes.append(f"{name + ' ' if blend else ''}overlaps " + ", ".join(
                    f"{hkl_label(st.hkl[k])} at {st.two_theta[k]:.3f}°" for k in overlapping))
        name, j = choice[i][0]
        rows.append({"two_theta_obs": t, "phase": BLEND.join(name for name, _ in choice[i]),
                     "hkl": BLEND.join(hkl_label(sticks[name].hkl[j]) for name, j in choice[i]),
                     "two_theta_calc": sticks[name].two_theta[j], "delta": t - sticks[name].two_theta[j],
                     "note": "; ".join(notes)})
    return pd.DataFrame(rows, columns=list(_ASSIGNMENT_TYPES)).astype(_ASSIGNMENT_TYPES)


class Under(NamedTuple):
    """The lines of the present phases that one phase's peak holds (:func:`lines_under`)."""

    lines: list[tuple[str, int]]  # (phase, index into its sticks), its own line first
    weights: np.ndarray           # each line's expected area, in the peak's area units
    widening: float               # their sum's FWHM over one line's: 1 for one line
    shift: float                  # their sum's centre less its own line's (deg)


def lines_under(peaks: pd.DataFrame, phases: PhaseID) -> list[Under | None]:
    """Per peak of ``peaks`` (a fitted table, ``phases`` identified from it), the lines of the
    present phases its profile holds and what they do to it; None for a blend or an unexplained peak.

    Notes
    -----
    A peak holds its own line, every line within one FWHM of its centre (unresolved from it
    whatever else was fitted there), and the lines up to two FWHM off that no other fitted peak
    is nearer: on a simulated scan of tetragonal Na3PS4, a Lorentzian tail took its 413 line,
    0.36 deg off and a sixth as strong, into the 314 peak, 1.4 times as broad as one line. Each
    line is weighted by its intensity times its phase's scale (the median of peak area over
    line intensity across the peaks labelled with the phase), and they are summed as
    pseudo-Voigts of the peak's own FWHM and eta (:func:`~nakit.xrd.profiles.blend_profile`):
    the sum's FWHM over one line's is how much they widen the peak, the midpoint of its half
    maximum where one peak fitted to them centres. On the annealed stand-in, the 17.9 deg peak
    over tetragonal Na3PS4's 101 and 110 lines (0.16 deg apart) is predicted 23 % broader than
    one line and 0.048 deg above 101 (its fit: 0.32 deg against 0.25 for the single lines
    nearby, 0.044 deg above 101).
    """
    sticks = {name: phases.sticks[name] for name in phases.present}
    index = {name: {hkl_label(h): j for j, h in enumerate(st.hkl)} for name, st in sticks.items()}
    held = [[(name, index[name][h]) for name, h in zip(blend_phases(label), hkl.split(BLEND))]
            for label, hkl in zip(phases.assignments["phase"], phases.assignments["hkl"])]
    area = peaks["area"].to_numpy(dtype=float)
    # each phase's peak area per unit line intensity: how strong its lines are beside another phase's
    scale = {name: float(np.nanmedian([area[i] / sticks[name].intensity[j] for i, taken in enumerate(held)
                                       for n, j in taken if n == name])) for name in sticks}
    positions = peaks["two_theta"].to_numpy(dtype=float)
    nearest = {name: np.abs(st.two_theta[:, None] - positions[None, :]).argmin(axis=1) for name, st in sticks.items()}
    out: list[Under | None] = []
    for i, taken in enumerate(held):
        if len(taken) != 1:
            out.append(None)
            continue
        fwhm, eta = float(peaks["fwhm"].iloc[i]), float(peaks["eta"].iloc[i])
        under = dict.fromkeys(taken)
        for name, st in sticks.items():
            off = np.abs(st.two_theta - positions[i])
            holds = (off <= fwhm) | ((off <= 2 * fwhm) & (nearest[name] == i))
            under.update(dict.fromkeys((name, int(j)) for j in np.flatnonzero(holds)))
        at = np.array([sticks[n].two_theta[j] for n, j in under])
        weights = np.array([scale[n] * sticks[n].intensity[j] for n, j in under])
        widening, centre = blend_profile(at, weights, fwhm, eta)
        out.append(Under(list(under), weights, widening, centre - at[0]))
    return out


_ASSIGNMENT_TYPES = {"two_theta_obs": float, "phase": object, "hkl": object, "two_theta_calc": float, "delta": float,
                     "note": object}


def _in_gaps(two_theta: np.ndarray, gaps) -> np.ndarray:
    """Which of ``two_theta`` (deg) lie strictly inside one of ``gaps`` ``[(lo, hi), ...]``."""
    inside = np.zeros(np.shape(two_theta), bool)
    for a, b in gaps:
        inside |= (two_theta > a) & (two_theta < b)
    return inside


def _peaks_range(two_theta_obs: np.ndarray) -> tuple[float, float]:
    """The 2theta range (deg) candidates are scored over: the peaks' +-2 deg, inside 1-179 deg."""
    return max(float(two_theta_obs.min()) - 2.0, 1.0), min(float(two_theta_obs.max()) + 2.0, 179.0)


_SCORE_TYPES = {"phase": object, "coverage": float, "lines_expected": int, "lines_matched": int,
                "mean_abs_delta": float, "lines_by_chance": float, "chance": float, "own_peaks": int, "present": bool,
                "at_chance": bool, "support_note": object}


def _score_table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(_SCORE_TYPES)).astype(_SCORE_TYPES)


def _nothing_to_identify(candidates, with_intensity: bool, intensity_units: str) -> PhaseID:
    """The :class:`PhaseID` of a scan without peaks: every candidate unscored (coverage NaN, a
    score of 0 would read as 'looked for and not matched'), no assignments, no sticks."""
    crystals = {getattr(c, "name", c): (c, _as_crystal(c)) for c in candidates}
    scores = _score_table([{"phase": c.name, "coverage": np.nan, "lines_expected": 0, "lines_matched": 0,
                            "mean_abs_delta": np.nan, "lines_by_chance": np.nan, "chance": np.nan, "own_peaks": 0,
                            "present": False, "at_chance": False, "support_note": ""}
                           for _, c in crystals.values()])
    columns = dict(_ASSIGNMENT_TYPES)
    if with_intensity:
        columns["intensity_obs"] = float
    assignments = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    return PhaseID(scores, assignments, {}, intensity_units,
                   references={k: _reference_used(given, c) for k, (given, c) in crystals.items()})


def identify_phases(peaks: pd.DataFrame, wavelength, candidates=DEFAULT_CANDIDATES, **kw) -> PhaseID:
    """:func:`identify_phases_raw` on a peak table from :func:`nakit.xrd.peaks.fit_peaks`.

    Pass ``intensity_units=ds["intensity"].attrs["units"]`` when the pattern is not in counts:
    the peak areas (``intensity_obs``) are in those units x deg. The result and its
    ``assignments`` keep the scan's provenance from the table's attrs (``source``).

    The phases are scored over the range :func:`~nakit.xrd.peaks.fit_peaks` searched, from the
    table's attrs (``two_theta_scanned``, less ``two_theta_gaps``), unless ``two_theta_range``
    is given; a table without them (built by hand, or by an older nakit) is scored over its
    peaks' range, flagged ``range_from_peaks``.

    A table with the fitted ``fwhm``, ``eta`` and ``area`` also gives each assignment the
    ``widening`` and ``centre_shift`` of the lines under its peak (:func:`lines_under`), by which
    :func:`~nakit.xrd.refine.refine_cell` and :func:`~nakit.xrd.size.single_reflections` tell
    a single reflection from unresolved lines.

    A result flagged ``strongest_unexplained`` or ``strong_lines_missing`` (a present phase that
    does not describe the pattern) is also said in a :class:`~nakit.errors.NakitWarning` naming
    the scan's file.

    When no candidate is present but peaks are unexplained, the candidates are tried again within
    :data:`NEAR_WINDOW` times the tolerance (:func:`near_candidates`): those found there are flagged
    ``near_candidates``, in words (:func:`near_candidates_note`) and in a
    :class:`~nakit.errors.NakitWarning`. xylib's Cu3Au-2 scan with ``["Cu3Au_Pm-3m"]`` matches 1
    of its 10 lines within 0.12 deg, and every one within 0.24 deg, the peaks 0.16 deg below
    them: a zero offset, not "no phase present". A wavelength a tenth of a tube's K-alpha
    (0.15406: nm read as angstrom) is warned of and flagged ``wavelength_in_nm``.

    Raises
    ------
    ParameterError
        For a keyword :func:`identify_phases_raw` does not take (naming the closest it does),
        or ``candidates`` given as one name (a str) rather than a list.
    """
    pass_through("identify_phases", identify_phases_raw, kw,
                 given={"intensity_obs": "the peak table's area column", "fwhm_obs": "the peak table's fwhm column"})
    res = _identified(peaks, wavelength, candidates, **kw)
    if res.doubts:
        warnings.warn(f"{source_name(peaks, 'the peak table')}: phases identified ({', '.join(res.present)}) flagged: "
                      + "; ".join(res.doubts), NakitWarning, stacklevel=2)
    if not res.present and len(res.unexplained) and not res.wavelength_note:
        wide = NEAR_WINDOW * res.tolerance
        # (the wavelength was judged above: not warned of twice)
        res.near = near_candidates(peaks, Wavelength.parse(wavelength), candidates, **{**kw, "tolerance": wide})
        res.near_tolerance = wide
        if res.near:
            words = dict(zip(res.flags, res.flag_details))["near_candidates"]
            warnings.warn(f"{source_name(peaks, 'the peak table')}: no candidate phase identified: {words}",
                          NakitWarning, stacklevel=2)
    return res


#: :func:`identify_phases` tries candidates none of which is present again within this many times its tolerance
NEAR_WINDOW = 2.0


def _identified(peaks: pd.DataFrame, wavelength, candidates, function: str = "identify_phases", **kw) -> PhaseID:
    """:func:`identify_phases` without its warning: for the offers (:func:`suggest_phases`,
    :func:`near_candidates`), whose phases are candidates in a wider window, not an identification.
    A wavelength in nm is warned of (at the user's call of ``function``) and flagged."""
    require_peak_table(peaks, function)
    candidates = _candidate_list(candidates, function)
    if kw.get("two_theta_range") is not None:  # (refused naming the function the user called)
        kw["two_theta_range"] = two_theta_span(kw["two_theta_range"], function)
    wl, wavelength_note = Wavelength.checked(wavelength, stacklevel=4)
    res = identify_phases_raw(peaks["two_theta"].values, wl, candidates,
                              intensity_obs=peaks["area"].values if "area" in peaks else None,
                              fwhm_obs=peaks["fwhm"].values if "fwhm" in peaks else None,
                              **{**_scanned_range(peaks), **kw})
    res.wavelength_note = wavelength_note
    if "two_theta_sigma" in peaks:
        res.assignments["two_theta_sigma"] = peaks["two_theta_sigma"].values
    if {"fwhm", "eta", "area"} <= set(peaks.columns):  # fitted peaks: what the lines under each do to it
        under = lines_under(peaks, res)
        res.assignments["widening"] = [u.widening if u else np.nan for u in under]
        res.assignments["centre_shift"] = [u.shift if u else np.nan for u in under]
    res.source = source_attrs(peaks)  # the scan fit_peaks made the table of
    res.assignments.attrs.update(res.source)  # so that a cell refined on them (refine_cell) names it too
    return res


def _scanned_range(peaks: pd.DataFrame) -> dict:
    """``two_theta_range`` and ``gaps`` for :func:`identify_phases_raw` from a peak table's attrs
    (:func:`~nakit.xrd.peaks.fit_peaks` puts them there); {} when it has none."""
    scanned = peaks.attrs.get("two_theta_scanned")
    if scanned is None:
        return {}
    return {"two_theta_range": tuple(float(v) for v in scanned),
            "gaps": [tuple(float(v) for v in g) for g in peaks.attrs.get("two_theta_gaps", ())]}


def _simulable(crystal: Crystal, wavelength, lo: float, hi: float) -> bool:
    """Whether ``crystal``'s reflections over ``lo``-``hi`` deg can be simulated at ``wavelength``."""
    try:
        reflections_in_range(crystal, wavelength, hi, lo)
    except ParameterError:
        return False
    return True


def no_lines_note(wavelength, candidates, two_theta_range: tuple[float, float]) -> str:
    """Words when no candidate phase has a line in ``two_theta_range`` (deg), "" when one has.

    A scan that ends below every candidate's first reflection (a low-angle scan, or a 2theta
    axis in radians: 5-80 deg read as 0.087-1.40) can match nothing: its peaks are none of the
    candidates' whatever they are, and "no candidate explains its peaks" would send the reader
    looking for another phase. ``"2theta 0.087-1.40 deg: no line of any candidate phase in this
    range (Na2S_Fm-3m, ...); 2theta ends at 1.4: an axis in radians? ..."``.

    Raises
    ------
    ParameterError
        As :func:`identify_phases_raw`, for a candidate that cannot be simulated that far.
    """
    from .counting import radians_hint

    crystals = [_as_crystal(c) for c in candidates]
    lo, hi = (float(v) for v in two_theta_range)
    if not crystals or any(len(reflections_in_range(c, wavelength, min(hi, 180.0), lo)) for c in crystals):
        return ""
    hint = radians_hint([hi])
    return (f"2theta {lo:.3g}-{hi:.3g} deg: no line of any candidate phase in this range "
            f"({', '.join(c.name for c in crystals)})" + (f"; {hint}" if hint else ""))


def candidates_available() -> list[str]:
    """Every structure in the reference library."""
    return list(library())


def suggest_phases(peaks: pd.DataFrame, wavelength, candidates, *, tolerance: float = 0.24,
                   **kw) -> list[tuple[str, int, float]]:
    """Phases of the reference library outside ``candidates`` that explain ``peaks``: ``[(name,
    peaks assigned to it, their mean distance from its lines in deg)]``, most peaks first, each
    present by :func:`identify_phases`' test within ``tolerance`` (deg), with at least two peaks
    of its own.

    For a scan none of whose peaks a candidate explains: a short list to offer ("Cu3Au_Pm-3m:
    lines within 0.24 deg of 10 of them: add it to candidate_phases"), not an identification.
    Give a wider window than the identification's (the default is twice its 0.12 deg): a
    library cell is the textbook one, and a real sample's lines (sample displacement, a zero
    offset, a solid solution) may sit a tenth or two of a degree from every one of them, as in
    xylib's Cu3Au-2 scan (0.16 deg). The offset is returned so that the offer can say it.
    """
    require_peak_table(peaks, "suggest_phases")
    pass_through("suggest_phases", identify_phases_raw, kw)
    taken = {getattr(c, "name", c) for c in _candidate_list(candidates, "suggest_phases")}
    others = [name for name in library() if name not in taken]
    if not others or peaks.empty:
        return []
    lo, hi = kw.get("two_theta_range") or _scanned_range(peaks).get("two_theta_range") or _peaks_range(
        np.asarray(peaks["two_theta"], dtype=float))
    # only an offer: a library structure that cannot be simulated over the scored range at this wavelength
    # (S8's 3300 A^3 cell down to a wavelength in nm read as angstrom) is not offered, instead of failing
    # the sample whose candidates could be
    others = [name for name in others if _simulable(reference(name), wavelength, lo, hi)]
    return [offer[:3] for offer in _offers(_identified(peaks, wavelength, others, "suggest_phases",
                                                       tolerance=tolerance, **kw))]


def near_candidates(peaks: pd.DataFrame, wavelength, candidates, *, tolerance: float = 0.24,
                    **kw) -> list[tuple[str, int, float, float]]:
    """Candidates present within a wider ``tolerance`` (deg) than the identification's: ``[(name,
    peaks assigned to it, their mean distance from its lines, their mean signed distance
    (observed less calculated), in deg)]``, most peaks first, with at least two peaks each.

    For a scan none of whose peaks a candidate explains within the identification's window, the
    candidates may still be the sample's phases, with every line a little off: a zero offset,
    sample displacement or a cell a little larger or smaller (a solid solution, a CIF from
    another temperature). xylib's Cu3Au-2 scan with Cu3Au as the candidate: its lines sit 0.16
    deg from the peaks, outside the default 0.12 deg, and "another phase?" would mislead. A mean
    signed distance close to the mean distance (every peak to one side) points at the axis or
    the cell rather than at a wrong phase.
    """
    require_peak_table(peaks, "near_candidates")
    pass_through("near_candidates", identify_phases_raw, kw)
    if peaks.empty or not len(_candidate_list(candidates, "near_candidates")):
        return []
    return _offers(_identified(peaks, wavelength, candidates, "near_candidates", tolerance=tolerance, **kw))


#: a candidate's peaks lie to one side of its lines when their mean signed distance is at least this share of their
#: mean distance; below it they scatter to both sides
ONE_SIDED = 0.5


def near_candidates_note(near: list[tuple[str, int, float, float]], n_unexplained: int, tolerance: float,
                         wide: float, setting: str = "tolerance_deg") -> str:
    """Words for a scan whose peaks no candidate explains within ``tolerance`` (deg) but ``near``
    (:func:`near_candidates` in the window ``wide``) do, and what to do: rerun with ``setting``
    (notebook 01's parameter; :func:`identify_phases`' flag says ``tolerance``) at ``wide``.

    A zero offset or sample displacement moves every peak of a scan the same way (below 2theta
    ~90 deg, both signs alike): it is said only when every candidate's peaks lie to one side of its
    lines (:data:`ONE_SIDED`), the same side. BT86 offered PbSO4 (peaks 0.08 deg above its lines)
    and rutile (0.20 deg below) as "a zero offset": no single offset does both.
    """
    from ..report import join_labels  # (report loads matplotlib: only when the note is worded)

    sides = [("above" if s > 0 else "below") if abs(s) >= ONE_SIDED * d else "both" for _, _, d, s in near]
    off = [f"{p}'s lines lie within {wide:g} deg of {n} of them, "
           + (f"the peaks on average {abs(s):.2f} deg {side} them" if side != "both"
              else f"the peaks on both sides of them ({d:.2f} deg off on average)")
           for (p, n, d, s), side in zip(near, sides)]
    head = (f"no candidate phase explains its {n_unexplained} peak(s) within {setting} {tolerance:g}, "
            f"but {join_labels(off)}")
    test = f"rerun with {setting} {wide:g} to test it"
    if "both" not in sides and len(set(sides)) == 1:
        return (f"{head}: a zero offset, sample displacement or a cell a little off the reference's (a solid "
                f"solution?). Calibrate 2θ against a standard, or {test}")
    why = ("their peaks lie on opposite sides of their lines" if "both" not in sides
           else "peaks on both sides of a phase's lines")
    return (f"{head}: not a zero offset or sample displacement, which would move every peak the same way ({why}); "
            "a cell a little off its reference's (a solid solution?), or lines that meet peaks by chance? Calibrate "
            f"2θ against a standard and {test}")


def _offers(found: PhaseID) -> list[tuple[str, int, float, float]]:
    """The present phases of ``found`` with at least two peaks: (name, peaks, mean |delta|, mean
    delta), most peaks first."""
    offers = []
    for name in found.present:
        mine = found.assignments["phase"] == name
        if mine.sum() >= 2:
            delta = found.assignments.loc[mine, "delta"].astype(float)
            offers.append((name, int(mine.sum()), float(delta.abs().mean()), float(delta.mean())))
    return sorted(offers, key=lambda item: -item[1])
