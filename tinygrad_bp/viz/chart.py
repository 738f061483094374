"""Line charts as SVG text, written by hand: learning curves, error sweeps, any y against x.

No plotting library is needed: the SVG is a few hundred lines of text that a browser, Jupyter
or an editor shows as it is. Each series is one ``<path class="series series-NAME">`` (its
label in ``data-label``), so tests and scripts can find a curve by name; points that are not
finite (NaN, inf, or not positive on a log axis) leave a gap instead of a wrong line.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from .axes import Axis, linear_axis, log_axis

FONT = "Helvetica, Arial, sans-serif"
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
DASHES = ("", "6 3", "2 2")  # after ten colours, the same colours dashed
CHAR = 6.6  # about how wide one character of the 11 px font is, for the margins


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Chart:
    """An SVG picture: ``.svg`` is its text, Jupyter shows it, ``.save(path)`` writes it."""

    body: str
    width: int
    height: int
    title: str = ""
    labels: tuple[str, ...] = ()
    margins: tuple[float, float] = (0.0, 0.0)  # left and right of the plot area, in pixels

    @property
    def svg(self) -> str:
        """The whole SVG document as text."""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" '
                f'font-family="{FONT}" font-size="11">\n')
        note = f"<title>{_attr(self.title)}</title>\n" if self.title else ""
        return head + note + '<rect width="100%" height="100%" fill="white"/>\n' + \
            self.body + "</svg>\n"

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | os.PathLike) -> Path:
        """Write the SVG to ``path`` (folders are created); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.svg, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return (f"Chart(title={self.title!r}, series={list(self.labels)!r}, "
                f"size={self.width}x{self.height})")


def slug(label: str) -> str:
    """The class name part for a series label: ``"validation loss"`` -> ``"validation-loss"``."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "series"


def _series(series: Mapping) -> list[tuple[str, np.ndarray, np.ndarray]]:
    if not isinstance(series, Mapping) or not series:
        raise ValueError("line_chart needs a non-empty mapping of label -> (xs, ys)")
    out = []
    for label, pair in series.items():
        try:
            xs, ys = pair
            xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"series {label!r}: expected a pair (xs, ys) of number sequences")\
                from None
        if xs.ndim != 1 or xs.shape != ys.shape:
            raise ValueError(f"series {label!r}: xs and ys must be flat and of the same length, "
                             f"got shapes {xs.shape} and {ys.shape}")
        out.append((str(label), xs, ys))
    return out


def line_chart(series: Mapping[str, tuple[ArrayLike, ArrayLike]], *, title: str = "",
               xlabel: str = "", ylabel: str = "", log_x: bool = False, log_y: bool = False,
               marker_x: float | None = None, width: int = 640, height: int = 360,
               margins: tuple[float, float] | None = None) -> Chart:
    """Draw each ``label -> (xs, ys)`` of ``series`` as a line, with axes, ticks and a legend.

    ``log_x`` / ``log_y`` use powers of ten. Points that are NaN or infinite (or not positive
    on a log axis) are skipped, leaving a gap. ``marker_x`` draws a dashed vertical line
    there (e.g. the epoch a page is showing). ``margins`` (left, right: room for the tick
    labels and the legend, in pixels) line up charts stacked above each other; by default
    they fit this chart's labels, and ``chart.margins`` says what they were. Returns a ``Chart``.
    """
    if width < 200 or height < 120:
        raise ValueError(f"line_chart: width and height must be at least 200 and 120, "
                         f"got {width} and {height}")
    data = _series(series)
    oks = [np.isfinite(xs) & np.isfinite(ys) & ((xs > 0) if log_x else True)
           & ((ys > 0) if log_y else True) for _, xs, ys in data]
    all_x = np.concatenate([xs[ok] for (_, xs, _), ok in zip(data, oks)])
    all_y = np.concatenate([ys[ok] for (_, _, ys), ok in zip(data, oks)])
    marker = None if marker_x is None else float(marker_x)
    if marker is not None and not (math.isfinite(marker) and (marker > 0 or not log_x)):
        marker = None  # nowhere on this axis to draw it
    if marker is not None:
        all_x = np.append(all_x, marker)
    whole = bool(all_x.size) and bool(np.all(all_x == np.round(all_x)))
    xaxis = log_axis(all_x) if log_x else linear_axis(all_x, whole)
    yaxis = log_axis(all_y) if log_y else linear_axis(all_y, False)

    labels = [label for label, _, _ in data]
    top = 34 if title else 14
    bottom = 30 + (18 if xlabel else 0)
    left = 14 + (18 if ylabel else 0) + CHAR * max(len(yaxis.label(t)) for t in yaxis.ticks)
    right = 34 + CHAR * max(len(label) for label in labels)
    if margins is not None:
        left, right = max(left, margins[0]), max(right, margins[1])
    xaxis.start, xaxis.end = left, width - right
    yaxis.start, yaxis.end = height - bottom, top
    parts = [_frame(xaxis, yaxis, title, xlabel, ylabel, width, height)]
    names = _class_names(labels)
    for i, ((label, xs, ys), ok) in enumerate(zip(data, oks)):
        parts.append(_line(label, names[i], xs, ys, ok, xaxis, yaxis, i))
    if marker is not None:
        parts.append(_marker(marker, xlabel, xaxis, yaxis, data, oks, names))
    parts.append(_legend(labels, xaxis.end + 14, top, names))
    return Chart("".join(parts), width, height, title, tuple(labels), (left, right))


def _class_names(labels: list[str]) -> list[str]:
    """``series-NAME`` per label, made unique when two labels share a slug."""
    names, seen = [], set()
    for label in labels:
        name, k = f"series-{slug(label)}", 2
        while name in seen:
            name, k = f"series-{slug(label)}-{k}", k + 1
        seen.add(name)
        names.append(name)
    return names


def _style(i: int) -> str:
    dash = DASHES[(i // len(PALETTE)) % len(DASHES)]
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'stroke="{PALETTE[i % len(PALETTE)]}" stroke-width="2"{extra}'


def _frame(xaxis: Axis, yaxis: Axis, title: str, xlabel: str, ylabel: str,
           width: int, height: int) -> str:
    """Title, grid, axes with their ticks and tick labels, axis labels."""
    x0, x1, y0, y1 = xaxis.start, xaxis.end, yaxis.start, yaxis.end
    out = []
    if title:
        out.append(f'<text class="title" x="{width / 2:.1f}" y="20" text-anchor="middle" '
                   f'font-size="14" font-weight="bold">{_attr(title)}</text>\n')
    out.append('<g class="grid" stroke="#e6e6e6" stroke-width="1">')
    out += [f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{yaxis.pixel(t):.1f}" '
            f'y2="{yaxis.pixel(t):.1f}"/>' for t in yaxis.ticks]
    out += [f'<line x1="{xaxis.pixel(t):.1f}" x2="{xaxis.pixel(t):.1f}" y1="{y0:.1f}" '
            f'y2="{y1:.1f}"/>' for t in xaxis.ticks]
    out.append("</g>\n")
    out.append(f'<g class="axes" stroke="#444" stroke-width="1"><line x1="{x0:.1f}" '
               f'x2="{x1:.1f}" y1="{y0:.1f}" y2="{y0:.1f}"/><line x1="{x0:.1f}" x2="{x0:.1f}" '
               f'y1="{y0:.1f}" y2="{y1:.1f}"/></g>\n')
    out.append('<g class="x-ticks" text-anchor="middle" fill="#333">')
    out += [f'<text x="{xaxis.pixel(t):.1f}" y="{y0 + 15:.1f}">{xaxis.label(t)}</text>'
            for t in xaxis.ticks]
    out.append('</g>\n<g class="y-ticks" text-anchor="end" fill="#333">')
    out += [f'<text x="{x0 - 5:.1f}" y="{yaxis.pixel(t) + 4:.1f}">{yaxis.label(t)}</text>'
            for t in yaxis.ticks]
    out.append("</g>\n")
    if xlabel:
        out.append(f'<text class="xlabel" x="{(x0 + x1) / 2:.1f}" y="{height - 8}" '
                   f'text-anchor="middle" font-size="12">{_attr(xlabel)}</text>\n')
    if ylabel:
        middle = (y0 + y1) / 2
        out.append(f'<text class="ylabel" x="14" y="{middle:.1f}" text-anchor="middle" '
                   f'font-size="12" transform="rotate(-90 14 {middle:.1f})">'
                   f"{_attr(ylabel)}</text>\n")
    return "".join(out)


def _line(label: str, name: str, xs: np.ndarray, ys: np.ndarray, ok: np.ndarray,
          xaxis: Axis, yaxis: Axis, i: int) -> str:
    """One path per series; a skipped point starts a new piece, a lone point is a dot."""
    pieces, dots, run = [], [], []
    for x, y, good in zip(xs, ys, ok):
        if good:
            run.append(f"{xaxis.pixel(x):.1f} {yaxis.pixel(y):.1f}")
        elif run:
            pieces.append(run)
            run = []
    if run:
        pieces.append(run)
    d = " ".join("M" + " L".join(piece) for piece in pieces if len(piece) > 1)
    for piece in pieces:
        if len(piece) == 1:
            cx, cy = piece[0].split()
            dots.append(f'<circle class="point {name}" cx="{cx}" cy="{cy}" r="3" '
                        f'fill="{PALETTE[i % len(PALETTE)]}"/>')
    return (f'<path class="series {name}" data-label="{_attr(label)}" d="{d}" fill="none" '
            f'{_style(i)} stroke-linejoin="round"><title>{_attr(label)}</title></path>'
            + "".join(dots) + "\n")


def _marker(x: float, xlabel: str, xaxis: Axis, yaxis: Axis, data, oks, names) -> str:
    """A dashed line at ``x``, its value at the top, a ring on each series' point there."""
    px = xaxis.pixel(x)
    rings = [f'<circle class="{name}" cx="{px:.1f}" cy="{yaxis.pixel(ys[k]):.1f}" r="4" '
             f'fill="white" stroke="{PALETTE[i % len(PALETTE)]}" stroke-width="2"/>'
             for i, ((_, xs, ys), ok, name) in enumerate(zip(data, oks, names))
             for k in np.flatnonzero((xs == x) & ok)[:1]]
    shown = re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].strip("+") + m[2], f"{x:g}")
    text = f"{xlabel} {shown}" if xlabel else shown
    anchor = "end" if px > (xaxis.start + xaxis.end) / 2 else "start"
    shift = -4 if anchor == "end" else 4
    return (f'<g class="marker" data-x="{x:g}"><line x1="{px:.1f}" x2="{px:.1f}" '
            f'y1="{yaxis.start:.1f}" y2="{yaxis.end:.1f}" stroke="#333" stroke-width="1.5" '
            f'stroke-dasharray="5 3"/><text x="{px + shift:.1f}" y="{yaxis.end + 12:.1f}" '
            f'text-anchor="{anchor}" fill="#333" stroke="white" stroke-width="3" '
            f'paint-order="stroke">{_attr(text)}</text>{"".join(rings)}</g>\n')


def _legend(labels: list[str], x: float, y: float, names: list[str]) -> str:
    out = ['<g class="legend">']
    for i, (label, name) in enumerate(zip(labels, names)):
        row = y + 8 + 18 * i
        out.append(f'<line class="{name}" x1="{x:.1f}" x2="{x + 18:.1f}" y1="{row:.1f}" '
                   f'y2="{row:.1f}" {_style(i)}/><text x="{x + 24:.1f}" y="{row + 4:.1f}">'
                   f"{_attr(label)}</text>")
    out.append("</g>\n")
    return "".join(out)


def stack(charts: Sequence[Chart], *, columns: int = 1, title: str = "") -> Chart:
    """Several charts in one SVG, in rows of ``columns`` (e.g. loss above accuracy)."""
    if not charts:
        raise ValueError("stack needs at least one chart")
    if columns < 1:
        raise ValueError(f"stack: columns must be at least 1, got {columns}")
    rows = [charts[k:k + columns] for k in range(0, len(charts), columns)]
    width = max(sum(c.width for c in row) for row in rows)
    parts, y = [], 0
    for row in rows:
        x = 0
        for chart in row:
            parts.append(f'<svg x="{x}" y="{y}" width="{chart.width}" height="{chart.height}">\n'
                         f"{chart.body}</svg>\n")
            x += chart.width
        y += max(c.height for c in row)
    labels = tuple(dict.fromkeys(label for c in charts for label in c.labels))
    return Chart("".join(parts), width, y, title or " / ".join(c.title for c in charts if c.title),
                 labels)
