"""The house style for every nakit figure, and deterministic saving.

:func:`use_style` sets one seaborn/matplotlib look (ticks style, colour-blind palette,
readable sizes) for notebooks and reports. :func:`savefig` writes PNG, SVG and PDF whose
bytes depend only on the figure's content: matplotlib otherwise stamps the creation date
and software version into the files and salts SVG element ids randomly.

What a journal takes: PNG at 300 dpi (``NAKIT_FIGURE_DPI`` changes it), vector PDF with
embedded TrueType fonts, and SVG whose text stays text (editable in Inkscape/Illustrator)
rather than outlines. ``NAKIT_FIGURE_FORMATS`` (e.g. ``png,pdf``) chooses the files written
when a caller does not name them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .io import atomic_path

PALETTE = "colorblind"
CONTEXT = "notebook"
SYNTHESISED_CAPTION = "Synthesised stand-in data (nakit forward model), not a measurement."
DEFAULT_DPI = 300
DEFAULT_FORMATS = ("png", "svg", "pdf")

_RC = {
    "figure.dpi": 100,
    "savefig.dpi": DEFAULT_DPI,
    "savefig.bbox": "tight",
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "legend.frameon": False,
    "svg.hashsalt": "nakit",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the house style to matplotlib's global state."""
    import seaborn as sns

    sns.set_theme(context=CONTEXT, style="ticks", palette=PALETTE, rc=_RC)


def caption(fig, text: str = SYNTHESISED_CAPTION, *, synthesised: bool = True) -> None:
    """Put a caption under a figure; stand-in data are always labelled as synthesised."""
    if synthesised and SYNTHESISED_CAPTION not in text:
        text = f"{text} {SYNTHESISED_CAPTION}".strip()
    # below everything already drawn (tick labels, x labels), whatever the layout
    bottom = fig.get_tightbbox(fig.canvas.get_renderer()).y0 / fig.get_figheight()
    fig.text(0.01, bottom - 0.02, text, ha="left", va="top", fontsize="small", style="italic", wrap=True)


def figure_formats() -> tuple[str, ...]:
    """The formats :func:`savefig` writes by default: ``NAKIT_FIGURE_FORMATS`` or PNG, SVG, PDF."""
    env = os.environ.get("NAKIT_FIGURE_FORMATS", "")
    return tuple(f.strip() for f in env.split(",") if f.strip()) or DEFAULT_FORMATS


def figure_dpi() -> float:
    """PNG resolution: ``NAKIT_FIGURE_DPI`` or 300."""
    env = os.environ.get("NAKIT_FIGURE_DPI", "")
    try:
        dpi = float(env) if env else DEFAULT_DPI
    except ValueError:
        dpi = -1.0
    if not 50 <= dpi <= 2400:
        from .errors import ParameterError

        raise ParameterError(f"NAKIT_FIGURE_DPI={env!r}: expected a number of dots per inch in 50-2400")
    return dpi


def savefig(fig, path: str | os.PathLike, formats: Iterable[str] | None = None) -> list[Path]:
    """Save ``fig`` as ``path`` with each extension in ``formats``, deterministically.

    ``path`` may carry an extension; it is replaced. Same figure in, same bytes out.
    ``formats`` defaults to :func:`figure_formats`; PNGs use :func:`figure_dpi`.
    """
    formats = figure_formats() if formats is None else formats
    base = Path(path)
    if base.suffix.lower() in {".png", ".svg", ".pdf"}:
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    import matplotlib

    written = []
    with matplotlib.rc_context({"svg.hashsalt": "nakit", "svg.fonttype": "none", "pdf.fonttype": 42,
                                "savefig.dpi": figure_dpi()}):
        for fmt in formats:
            fmt = fmt.lower().lstrip(".")
            metadata = {
                "png": {"Software": None},
                "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
            }.get(fmt)
            if metadata is None:
                from .errors import ParameterError

                raise ParameterError(f"unsupported figure format {fmt!r}; use png, svg or pdf")
            out = base.with_suffix(f".{fmt}")
            with atomic_path(out) as tmp:
                fig.savefig(tmp, format=fmt, metadata=metadata)
            written.append(out)
    return written
