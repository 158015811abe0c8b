"""The flag list below notebook 03's results: a flag of a whole spectrum once, a band's own per band.

Every band centre of a spectrum whose axis is not calibrated carries that flag, and rightly (the
number is in doubt), but a list of every flagged result then says it once per band: an audit's
study of seven spectra listed the one "axis not calibrated: ..." 31 times, burying the flags that
belong to one band. :func:`flag_list` says a spectrum's own flags once, per spectrum, before the
flags its results have beyond them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

#: how the results of :class:`nakit.report.Report` join their flags
SEPARATOR = "; "


def flag_list(results: Iterable[Mapping], whole_spectrum: Mapping[str, Sequence[str]]) -> list[str]:
    """The lines of the report's flag list: a sample's whole-spectrum flags once, then each result's own.

    Parameters
    ----------
    results
        The report's results (``Report.results``): each with ``sample``, ``quantity`` and ``flags``,
        the flags joined by ``"; "``.
    whole_spectrum
        Per sample label, the flags that concern its whole spectrum (its axis calibration), which
        each result of it that depends on them carries.

    Returns
    -------
    list of str
        By sample, in the order of their first result: ``"<sample>, whole spectrum (<n> results):
        <flags>"`` where ``n`` of its results carry any of those flags, then ``"<sample>, <quantity>:
        <flags>"`` for each result with flags beyond them. A flag is matched whole (an axis flag
        may hold ``"; "`` itself, quoting a silicon fit's flags).
    """
    by_sample: dict[str, list[Mapping]] = {}
    for r in results:
        if r["flags"]:
            by_sample.setdefault(r["sample"], []).append(r)
    lines = []
    for sample, rows in by_sample.items():
        wide = list(dict.fromkeys(whole_spectrum.get(sample, ())))
        carried = [f for f in wide if any(_holds(r["flags"], f) for r in rows)]
        if carried:
            n = sum(any(_holds(r["flags"], f) for f in carried) for r in rows)
            lines.append(f"{sample}, whole spectrum ({n} result{'s' if n > 1 else ''}): {SEPARATOR.join(carried)}")
        for r in rows:
            own = _without(r["flags"], carried)
            if own:
                lines.append(f"{sample}, {r['quantity']}: {own}")
    return lines


def _holds(joined: str, flag: str) -> bool:
    """Whether ``joined`` (flags joined by ``"; "``) holds ``flag`` as one whole flag."""
    return f"{SEPARATOR}{flag}{SEPARATOR}" in f"{SEPARATOR}{joined}{SEPARATOR}"


def _without(joined: str, flags: Sequence[str]) -> str:
    """``joined`` without each of ``flags`` wherever it stands as a whole flag."""
    text = f"{SEPARATOR}{joined}{SEPARATOR}"
    for flag in flags:
        whole = f"{SEPARATOR}{flag}{SEPARATOR}"
        while whole in text:
            text = text.replace(whole, SEPARATOR)
    return text[len(SEPARATOR):-len(SEPARATOR)] if len(text) > len(SEPARATOR) else ""
