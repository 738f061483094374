"""Pictures of training: learning curves, gradient norms, and a page stepping through training.

Everything here reads a history's per-epoch fields by name (``epochs``, ``loss``,
``val_loss``, ``accuracy``, ``val_accuracy``, ``grad_norm``), so ``nn.train``'s ``History`` and
any stand-in with those fields draw the same. A field that is missing, empty or all NaN (no
validation set, a regression's accuracy) is left out of the picture rather than drawn as zero.
The networks on the page come ready made (viz draws; it does not run models): pairs of an epoch
and anything ``draw_network`` accepts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .chart import Chart, line_chart, stack
from .network import draw_network
from .page import frames_page


def _values(history, name: str) -> np.ndarray | None:
    """The field as floats, or None when it holds nothing to draw."""
    raw = getattr(history, name, None)
    if raw is None or len(raw) == 0:
        return None
    values = np.array([math.nan if v is None else v for v in raw], dtype=float) \
        if np.ndim(raw) == 1 else np.asarray(raw, dtype=float)
    return values if np.isfinite(values).any() else None


def _epochs(history) -> list[float]:
    epochs = getattr(history, "epochs", None)
    loss = _values(history, "loss")
    if epochs is None or len(epochs) == 0:
        return list(range(1, 1 + (0 if loss is None else len(loss))))
    return [float(e) for e in epochs]


def learning_curves(history, *, marker_epoch: float | None = None, gradients: bool = False,
                    width: int = 640) -> Chart:
    """Training and validation loss against epoch; accuracy below it when there is one.

    ``gradients=True`` adds a third panel, each layer's gradient norm on a log scale (where
    gradients vanish). ``marker_epoch`` marks an epoch in every panel (the training page's).
    """
    specs = _curve_specs(history)
    if not specs:
        raise ValueError("learning_curves: the history has no loss to draw (no epochs yet?)")
    if gradients:
        specs.append(_gradient_spec(history))
    panels = [line_chart(series, xlabel="epoch", marker_x=marker_epoch, width=width, height=300,
                         **labels) for series, labels in specs]
    if len(panels) == 1:
        return panels[0]
    # drawn again with the widest margins, so that the panels' epochs line up
    margins = tuple(max(p.margins[i] for p in panels) for i in (0, 1))
    return stack([line_chart(series, xlabel="epoch", marker_x=marker_epoch, width=width,
                             height=300, margins=margins, **labels) for series, labels in specs],
                 title="Learning curves")


def _curve_specs(history) -> list[tuple[dict, dict]]:
    """(series, labels) for the loss panel and, when there is accuracy, the accuracy panel."""
    epochs = _epochs(history)
    specs = []
    for title, ylabel, names in (("Loss", "loss", ("loss", "val_loss")),
                                 ("Accuracy", "accuracy (%)", ("accuracy", "val_accuracy"))):
        series = {}
        for name in names:
            values = _values(history, name)
            if values is not None:
                _check_length(name, values, epochs)
                label = ("validation " if name.startswith("val_") else "train ") + ylabel.split()[0]
                series[label] = (epochs, values)
        if series:
            specs.append((series, dict(title=title, ylabel=ylabel)))
    return specs


def _gradient_spec(history) -> tuple[dict, dict]:
    norms = _values(history, "grad_norm")
    if norms is None:
        raise ValueError("the history has no grad_norm to draw")
    epochs = _epochs(history)
    norms = norms.reshape(len(norms), -1)
    _check_length("grad_norm", norms, epochs)
    series = {f"layer {i + 1}": (epochs, norms[:, i]) for i in range(norms.shape[1])}
    return series, dict(title="Gradient norm per layer", ylabel="‖∂loss/∂weights‖", log_y=True)


def gradient_chart(history, *, marker_epoch: float | None = None, width: int = 640) -> Chart:
    """Each layer's gradient norm per epoch on a log scale: a vanishing gradient is a low line."""
    series, labels = _gradient_spec(history)
    return line_chart(series, xlabel="epoch", marker_x=marker_epoch, width=width, height=300,
                      **labels)


def _check_length(name: str, values: np.ndarray, epochs: list[float]) -> None:
    if len(values) != len(epochs):
        raise ValueError(f"history.{name} has {len(values)} entries for {len(epochs)} epochs")


def caption(history, epoch: float) -> str:
    """One line for ``epoch``: its loss, validation loss and accuracies where there are some."""
    epochs = _epochs(history)
    text = f"epoch {epoch:g}"
    if epoch not in epochs:
        return text + " (before training)" if epoch == 0 else text
    k = epochs.index(epoch)
    for name, label, fmt in (("loss", "loss", "{:.4f}"), ("val_loss", "validation loss", "{:.4f}"),
                             ("accuracy", "accuracy", "{:.1f}%"),
                             ("val_accuracy", "validation accuracy", "{:.1f}%")):
        values = _values(history, name)
        if values is not None and math.isfinite(values[k]):
            text += f", {label} " + fmt.format(values[k])
    return text


def save_training_page(history, directory: str | os.PathLike,
                       networks: Sequence[tuple[float, object]], *, inputs=None,
                       activation: str = "sigmoid") -> list[Path]:
    """Write a page stepping through ``networks``, each ``(epoch, network)`` at that epoch.

    Per snapshot: ``network_NNN.svg`` (``draw_network``: weights as colour and width, outputs
    and deltas for the row ``inputs``) and ``curves_NNN.svg`` (the learning curves with that
    epoch marked), then ``index.html`` showing the two side by side (buttons or arrow keys
    step). Each curve file stands alone, so the page also works without JavaScript. Returns
    the paths written, index.html last.
    """
    if not networks:
        raise ValueError("save_training_page: no snapshots to show; train with snapshots=N")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    captions = [caption(history, epoch) for epoch, _ in networks]
    # Colour and width show every weight; numbers in rows would make a tall, busy picture.
    figures = [draw_network(net, inputs=inputs, activation=activation, title=text,
                            max_weight_rows=0)
               for (_, net), text in zip(networks, captions)]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        svgs = list(pool.map(lambda figure: figure.pipe(format="svg", quiet=True), figures))
    written, frames = [], []
    for k, ((epoch, _), svg) in enumerate(zip(networks, svgs)):
        picture = directory / f"network_{k:03d}.svg"
        picture.write_bytes(svg)
        curves = learning_curves(history, marker_epoch=epoch, width=560).save(
            directory / f"curves_{k:03d}.svg")
        written += [picture, curves]
        frames.append((picture.name, curves.name))
    page = directory / "index.html"
    page.write_text(frames_page(frames, captions, title="Training, snapshot by snapshot",
                                unit="snapshot", alts=("the network at this epoch",
                                                       "the learning curves, this epoch marked")),
                    encoding="utf-8")
    return written + [page]
