"""Layout checks for figures: does a legend or a text label cover data or another label?

matplotlib knows, after a draw, where everything sits on the canvas in display
coordinates (pixels): a legend's and a text's window extent, and every plotted point once
pushed through its artist's transform. :func:`overlaps` compares the two and returns each
legend box or text label (annotations, hkl and peak labels, figure texts) that

- covers a plotted data point (a vertex of a line drawn in data coordinates, a scatter
  marker, an error-bar end, the top of a bar) that is visible inside its axes, or
- overlaps another label (another legend or text, an axes title or axis label);

and each axes title or axis label printed over another panel's.

Reference lines drawn partly in axes coordinates (``axhline``/``axvline``) and shaded
spans or bands are not data points; points outside their axes (clipped) are not visible
and do not count. A curve is checked at its vertices, so a legend lying over a sparse
line between two of its points is not found: the check is about points, as a reader
would miss a hidden marker.

:meth:`nakit.report.Report.figure` runs the check on every figure it saves, writes the
result to ``figures/layout.csv`` and warns (``NakitWarning``) when something covers data.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: a box must reach this many pixels past a point (or into another box) to count as covering it,
#: so that a label merely touching a marker's centre or a neighbour's edge is not reported
MARGIN_PX = 1.0
LAYOUT_COLUMNS = ("figure", "status", "kind", "label", "axes", "covers", "what", "points")


@dataclass(frozen=True)
class Overlap:
    """One legend box or text label that covers data or another label.

    Attributes
    ----------
    kind
        ``"legend"``, ``"text"``, or ``"title"`` (an axes title or axis label over another panel's).
    label
        The legend's entries (joined by ``"; "``) or the text itself.
    axes
        Where the label lives: ``"axes 1"`` (1-based, in the figure's order) plus its title
        when it has one, or ``"figure"``.
    covers
        ``"data"`` or ``"label"``.
    what
        For data, the label of the covered artist (its legend text, or ``"unlabelled line"``
        and the like); for a label, the other label's text.
    points
        Number of data points covered (0 for a label).
    bbox
        The label's box in display pixels ``(x0, y0, x1, y1)``.
    """

    kind: str
    label: str
    axes: str
    covers: str
    what: str
    points: int
    bbox: tuple[float, float, float, float]

    def describe(self) -> str:
        """One line for a warning: ``the legend (A; B) in axes 1 covers 12 data points of 'A'``."""
        name = f"the legend ({self.label})" if self.kind == "legend" else f"the label {self.label!r}"
        if self.kind == "title":
            return f"{name} of {self.axes} is printed over {self.what!r}"
        if self.covers == "data":
            return f"{name} in {self.axes} covers {self.points} data point(s) of {self.what}"
        return f"{name} in {self.axes} overlaps the label {self.what!r}"


def _axes_name(fig, ax) -> str:
    if ax is None:
        return "figure"
    try:
        number = fig.axes.index(ax) + 1
    except ValueError:
        return "figure"
    title = ax.get_title() or ax.get_title(loc="left") or ax.get_title(loc="right")
    return f"axes {number}" + (f" ({title})" if title else "")


def _artist_name(artist, kind: str) -> str:
    label = str(artist.get_label() or "")
    return repr(label) if label and not label.startswith("_") else f"an unlabelled {kind}"


def _uses_data_coordinates(artist, ax) -> bool:
    """True when ``artist`` is drawn in ``ax``'s data coordinates (not axhline/axvline/axes-fraction)."""
    try:
        return artist.get_transform().contains_branch(ax.transData)
    except (AttributeError, ValueError):
        return False


def _data_points(ax):
    """``[(name, N x 2 display points)]`` of what ``ax`` plots, visible inside the axes."""
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection
    from matplotlib.container import BarContainer

    found = []
    for line in ax.lines:
        if not line.get_visible() or not _uses_data_coordinates(line, ax):
            continue
        xy = np.column_stack([np.asarray(line.get_xdata(orig=False), float),
                              np.asarray(line.get_ydata(orig=False), float)]) if len(line.get_xdata()) else None
        if xy is not None and len(xy):
            found.append((_artist_name(line, "line"), line.get_transform().transform(xy)))
    for coll in ax.collections:
        if not coll.get_visible() or isinstance(coll, PolyCollection):  # bands and fills are areas, not points
            continue
        if isinstance(coll, PathCollection):  # scatter: one marker per offset
            offsets = np.asarray(coll.get_offsets(), float)
            transform = coll.get_offset_transform()
            if len(offsets) and transform.contains_branch(ax.transData):
                found.append((_artist_name(coll, "scatter"), transform.transform(offsets)))
        elif isinstance(coll, LineCollection) and _uses_data_coordinates(coll, ax):  # error bars
            segments = [np.asarray(s, float) for s in coll.get_segments() if len(s)]
            if segments:
                found.append((_artist_name(coll, "set of error bars"),
                              coll.get_transform().transform(np.vstack(segments))))
    for container in ax.containers:
        if isinstance(container, BarContainer):
            tops = []
            for rect in container.patches:
                if not rect.get_visible():
                    continue
                x, y, w, h = rect.get_x(), rect.get_y(), rect.get_width(), rect.get_height()
                # the end of the bar away from its base: the value it shows
                tops.append((x + w / 2, y + h) if container.orientation == "vertical" else (x + w, y + h / 2))
            if tops:
                found.append((_artist_name(container, "bar set"), ax.transData.transform(np.array(tops, float))))
    box = ax.get_window_extent()
    visible = []
    for name, xy in found:
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        inside = ((xy[:, 0] >= box.x0 - MARGIN_PX) & (xy[:, 0] <= box.x1 + MARGIN_PX)
                  & (xy[:, 1] >= box.y0 - MARGIN_PX) & (xy[:, 1] <= box.y1 + MARGIN_PX))
        if inside.any():
            visible.append((name, xy[inside]))
    return visible


def _legend_text(legend) -> str:
    return "; ".join(t.get_text() for t in legend.get_texts() if t.get_text()) or "no entries"


def _labels(fig, renderer):
    """``[(kind, text, axes name, bbox)]`` of every legend and visible non-empty text."""
    out = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            out.append(("legend", _legend_text(legend), _axes_name(fig, ax), legend.get_window_extent(renderer)))
        for text in ax.texts:
            if text.get_visible() and text.get_text().strip():
                out.append(("text", text.get_text(), _axes_name(fig, ax), text.get_window_extent(renderer)))
    for legend in fig.legends:
        if legend.get_visible():
            out.append(("legend", _legend_text(legend), "figure", legend.get_window_extent(renderer)))
    for text in fig.texts:
        if text.get_visible() and text.get_text().strip():
            out.append(("text", text.get_text(), "figure", text.get_window_extent(renderer)))
    return out


def _axis_labels(fig, renderer):
    """``[(text, axes name, bbox)]`` of the axes titles and axis labels: labels a legend or text must
    not cover, nor another panel's title print over."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        artists = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        for artist in artists:
            if artist.get_visible() and artist.get_text().strip():
                out.append((artist.get_text(), _axes_name(fig, ax), artist.get_window_extent(renderer)))
    return out


def _intersect(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > MARGIN_PX) and (min(a.y1, b.y1) - max(a.y0, b.y0) > MARGIN_PX)


def overlaps(fig, *, relayout: bool = True) -> list[Overlap]:
    """Every legend box or text label of ``fig`` that covers a plotted data point or another label.

    The figure is drawn (without rendering) first, so ``loc="best"`` legends and layout
    engines have placed everything as a saved file shows it.

    Parameters
    ----------
    fig
        A matplotlib Figure.
    relayout
        False: the figure's layout engine has laid it out since anything taking part in the
        layout changed (figure texts, such as a caption, take none), so this draw leaves the
        axes where they are instead of running the engine again; and when nothing changed
        since its last draw (the figure is not stale, as :func:`nakit.plotting.caption`
        leaves it), that draw serves and the figure is not drawn at all.

    Returns
    -------
    list of Overlap
        One entry per (label, covered artist) pair for data, and one per pair of colliding
        labels; empty when nothing covers anything.
    """
    if relayout:
        fig.draw_without_rendering()
    elif fig.stale:
        from .plotting import layout_engine_off

        with layout_engine_off(fig):
            fig.draw_without_rendering()
    drawn = not fig.stale
    renderer = fig.canvas.get_renderer()
    points = [(_axes_name(fig, ax), name, xy) for ax in fig.axes if ax.get_visible()
              for name, xy in _data_points(ax)]
    labels = _labels(fig, renderer)
    titles = _axis_labels(fig, renderer)
    found: list[Overlap] = []
    for i, (kind, text, where, box) in enumerate(labels):
        bbox = (float(box.x0), float(box.y0), float(box.x1), float(box.y1))
        inner = (box.x0 + MARGIN_PX, box.y0 + MARGIN_PX, box.x1 - MARGIN_PX, box.y1 - MARGIN_PX)
        for _axes, name, xy in points:
            covered = int(np.count_nonzero((xy[:, 0] > inner[0]) & (xy[:, 0] < inner[2])
                                           & (xy[:, 1] > inner[1]) & (xy[:, 1] < inner[3])))
            if covered:
                found.append(Overlap(kind, text, where, "data", name, covered, bbox))
        for other_kind, other_text, _where, other_box in labels[i + 1:]:
            if _intersect(box, other_box):
                found.append(Overlap(kind, text, where, "label", other_text, 0, bbox))
        for other_text, _where, other_box in titles:
            if _intersect(box, other_box):
                found.append(Overlap(kind, text, where, "label", other_text, 0, bbox))
    # one panel's title or axis label printed over another's (neighbouring panels' long titles)
    for i, (text, where, box) in enumerate(titles):
        for other_text, other_where, other_box in titles[i + 1:]:
            if other_where != where and _intersect(box, other_box):
                found.append(Overlap("title", text, where, "label", other_text, 0,
                                     (float(box.x0), float(box.y0), float(box.x1), float(box.y1))))
    if drawn:  # a text's extent is measured at the figure's dpi set anew, which marks it stale: nothing moved
        fig.stale = False
    return found


#: where :func:`place_legend` tries a legend, in order, before it goes outside the axes
LEGEND_LOCATIONS = ("upper right", "upper left", "lower left", "lower right", "center right", "center left",
                    "upper center", "lower center")


def place_legend(ax, *, locations=LEGEND_LOCATIONS, **kwargs):
    """``ax.legend(**kwargs)`` at the first of ``locations`` where it covers no data point.

    Unlike ``loc="best"``, which only minimises the overlap and so may still hide points on
    a crowded axes, a location is taken only when :func:`overlaps` finds nothing of the
    legend over data (or another label); when every location covers something, the legend
    goes outside, right of the axes (``loc="upper left", bbox_to_anchor=(1.02, 1)``). The
    figure's layout engine (``tight_layout``/``constrained``) should run afterwards if any.

    Returns
    -------
    matplotlib.legend.Legend
    """
    kwargs.pop("loc", None)
    kwargs.pop("bbox_to_anchor", None)
    fig = ax.figure
    for loc in locations:
        legend = ax.legend(loc=loc, **kwargs)
        text = _legend_text(legend)
        if not any(o.kind == "legend" and o.label == text for o in overlaps(fig)):
            return legend
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)


def _points_px(ax) -> np.ndarray:
    """Every visible data point of ``ax`` in display pixels, as one N x 2 array."""
    pts = [xy for _name, xy in _data_points(ax)]
    return np.vstack(pts) if pts else np.empty((0, 2))


def _covers_any(box, points: np.ndarray, margin: float) -> bool:
    if not len(points):
        return False
    return bool(np.any((points[:, 0] > box[0] - margin) & (points[:, 0] < box[2] + margin)
                       & (points[:, 1] > box[1] - margin) & (points[:, 1] < box[3] + margin)))


def _boxes_meet(a, b, margin: float) -> bool:
    return (min(a[2], b[2]) - max(a[0], b[0]) > -margin) and (min(a[3], b[3]) - max(a[1], b[1]) > -margin)


def _shift_text(text, dx_px: float, dy_px: float) -> None:
    """Move ``text`` by pixels: an annotation's offset (points) or a text's position (its own coordinates)."""
    from matplotlib.text import Annotation

    fig = text.figure
    if isinstance(text, Annotation) and text.anncoords == "offset points":
        x, y = text.xyann
        scale = 72.0 / fig.dpi
        text.xyann = (x + dx_px * scale, y + dy_px * scale)
        return
    transform = text.get_transform()
    x, y = transform.transform(text.get_position())
    text.set_position(transform.inverted().transform((x + dx_px, y + dy_px)))


def clear_labels(ax, texts=None, *, step_pt: float = 1.5, max_shift_pt: float = 40.0, gap_pt: float = 1.0,
                 keep_inside: bool = True, rounds: int = 4) -> list:
    """Move text labels (hkl, peak and point labels) off the data and off each other.

    Each label in turn is tried at its own place, then ever higher (``step_pt`` at a
    time, up to ``max_shift_pt``) or a little left or right (a sideways step costing twice
    its length upwards, so a label stays over its peak when it can); it takes the nearest
    place where its box, widened by ``gap_pt``, holds no plotted point of ``ax`` (as
    :func:`overlaps` counts them) and meets no label already placed or the axis labels. With ``keep_inside`` the y limit is then raised until every label lies inside
    the axes, and the placement repeats (raising the limit moves the data on the canvas).
    A label that finds no free place within ``max_shift_pt`` is left at its last trial,
    where :func:`overlaps` (and ``figures/layout.csv``) still report it.

    Parameters
    ----------
    ax
        The axes holding the data and the labels.
    texts
        The labels to move (Text or Annotation artists of ``ax``); default every text of ``ax``.
    step_pt, max_shift_pt, gap_pt
        Trial step, largest move and the clearance kept around each label, in points.
    keep_inside
        Raise the upper y limit so that the labels stay inside the axes.
    rounds
        How many times placement and limit may alternate before stopping.

    Returns
    -------
    list
        The labels that still cover data or another label (empty when all found a place).
    """
    texts = [t for t in (ax.texts if texts is None else texts) if t.get_visible() and t.get_text().strip()]
    fig = ax.figure
    px = fig.dpi / 72.0
    starts = {id(t): (t.xyann if hasattr(t, "xyann") else None, t.get_position()) for t in texts}
    left = list(texts)
    for _ in range(max(rounds, 1)):
        for t in texts:  # every round starts from where the caller put the labels
            offset, position = starts[id(t)]
            if offset is not None:
                t.xyann = offset
            t.set_position(position)
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        points = _points_px(ax)
        fixed = [(b.x0, b.y0, b.x1, b.y1) for _text, _where, b in _axis_labels(fig, renderer)]
        placed, left = [], []
        gap = gap_pt * px
        for t in sorted(texts, key=lambda t: t.get_window_extent(renderer).x0):
            b = t.get_window_extent(renderer)
            box0 = (b.x0, b.y0, b.x1, b.y1)
            width = b.x1 - b.x0
            free = None
            # nearest first, a sideways step costing twice a step up: a label stays over its peak if it can
            trials = sorted(((dx, dy) for dy in np.arange(0.0, max_shift_pt + step_pt / 2, step_pt) * px
                             for dx in (0.0, -0.35 * width, 0.35 * width, -0.7 * width, 0.7 * width)),
                            key=lambda d: d[1] + 2.0 * abs(d[0]))
            for dx, dy in trials:
                box = (box0[0] + dx, box0[1] + dy, box0[2] + dx, box0[3] + dy)
                if not _covers_any(box, points, gap) and not any(_boxes_meet(box, o, gap) for o in placed + fixed):
                    free = (dx, dy, box)
                    break
            if free is None:
                left.append(t)
                placed.append(box0)
                continue
            _shift_text(t, free[0], free[1])
            placed.append(free[2])
        if not keep_inside:
            break
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        axes_box = ax.get_window_extent(renderer)
        top = max((t.get_window_extent(renderer).y1 for t in texts), default=axes_box.y1)
        if top <= axes_box.y1 - gap:
            break
        # raise the upper limit so the highest label fits, keeping the data's pixel scale in proportion
        y0, y1 = ax.get_ylim()
        need = (top - axes_box.y0 + 2 * gap) / max(axes_box.y1 - axes_box.y0, 1.0)
        scale = ax.yaxis.get_transform()  # linear or log: stretch the limit in the axis' own scale
        a, b = np.ravel(scale.transform(np.array([y0, y1], float)))
        ax.set_ylim(y0, float(np.ravel(scale.inverted().transform(np.array([a + (b - a) * need])))[0]))
    return left


def off_anchor(ax, texts) -> list:
    """The annotations among ``texts`` whose box no longer spans their anchor's x (in display space).

    :func:`clear_labels` may move a label aside to a free place; in a stack of traces that place
    can be beside another trace's peak, where the label reads as that peak's. A caller that
    cannot have that leaves such labels out.
    """
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    out = []
    for t in texts:
        if not hasattr(t, "xy") or not t.get_visible():
            continue
        x = ax.transData.transform((t.xy[0], t.xy[1]))[0]
        box = t.get_window_extent(renderer)
        if not box.x0 <= x <= box.x1:
            out.append(t)
    return out


def _tick_texts(axis, renderer):
    """``[(text, bbox)]`` of the visible, non-empty major tick labels of an x or y axis."""
    out = []
    for tick in axis.get_major_ticks():
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text().strip():
                out.append((label.get_text(), label.get_window_extent(renderer)))
    return out


def tick_overlaps(fig) -> list[Overlap]:
    """Tick labels of ``fig`` that overlap a neighbouring tick label of the same axis.

    Boxes are the labels' extents on the canvas after a draw (for a rotated label, the
    upright box around it, so 90 degrees is the rotation that separates long labels on a
    crowded axis). Returns one :class:`Overlap` (kind ``"tick"``, covers ``"label"``) per
    overlapping pair; empty when every tick label stands free.
    """
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            ticks = _tick_texts(axis, renderer)
            for i, (text, box) in enumerate(ticks):
                for other, other_box in ticks[i + 1:]:
                    if _intersect(box, other_box):
                        found.append(Overlap("tick", text, _axes_name(fig, ax), "label", other, 0,
                                             (float(box.x0), float(box.y0), float(box.x1), float(box.y1))))
    return found


def _relayout(fig) -> None:
    """Run the figure's layout again: its engine on draw, or ``tight_layout`` when it has none (after a
    ``tight_layout`` call matplotlib leaves a place-holder engine that lays out nothing)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        fig.tight_layout()
    fig.draw_without_rendering()


def fit_tick_labels(fig, *, max_grow: float = 2.5) -> list[Overlap]:
    """Lay out the tick labels of ``fig`` so that none overlaps another on its axis.

    Crowded x tick labels are turned upright (90 degrees, the only rotation whose box
    does not reach into the neighbour's); where upright labels still collide (more labels
    than the axis has room for at the font's height), and for crowded y tick labels, the
    figure grows (at most ``max_grow`` times its width or height) until they fit. The
    figure's layout engine (or ``tight_layout`` when it has none) runs after each change.

    Returns
    -------
    list of Overlap
        What :func:`tick_overlaps` still finds (empty when all fit).
    """
    _relayout(fig)
    width0, height0 = fig.get_size_inches()
    for _ in range(8):
        found = tick_overlaps(fig)
        if not found:
            return []
        renderer = fig.canvas.get_renderer()
        grow_x = grow_y = 1.0
        for ax in fig.axes:
            xs = _tick_texts(ax.xaxis, renderer)
            if any(_intersect(a, b) for (_t, a), (_u, b) in zip(xs, xs[1:])):
                if any(lab.get_rotation() != 90 for lab in ax.get_xticklabels()):
                    # upright labels are as tall as they were wide: the figure grows by the difference,
                    # so the axes keep their height
                    extra_px = max(b.width for _t, b in xs) - max(b.height for _t, b in xs)
                    if extra_px > 0:
                        grow_y = max(grow_y, 1.0 + extra_px / (fig.get_size_inches()[1] * fig.dpi))
                    ax.tick_params(axis="x", labelrotation=90)
                    for lab in ax.get_xticklabels():
                        lab.set_ha("center")
                else:
                    need = max((a.x1 - b.x0 + 2 * MARGIN_PX) / max(b.x0 - a.x0, 1.0)
                               for (_t, a), (_u, b) in zip(sorted(xs, key=lambda t: t[1].x0),
                                                          sorted(xs, key=lambda t: t[1].x0)[1:]))
                    grow_x = max(grow_x, 1.0 + need * 0.5)
            ys = sorted(_tick_texts(ax.yaxis, renderer), key=lambda t: t[1].y0)
            if any(_intersect(a, b) for (_t, a), (_u, b) in zip(ys, ys[1:])):
                need = max((a.y1 - b.y0 + 2 * MARGIN_PX) / max(b.y0 - a.y0, 1.0)
                           for (_t, a), (_u, b) in zip(ys, ys[1:]))
                grow_y = max(grow_y, 1.0 + need * 0.5)
        width, height = fig.get_size_inches()
        grow_x = min(grow_x, max_grow * width0 / width)
        grow_y = min(grow_y, max_grow * height0 / height)
        if grow_x > 1.0 or grow_y > 1.0:
            fig.set_size_inches(width * grow_x, height * grow_y)
        _relayout(fig)
    return tick_overlaps(fig)


def covers_data(found: list[Overlap]) -> list[Overlap]:
    """The entries of ``found`` that cover data points."""
    return [o for o in found if o.covers == "data"]


def to_warn_of(found: list[Overlap]) -> list[Overlap]:
    """The entries of ``found`` a report warns of: a label over data, or a panel's title or axis
    label printed over another's (neither can be read); the rest are only recorded."""
    return [o for o in found if o.covers == "data" or o.kind == "title"]


def write_layout(path: str | Path, figure: str, found: list[Overlap]) -> Path:
    """Replace ``figure``'s rows in the layout record ``path`` (CSV, :data:`LAYOUT_COLUMNS`).

    A figure with nothing covering anything gets one row with status ``ok``, so the file
    says which figures were checked.
    """
    path = Path(path)
    rows = []
    if path.is_file():
        with open(path, newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("figure") != figure]
    if found:
        rows += [{"figure": figure, "status": "overlap", "kind": o.kind, "label": o.label, "axes": o.axes,
                  "covers": o.covers, "what": o.what, "points": o.points} for o in found]
    else:
        rows.append({"figure": figure, "status": "ok", "kind": "", "label": "", "axes": "", "covers": "",
                     "what": "", "points": 0})
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=LAYOUT_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path
