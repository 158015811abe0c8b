"""One place for validating the array inputs of nakit's plain-array functions.

Every ``*_raw`` analysis function passes its inputs through these so that list input is
accepted, inputs are never mutated, NaNs and length mismatches are refused with a message
that names the argument, and x order does not matter where the physics says it should not.
"""

from __future__ import annotations

import functools
import inspect
import math
from typing import Callable, Mapping, Sequence

import numpy as np

from .errors import ParameterError


def as_float_array(values, name: str, *, ndim: int | None = 1, min_size: int = 1, allow_nan: bool = False) -> np.ndarray:
    """A float copy of ``values``; raise :class:`ParameterError` naming ``name`` if unusable."""
    try:
        arr = np.array(values, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}: expected numbers, got {type(values).__name__} ({exc})") from None
    if ndim is not None and arr.ndim != ndim:
        raise ParameterError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if arr.size < min_size:
        raise ParameterError(f"{name}: expected at least {min_size} values, got {arr.size}")
    if not allow_nan and not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))
        raise ParameterError(f"{name}: {bad.size} non-finite value(s), first at index {int(bad[0])}")
    return arr


def same_length(**arrays: np.ndarray) -> int:
    """Check that all named 1-D arrays share one length and return it."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}={n}" for k, n in lengths.items())
        raise ParameterError(f"arrays must have the same length; got {desc}")
    return next(iter(lengths.values()))


def sorted_by(x: np.ndarray, *others: np.ndarray, name: str = "x", strict: bool = True) -> tuple[np.ndarray, ...]:
    """Return ``x`` and ``others`` sorted by ascending ``x``; refuse repeated x when ``strict``.

    Strictly ascending input is returned as it is and strictly descending input as reversed
    views (no copies): the common cases, an adsorption and a desorption branch.
    """
    if x.size < 2 or bool((x[1:] > x[:-1]).all()):
        return (x, *others)
    if bool((x[1:] < x[:-1]).all()):
        return (x[::-1], *(o[..., ::-1] for o in others))
    order = np.argsort(x, kind="stable")
    xs = x[order]
    if strict and xs.size > 1 and np.any(np.diff(xs) == 0):
        dup = xs[1:][np.diff(xs) == 0][0]
        raise ParameterError(f"{name}: repeated value {dup!r}; values must be unique")
    return (xs, *(o[..., order] for o in others))


def in_range(value: float, name: str, lo: float | None = None, hi: float | None = None, *, inclusive: Sequence[bool] = (True, True)) -> float:
    """Check a scalar parameter lies in [lo, hi] (or open ends as ``inclusive`` says).

    The refusal states the bound as the rule it is, ``"resistance: must be above 0, got 0.0"``
    for an open end and ``"must be at least 0.5"`` for a closed one: "0.0 is below the minimum
    0" is false of an open bound's own value.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}: expected a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ParameterError(f"{name}: expected a finite number, got {v}")
    if lo is not None and (v < lo or (v == lo and not inclusive[0])):
        raise ParameterError(f"{name}: must be {'at least' if inclusive[0] else 'above'} {lo}, got {v}")
    if hi is not None and (v > hi or (v == hi and not inclusive[1])):
        raise ParameterError(f"{name}: must be {'at most' if inclusive[1] else 'below'} {hi}, got {v}")
    return v


#: Other tools' names for nakit's arguments, so a refusal can point a user of those tools to nakit's
#: (impedance.py's ``initial_guess``, pyGAPS's ``p_limits``, scipy's ``prominence``...).
PEER_NAMES = {"initial_guess": "initial", "constants": "fixed", "weight_by_modulus": "weighting", "global_opt": "n_starts",
              "lambda_value": "lam", "p_limits": "p_range", "limits": "p_range", "pressure_range": "p_range",
              "branch_name": "branch", "psd_model": "method", "laser": "laser_wavelength", "excitation": "laser_wavelength",
              "snr": "min_snr", "threshold": "min_snr", "wl": "wavelength", "lambda_": "wavelength", "tol": "tolerance",
              "phases": "candidates", "range": "two_theta_range"}


def pass_through(caller: str, target: Callable, kwargs: Mapping[str, object], *, also: Sequence[str] = (),
                 given: Mapping[str, str] | None = None) -> None:
    """Refuse keyword arguments that ``caller`` would pass on to ``target`` but ``target`` does not take.

    A labelled function (``area_bet``) passes its extra keywords on to its plain-array twin
    (``bet_auto_raw``); without this check a mistyped name was a Python ``TypeError`` naming the
    twin, which the user never called, and listing nothing: ``area_bet(ds, prange=...)`` said
    "bet_auto_raw() got an unexpected keyword argument 'prange'".

    Parameters
    ----------
    caller
        The function the user called, for the message.
    target
        The function the keywords go to; its keyword parameters are the accepted names.
    kwargs
        The keywords given.
    also
        Names ``caller`` takes itself besides those, listed in the message.
    given
        Settings of ``target`` that ``caller`` fills itself from its input, each with where it
        comes from (``{"fwhm_sigma": "the peak table's fwhm_sigma column"}``). Given again by
        the user they were Python's "got multiple values for keyword argument" naming the twin;
        they are refused saying where the value comes from, and left out of the accepted names.

    Raises
    ------
    ParameterError
        Naming ``caller``, the unknown argument, the closest accepted name (or the nakit name of
        another tool's argument, :data:`PEER_NAMES`) and every accepted name; or an argument
        ``caller`` fills itself and where it takes it from.
    """
    given = given or {}
    names = _keywords(target)
    for key in kwargs:
        if key in given:
            raise ParameterError(f"{caller}: argument {key!r} is not set by hand: {caller} takes it from {given[key]}")
        if names is None or key in names:
            continue
        raise unknown_argument(caller, key, sorted({*names, *also} - set(given)))


def unknown_argument(caller: str, key: str, accepted: Sequence[str], aliases: Mapping[str, str] | None = None,
                     notes: Mapping[str, str] | None = None) -> ParameterError:
    """The refusal of an argument ``caller`` does not take, in one wording wherever it is raised.

    Parameters
    ----------
    caller
        The function the user called.
    key
        The argument it does not take.
    accepted
        The names it takes, in the order listed.
    aliases
        Other words (lower case) for an accepted name, besides other tools' (:data:`PEER_NAMES`),
        so the hint points to the name meant even when it is spelt nothing alike.
    notes
        Words on a name: an accepted one's follow it in the list (what a positional argument is
        for), the unknown one's close the message (what to do instead).

    Returns
    -------
    ParameterError
        ``"summarise: unknown argument 'active_mass_mg' (did you mean 'cell'?); it takes: record,
        cell (...), ..."``.
    """
    from .params import closest  # (only to word a refusal)

    notes = notes or {}
    known = {other: ours for other, ours in {**PEER_NAMES, **(aliases or {})}.items() if ours in accepted}
    hint = closest(key, accepted, known)
    listed = _listed(accepted, notes)
    advice = f"; {notes[key]}" if key in notes and key not in accepted else ""
    return ParameterError(f"{caller}: unknown argument {key!r}{hint}; it takes: {listed}{advice}")


def checked_keywords(function: Callable | None = None, *, aliases: Mapping[str, str] | None = None,
                     notes: Mapping[str, str] | None = None):
    """Make a call ``function`` cannot bind a :class:`ParameterError` in :func:`pass_through`'s words.

    A function without ``**kwargs`` refused a mistyped keyword with Python's bare
    ``TypeError: summarise() got an unexpected keyword argument 'active_mass_mg'``, naming no
    accepted argument, while those passing keywords on said which one was meant. Use as
    ``@checked_keywords`` or ``@checked_keywords(aliases={"active_mass_mg": "cell"})``.

    Parameters
    ----------
    function
        The function checked (given when used without arguments).
    aliases, notes
        As :func:`unknown_argument`'s.

    Notes
    -----
    A correct call costs one ``try``: the signature is bound only after a ``TypeError``, and
    only one that binding raises as well (the function never ran) is reworded; a ``TypeError``
    from inside the function is raised as it was. The check is one more frame between the function
    and its caller: a warning the function issues for its caller's line needs ``stacklevel=3``.
    """
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except TypeError as exc:
                refusal = _binding_refusal(fn, args, kwargs, aliases, notes)
                if refusal is None:
                    raise
                raise refusal from exc
        return checked

    return decorate if function is None else decorate(function)


def _binding_refusal(fn: Callable, args, kwargs, aliases, notes) -> ParameterError | None:
    """Why ``fn`` cannot be called with ``args`` and ``kwargs`` (None: it can, so it ran and failed inside)."""
    signature = inspect.signature(fn)
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        params = signature.parameters
        accepted = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
        unknown = [] if takes_any else [k for k in kwargs if k not in accepted]
        if unknown:
            return unknown_argument(fn.__name__, unknown[0], accepted, aliases, notes)
        return ParameterError(f"{fn.__name__}: {exc}; it takes: {_listed(accepted, notes)}")
    return None


def _listed(accepted: Sequence[str], notes: Mapping[str, str] | None) -> str:
    """The names a function takes, each followed by its note if it has one."""
    notes = notes or {}
    return ", ".join(f"{name} ({notes[name]})" if name in notes else name for name in accepted)


@functools.lru_cache(maxsize=256)
def _keywords(target: Callable) -> frozenset[str] | None:
    """The settings ``target`` takes by keyword (its arguments with a default: the data it is given by
    the labelled caller are not the user's to pass), or None when it takes any (``**kwargs``)."""
    params = inspect.signature(target).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return frozenset(n for n, p in params.items()
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is not p.empty)
