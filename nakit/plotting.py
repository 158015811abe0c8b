"""The house style for every nakit figure, and deterministic saving.

:func:`use_style` sets one seaborn/matplotlib look (ticks style, colour-blind palette,
readable sizes) for notebooks and reports. :func:`savefig` writes PNG plus SVG and/or PDF
whose bytes depend only on the figure's content: matplotlib otherwise stamps the creation
date and software version into the files and salts SVG element ids randomly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .io import atomic_path

PALETTE = "colorblind"
CONTEXT = "notebook"
SYNTHESISED_CAPTION = "Synthesised stand-in data (nakit forward model), not a measurement."

_RC = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "legend.frameon": False,
    "svg.hashsalt": "nakit",
    "svg.fonttype": "path",
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


def savefig(fig, path: str | os.PathLike, formats: Iterable[str] = ("png", "svg")) -> list[Path]:
    """Save ``fig`` as ``path`` with each extension in ``formats``, deterministically.

    ``path`` may carry an extension; it is replaced. Same figure in, same bytes out.
    """
    base = Path(path)
    if base.suffix.lower() in {".png", ".svg", ".pdf"}:
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    import matplotlib

    written = []
    with matplotlib.rc_context({"svg.hashsalt": "nakit"}):
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
