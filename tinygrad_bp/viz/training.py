"""Pictures of training: learning curves, gradient norms, and a page stepping through training.

Everything here reads ``nn.History``'s fields by name (``loss``, ``val_loss``, ``accuracy``,
``val_accuracy``, ``sum_error``, ``grad_norm``, ``snapshots``, ``models``), so viz needs no
import of ``nn``. Epoch index ``e`` of a list is drawn at x = e + 1, "after e + 1 epochs", so a
snapshot after k epochs is marked at x = k and x = 0 is the start. A field that is empty or all
NaN (no validation set, a regression's accuracy) is left out rather than drawn as zero. For k
models trained side by side (``models=k``), ``model=m`` picks one; without it each model gets
its own line.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from .chart import Chart, line_chart, stack
from .network import draw_network
from .page import frames_page

PANELS = (("Loss", "loss", (("loss", "train loss"), ("val_loss", "validation loss"))),
          ("Accuracy", "accuracy (%)", (("accuracy", "train accuracy"),
                                        ("val_accuracy", "validation accuracy"))))


def _models(history, model: int | None) -> int | None:
    """The number of stacked models, after checking that ``model`` is one of them."""
    k = getattr(history, "models", None)
    if model is not None and not (0 <= model < (k or 1)):
        raise ValueError(f"model={model}: the history has "
                         f"{f'models 0..{k - 1}' if k else 'one model (model=0 or None)'}")
    return k


def _field(history, name: str) -> np.ndarray | None:
    """A per-epoch field as an array (epochs first), or None when it has nothing to draw."""
    raw = getattr(history, name, None)
    if raw is None or len(raw) == 0:
        return None
    values = np.asarray(raw, dtype=float)
    return values if np.isfinite(values).any() else None


def _series(history, name: str, label: str, model: int | None) -> dict:
    """``label -> (epochs, values)`` for one field: one entry, or one per stacked model."""
    values = _field(history, name)
    if values is None:
        return {}
    n = len(getattr(history, "loss", values))
    if len(values) != n:
        raise ValueError(f"history.{name} has {len(values)} entries for {n} epochs")
    epochs = list(range(1, n + 1))
    k = _models(history, model)
    if not k:
        return {label: (epochs, values)}
    if model is not None:
        return {label: (epochs, values[:, model])}
    return {f"{label} (model {m + 1})": (epochs, values[:, m]) for m in range(k)}


def _panels(history, model: int | None, gradients: bool) -> list[tuple[dict, dict]]:
    panels = []
    for title, ylabel, fields in PANELS:
        series = {}
        for name, label in fields:
            series.update(_series(history, name, label, model))
        if series:
            panels.append((series, dict(title=title, ylabel=ylabel)))
    if not panels:
        raise ValueError("the history has no loss to draw (no epochs trained yet?)")
    if gradients:
        panels.append(_gradient_panel(history, model))
    return panels


def _gradient_panel(history, model: int | None) -> tuple[dict, dict]:
    norms = _field(history, "grad_norm")
    if norms is None:
        raise ValueError("the history has no grad_norm to draw")
    k = _models(history, model)
    if k:  # (epochs, models, layers): one model's layers
        norms = norms[:, model or 0]
    names = list(getattr(history, "layer_names", None) or [])
    if len(names) != norms.shape[1]:
        names = [f"layer {i + 1}" for i in range(norms.shape[1])]
    epochs = list(range(1, len(norms) + 1))
    series = {name: (epochs, norms[:, i]) for i, name in enumerate(names)}
    return series, dict(title="Gradient norm per layer", ylabel="‖∂loss/∂parameters‖",
                        log_y=True)


def _draw(panels: list[tuple[dict, dict]], marker: float | None, width: int) -> Chart:
    charts = [line_chart(series, xlabel="epoch", marker_x=marker, width=width, height=300,
                         **labels) for series, labels in panels]
    if len(charts) == 1:
        return charts[0]
    # drawn again with the widest margins, so that the panels' epochs line up
    margins = (max(c.margins[0] for c in charts), max(c.margins[1] for c in charts))
    return stack([line_chart(series, xlabel="epoch", marker_x=marker, width=width, height=300,
                             margins=margins, **labels) for series, labels in panels],
                 title="Learning curves")


def learning_curves(history, *, model: int | None = None, marker_epoch: float | None = None,
                    gradients: bool = False, width: int = 640) -> Chart:
    """Training and validation loss against epoch; accuracy below it when there is one.

    ``gradients=True`` adds each layer's gradient norm on a log scale (where gradients
    vanish). ``marker_epoch`` marks an epoch in every panel (the training page's snapshot).
    """
    return _draw(_panels(history, model, gradients), marker_epoch, width)


def gradient_chart(history, *, model: int | None = None, marker_epoch: float | None = None,
                   width: int = 640) -> Chart:
    """Each layer's gradient norm per epoch on a log scale: a vanishing gradient is a low line."""
    return _draw([_gradient_panel(history, model)], marker_epoch, width)


def model_curves(history, name: str = "sum_error", *, label: str = "model",
                 title: str | None = None, log_y: bool = False, width: int = 640,
                 height: int = 360) -> Chart:
    """One line per stacked model of the per-epoch field ``name`` (the case study's folds).

    ``log_y=True`` suits an error that falls fast and then slowly: both parts stay readable.
    """
    series = _series(history, name, name, None)
    if not series:
        raise ValueError(f"the history has no {name} to draw")
    if getattr(history, "models", None):
        series = {f"{label} {m + 1}": xy for m, xy in enumerate(series.values())}
    return line_chart(series, title=title if title is not None else name, xlabel="epoch",
                      ylabel=name, log_y=log_y, width=width, height=height)


def caption(history, epoch: int, model: int | None = None) -> str:
    """One line for the snapshot after ``epoch`` epochs: the numbers that epoch ended with."""
    if epoch == 0:
        return "before training (epoch 0)"
    text = f"after {epoch} epoch{'s' if epoch != 1 else ''}"
    if model is None and _models(history, model):
        model = 0
    for title, _, fields in PANELS:
        for name, label in fields:
            for _, ys in _series(history, name, label, model).values():
                if epoch <= len(ys) and np.isfinite(ys[epoch - 1]):
                    shown = f"{ys[epoch - 1]:.4f}" if title == "Loss" else f"{ys[epoch - 1]:.1f}%"
                    text += f", {label} {shown}"
    return text


def snapshot_network(snapshot, *, model: int | None = None,
                     activations: list[str] | None = None) -> SimpleNamespace:
    """A snapshot as a network ``draw_network`` accepts: weights, outputs and deltas per neuron.

    For stacked models (weights with a leading model axis) ``model`` picks one (default 0).
    """
    if not snapshot.outputs:
        raise ValueError("this snapshot has no outputs and deltas: the page draws networks "
                         "with layers (an MLP)")
    pick = (lambda a: np.asarray(a)[model or 0]) if np.ndim(snapshot.weights[0]) == 3 \
        else np.asarray
    acts = list(activations or [])
    layers = []
    for i, (w, out, delta) in enumerate(zip(snapshot.weights, snapshot.outputs, snapshot.deltas)):
        w, out, delta = pick(w), pick(out).reshape(-1), pick(delta).reshape(-1)
        neurons = [SimpleNamespace(weights=list(w[j, :-1]), bias=w[j, -1], output=out[j],
                                   delta=delta[j]) for j in range(len(w))]
        layers.append(SimpleNamespace(neurons=neurons, activation=acts[i] if i < len(acts)
                                      else ""))
    n_inputs = np.shape(pick(snapshot.weights[0]))[1] - 1
    return SimpleNamespace(n_inputs=n_inputs, layers=layers,
                           last_input=pick(snapshot.inputs).reshape(-1))


def save_training_page(history, directory: str | os.PathLike, *, model: int | None = None,
                       activations: list[str] | None = None,
                       title: str = "Training, snapshot by snapshot") -> list[Path]:
    """Write a page stepping through ``history.snapshots``, the network beside its curves.

    Per snapshot: ``network_NNN.svg`` (``draw_network``: weights as colour and width, outputs
    and deltas for the snapshot's sample row) and ``curves_NNN.svg`` (the learning curves with
    that epoch marked), then ``index.html`` showing the two side by side (buttons or arrow keys
    step). Each curve file stands alone, so the page also works without JavaScript.
    ``activations`` names each layer's (default ``history.settings["activations"]``). For k
    stacked models the page shows ``model`` (default 0, the first). Returns the paths
    written, index.html last.
    """
    snapshots = list(getattr(history, "snapshots", None) or [])
    if not snapshots:
        raise ValueError("no snapshots to show: train with snapshots=N (N > 0)")
    if model is None and _models(history, model):
        model = 0  # one network on the page: its curves, not every model's
    if activations is None:
        activations = (getattr(history, "settings", None) or {}).get("activations")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    captions = [caption(history, s.epoch, model) for s in snapshots]
    # Colour and width show every weight; numbers in rows would make a tall, busy picture.
    figures = [draw_network(snapshot_network(s, model=model, activations=activations),
                            title=text + "\noutputs and δ for the first training row",
                            max_weight_rows=0) for s, text in zip(snapshots, captions)]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        svgs = list(pool.map(lambda figure: figure.pipe(format="svg", quiet=True), figures))
    written, frames = [], []
    for k, (snapshot, svg) in enumerate(zip(snapshots, svgs)):
        picture = directory / f"network_{k:03d}.svg"
        picture.write_bytes(svg)
        curves = learning_curves(history, model=model, marker_epoch=snapshot.epoch,
                                 width=560).save(directory / f"curves_{k:03d}.svg")
        written += [picture, curves]
        frames.append((picture.name, curves.name))
    page = directory / "index.html"
    page.write_text(frames_page(frames, captions, title=title,
                                unit="snapshot", alts=("the network at this epoch",
                                                       "the learning curves, this epoch marked")),
                    encoding="utf-8")
    return written + [page]
