"""Record-and-replay (``tg.trace``) and its compiled form give what the plain engine gives.

The reference for every comparison is computed independently: the plain engine building a fresh
graph for every step (the path every other test checks), numpy written out by hand, or the
tutorial's own algorithm (``reference.tutorial_algorithm``, which knows nothing of tinygrad_bp).
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from reference import tutorial_algorithm as ta

import tinygrad_bp as tg
from tinygrad_bp import codegen, engine, nn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.nn.losses import half_squared_error

RNG = np.random.default_rng(7)
ROWS = RNG.random((12, 3))
TARGETS = np.eye(2)[RNG.integers(0, 2, 12)]


def _neuron_net():
    random.seed(3)
    return tut.initialize_network(3, 2, 2)  # every weight its own scalar Value


def _layer_net():
    random.seed(3)
    return nn.MLP(3, [4, 2])


def _engine_sgd(net, rows, targets, lr, epochs=1, loss=half_squared_error):
    """The plain engine: a fresh graph per row, backward, p -= lr * grad; the losses."""
    losses = []
    for _ in range(epochs):
        for x, e in zip(rows, targets):
            net.zero_grad()
            value = loss(net(x), e)
            value.backward()
            losses.append(value.item())
            for p in net.parameters():
                p.data = p.data - lr * p.grad
    return losses


def _weights(net):
    return [np.array(p.data).tolist() for p in net.parameters()]


def _traced(net):
    def step(x, e):
        out = net(x)
        return half_squared_error(out, e), out

    return tg.trace(step, inputs=[ROWS[0], TARGETS[0]])


# -- replay ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [_neuron_net, _layer_net], ids=["scalars", "arrays"])
def test_replayed_steps_give_the_engines_gradients_bit_for_bit(make):
    plain, replayed = make(), make()
    step = tg.trace(lambda x, e: half_squared_error(replayed(x), e), inputs=[ROWS[0], TARGETS[0]])
    for x, e in zip(ROWS, TARGETS):
        plain.zero_grad()
        expected = half_squared_error(plain(x), e)
        expected.backward()
        assert step.step(x, e) == expected.item()
        assert [np.array(p.grad).tolist() for p in replayed.parameters()] == \
            [np.array(p.grad).tolist() for p in plain.parameters()]
        for p, q in zip(plain.parameters(), replayed.parameters()):  # the same update on both
            p.data = p.data - 0.5 * p.grad
            q.data = q.data - 0.5 * q.grad
    # every node shows the last step: outputs and deltas as the plain engine left them
    last = [(n.output, n.delta) for layer in plain.layers for n in layer.neurons]
    assert [(n.output, n.delta) for layer in replayed.layers for n in layer.neurons] == last


def test_a_stacked_graph_of_k_networks_replays_as_built_afresh():
    # the case study's shape: k networks side by side, rows as columns (k, inputs, 1)
    k, rng = 3, np.random.default_rng(1)
    weights = [rng.random((k, 4, 3)), rng.random((k, 4, 1)), rng.random((k, 2, 4)),
               rng.random((k, 2, 1))]
    xs, es = rng.random((5, k, 3, 1)), rng.random((5, k, 2, 1))

    def loss(params, x, e):
        W1, b1, W2, b2 = params
        return half_squared_error((W2 @ (W1 @ x + b1).sigmoid() + b2).sigmoid(), e)

    params = [tg.Value(w.copy()) for w in weights]
    x, e = tg.Value(xs[0], requires_grad=False), tg.Value(es[0], requires_grad=False)
    step = tg.trace(loss(params, x, e), inputs=[x, e])
    assert {id(p) for p in step.params} == {id(p) for p in params} and len(step.params) == 4
    assert step.shapes == [(k, 3, 1), (k, 2, 1)]
    for t in range(5):
        fresh = [tg.Value(p.data.copy()) for p in params]
        expected = loss(fresh, tg.Value(xs[t], requires_grad=False), es[t])
        expected.backward()
        assert step.step(xs[t], es[t]) == expected.item()
        for p, q in zip(params, fresh):
            np.testing.assert_array_equal(p.grad, q.grad)
            p.data -= 0.3 * p.grad


def test_an_input_that_no_op_links_is_refused_with_the_fix():
    net = _neuron_net()
    x = tg.Value(ROWS[0], requires_grad=False)  # neuron granularity reads it as plain numbers
    loss = half_squared_error(net(x), TARGETS[0])
    with pytest.raises(ValueError, match=r"input 0 \(shape \(3,\)\) is not a leaf of the loss's "
                                         r"graph.*pass a function instead"):
        tg.trace(loss, inputs=[x])


def test_inputs_built_by_a_function_are_linked_and_need_no_gradient():
    net = _neuron_net()
    step = _traced(net)
    assert [v.requires_grad for v in step.inputs] == [False, False]
    assert sorted(id(p) for p in step.params) == sorted(id(p) for p in net.parameters())
    step.step(ROWS[1], TARGETS[1])
    assert all(v._grad is None for v in step.inputs)  # nothing computed for them


def test_data_of_another_shape_is_an_error_naming_it_or_a_new_recording():
    net = _layer_net()
    x, e = tg.Value(ROWS[:4], requires_grad=False), tg.Value(TARGETS[:4], requires_grad=False)
    step = tg.trace(half_squared_error(net(x), e), inputs=[x, e])
    with pytest.raises(ValueError, match=r"input 0 has shape \(3, 3\), but the graph was "
                                         r"recorded for shape \(4, 3\)"):
        step.step(ROWS[:3], TARGETS[:3])
    rebuilt = tg.trace(lambda x, e: half_squared_error(net(x), e), inputs=[ROWS[:4], TARGETS[:4]])
    plain = _layer_net()
    plain.zero_grad()
    expected = half_squared_error(plain(ROWS[:3]), TARGETS[:3])
    expected.backward()
    assert rebuilt.step(ROWS[:3], TARGETS[:3]) == expected.item()
    assert rebuilt.shapes == [(3, 3), (3, 2)]
    np.testing.assert_array_equal(net.layers[0].W.grad, plain.layers[0].W.grad)


def test_trace_refuses_what_it_cannot_replay():
    with pytest.raises(ValueError, match="a Value holding one number computed by ops, not "
                                         r"shape \(3,\)"):
        tg.trace(tg.Value([1.0, 2.0, 3.0]) * 2.0)
    with pytest.raises(TypeError, match="must return the loss Value"):
        tg.trace(lambda x: 3.0, inputs=[1.0])
    with pytest.raises(TypeError, match="takes 2 inputs' data, got 1"):
        _traced(_neuron_net()).step(ROWS[0])


# -- the compiled steps ------------------------------------------------------------------------

def test_compiled_scalar_steps_are_the_engines_to_the_last_bit():
    plain, compiled = _neuron_net(), _neuron_net()
    expected = _engine_sgd(plain, ROWS, TARGETS, 0.3, epochs=2)
    run = _traced(compiled).compile(0.3)
    assert (run.backend, run.exact, run.reason) == ("python", True, "")
    steps = run(ROWS, TARGETS, epochs=2)
    assert steps.losses.tolist() == expected
    assert _weights(compiled) == _weights(plain)
    # the last step ran through the engine: every neuron shows its output and delta
    assert [(n.output, n.delta) for layer in compiled.layers for n in layer.neurons] == \
        [(n.output, n.delta) for layer in plain.layers for n in layer.neurons]


def test_compiled_training_is_the_tutorials_own_algorithm():
    # l_rate 0.5 and no layer wider than two: the tutorial's updates and deltas to the bit
    rows = [list(r) + [int(c)] for r, c in zip(ROWS.tolist(), TARGETS[:, 1])]
    random.seed(3)
    oracle = ta.initialize_network(3, 2, 2)
    ta.train_network(oracle, rows, 0.5, 3, 2)
    net = _neuron_net()
    _traced(net).compile(0.5)(ROWS, TARGETS, epochs=3)
    assert tut.to_network(net)[0][0]["weights"] == oracle[0][0]["weights"]
    assert [n["weights"] for layer in tut.to_network(net) for n in layer] == \
        [n["weights"] for layer in oracle for n in layer]


def test_compiled_array_steps_agree_with_the_engine_to_rounding():
    plain, compiled = _layer_net(), _layer_net()
    expected = _engine_sgd(plain, ROWS, TARGETS, 0.3, epochs=2)
    step = _traced(compiled)
    run = step.compile(0.3)
    assert (run.backend, run.exact) == ("python", False)  # numpy's products add in their order
    steps = run(ROWS, TARGETS, epochs=2, sync=False)
    np.testing.assert_allclose(steps.losses, expected, rtol=1e-13)
    for a, b in zip(_weights(compiled), _weights(plain)):
        np.testing.assert_allclose(a, b, rtol=1e-13)
    for p, q in zip(compiled.parameters(), plain.parameters()):  # the last step's gradients
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-12)
    assert steps.outputs[0].shape == (24, 2)


def test_generated_source_is_one_step_of_straight_line_backprop():
    net = _neuron_net()
    step = _traced(net)
    source = step.source
    assert source.startswith("def sgd_steps(P, rows, lr, epochs, measure, with_loss=True):")
    assert "for (x0_0, x0_1, x0_2, x1_0, x1_1,) in rows:" in source
    # each update twice: naming its gradient (a measured step, and the last), and with the
    # gradient's expression written in (any other step)
    assert source.count(" - lr * ") == 2 * len(net.parameters())
    assert source.count("if k in measure or k == last:  #") == 1
    # run it by hand for one row: the engine's step, weight for weight
    namespace = dict(codegen._PYTHON_NAMES)
    exec(source, namespace)
    weights, losses, _, grads, measured = namespace["sgd_steps"](
        [p.data for p in step.params], [ROWS[0].tolist() + TARGETS[0].tolist()], 0.3, 1, {0})
    plain = _neuron_net()
    assert losses == _engine_sgd(plain, ROWS[:1], TARGETS[:1], 0.3)
    same = {id(p): q for p, q in zip(net.parameters(), plain.parameters())}  # P is in walk order
    assert weights == [same[id(p)].data for p in step.params]
    assert grads == [same[id(p)].grad for p in step.params] == list(measured[0])
    # four rows, none measured: three steps write their gradients in, the last names them
    rows = [r.tolist() + t.tolist() for r, t in zip(ROWS[:4], TARGETS[:4])]
    weights, losses, _, grads, measured = namespace["sgd_steps"](
        [p.data for p in step.params], rows, 0.3, 1, set())
    plain = _neuron_net()
    assert losses == _engine_sgd(plain, ROWS[:4], TARGETS[:4], 0.3) and measured == []
    same = {id(p): q for p, q in zip(net.parameters(), plain.parameters())}
    assert weights == [same[id(p)].data for p in step.params]
    assert grads == [same[id(p)].grad for p in step.params]
    # without the loss: no loss, and the very same training
    unlossed, losses, outputs, again, _ = namespace["sgd_steps"](
        [p.data for p in step.params], rows, 0.3, 1, set(), False)
    assert (unlossed, losses, again) == (weights, [], grads) and len(outputs) == 4 * 2


def test_an_array_graphs_updates_scale_each_delta_once_as_the_tutorial_does():
    # the tutorial's update is w -= l_rate * delta * input: (lr * delta) once per neuron,
    # read by each of its weights (times the input) and by its bias (alone)
    source = _traced(_layer_net()).source  # 3 inputs, 4 hidden neurons, 2 outputs
    assert " - lr * " not in source
    assert len(re.findall(r"^ +t\d+ = lr \* t\d+$", source, re.M)) == 4 + 2
    weights = re.findall(r"^ +(p\d+_\d+) = \1 - t\d+ \* [tx]\d+(?:_\d+)?$", source, re.M)
    biases = re.findall(r"^ +(p\d+_\d+) = \1 - t\d+$", source, re.M)
    # each update once: a step whose gradients are read updates as any other step does
    assert (len(weights), len(biases)) == (3 * 4 + 4 * 2, 4 + 2)
    assert "else:" not in source
    # a network of scalars keeps the engine's lr * (delta * input), to its bits
    assert _traced(_neuron_net()).source.count(" - lr * ") == 2 * len(_neuron_net().parameters())


def test_an_array_gradient_that_is_a_square_keeps_both_factors():
    # dL/dw = x * x: scaled by lr it is (lr * x) * x, not lr * x
    def run(compiled: bool):
        w = tg.Value(np.linspace(0.1, 0.8, 8))
        step = tg.trace(lambda x: (w * (x * x)).sum(), inputs=[np.ones(8)])
        rows = np.linspace(0.5, 1.5, 16).reshape(2, 8)
        if compiled:
            step.compile(0.1)(rows, sync=False)
        else:
            for r in rows:
                step.step(r)
                w.data = w.data - 0.1 * w.grad
        return w.data

    # the gradient does not depend on w: w - 0.1 * x1 ** 2 - 0.1 * x2 ** 2
    x1, x2 = np.linspace(0.5, 1.5, 16).reshape(2, 8)
    expected = np.linspace(0.1, 0.8, 8) - 0.1 * x1 ** 2 - 0.1 * x2 ** 2
    np.testing.assert_allclose(run(True), expected, rtol=1e-13)
    np.testing.assert_allclose(run(False), expected, rtol=1e-13)


@pytest.mark.parametrize("sync", [True, False])
def test_compiled_steps_without_their_losses_train_the_same(sync):
    with_losses, without = _layer_net(), _layer_net()
    steps = _traced(with_losses).compile(0.3)(ROWS, TARGETS, epochs=2, sync=sync, measure=[3])
    bare = _traced(without).compile(0.3)(ROWS, TARGETS, epochs=2, sync=sync, measure=[3],
                                         losses=False)
    assert steps.losses.shape == (24,) and bare.losses is None
    assert _weights(without) == _weights(with_losses)
    assert bare.outputs[0].tolist() == steps.outputs[0].tolist()
    assert bare.gradients.tolist() == steps.gradients.tolist()


def test_too_big_or_unsupported_graphs_are_replayed_and_say_why():
    net = _layer_net()
    big = _traced(net).compile(0.3, max_ops=50)
    assert big.backend == "replay" and "more than max_ops=50" in big.reason
    # binary cross-entropy from logits takes max(z, 0): numpy reads symbolic comparisons as
    # bools there
    targets = TARGETS[:, :1]
    random.seed(3)
    logits = nn.MLP(3, [4, 1], activation="relu", output_activation="linear")
    step = tg.trace(lambda x, e: nn.losses.binary_cross_entropy_with_logits(logits(x), e),
                    inputs=[ROWS[0], targets[0]])
    run = step.compile(0.3)
    assert run.backend == "replay" and "op 'binary_cross_entropy_with_logits'" in run.reason
    assert step.source.startswith("# not compiled: op 'binary_cross_entropy_with_logits'")
    # replaying still trains exactly as the engine does
    random.seed(3)
    plain = nn.MLP(3, [4, 1], activation="relu", output_activation="linear")
    expected = _engine_sgd(plain, ROWS, targets, 0.3,
                           loss=nn.losses.binary_cross_entropy_with_logits)
    assert run(ROWS, targets).losses.tolist() == expected
    assert _weights(logits) == _weights(plain)


def test_cross_entropy_from_logits_compiles_and_trains_as_the_engine_does():
    # a class whose logit is -inf: 0 * log 0 counts as 0, in the generated code as in the op
    rows, labels = ROWS - 0.5, np.array([0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0])
    nets = []
    for _ in range(2):
        net = nn.MLP(3, [4, 3], activation="relu", output_activation="linear",
                     rng=np.random.default_rng(5))
        net.layers[-1].b.data[2] = -np.inf
        nets.append(net)
    compiled, plain = nets
    loss = nn.losses.cross_entropy_with_logits
    expected = _engine_sgd(plain, rows, np.eye(3)[labels], 0.3, epochs=2, loss=loss)
    assert all(np.isfinite(expected))
    step = tg.trace(lambda x, e: loss(compiled(x), e), inputs=[rows[0], np.eye(3)[0]])
    run = step.compile(0.3)
    assert (run.backend, run.exact) == ("python", False)
    losses = run(rows, np.eye(3)[labels], epochs=2).losses
    np.testing.assert_allclose(losses, expected, rtol=1e-13, atol=0)
    for got, want in zip(_weights(compiled), _weights(plain)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("granularity", ["layer", "neuron"])
def test_a_relu_network_compiles_and_trains_as_the_engine_does(granularity):
    # relu's comparisons on symbolic arrays are conditions the generated code computes
    rows = ROWS - 0.5
    nets = []
    for _ in range(2):
        random.seed(3)
        nets.append(nn.MLP(3, [4, 2], activation="relu", granularity=granularity))
    compiled, plain = nets
    expected = _engine_sgd(plain, rows, TARGETS, 0.3, epochs=3)
    run = _traced(compiled).compile(0.3)
    assert (run.backend, run.exact) == ("python", granularity == "neuron")
    # relu as a condition, as chapter 13 shows it: (0.0 if (t21 < 0.0) else t21)
    assert len(re.findall(r"= \(0\.0 if \((t\d+) < 0\.0\) else \1\)\n", run.source)) == 6
    losses = run(rows, TARGETS, epochs=3).losses.tolist()
    if granularity == "neuron":  # scalars: the engine's own operations, to the bit
        assert losses == expected and _weights(compiled) == _weights(plain)
    else:  # arrays: numpy's matrix products add in their own order
        np.testing.assert_allclose(losses, expected, rtol=1e-13, atol=0)
        for got, want in zip(_weights(compiled), _weights(plain)):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_compiled_steps_check_their_rows():
    run = _traced(_neuron_net()).compile(0.3)
    with pytest.raises(ValueError, match=r"input 0's rows have shape \(12, 4\); expected "
                                         r"\(steps, 3\)"):
        run(np.zeros((12, 4)), TARGETS)
    # one step's data without its leading axis, not read as 3 steps of a number each
    with pytest.raises(ValueError, match=r"input 0 has shape \(3,\), one step's data; they "
                                         r"take rows \(steps, 3\), steps first \(for one "
                                         r"step, pass rows\[None\]\)"):
        run(ROWS[0], TARGETS[0])
    with pytest.raises(ValueError, match=r"input 1 has rows for 11 steps, input 0 for 12"):
        run(ROWS, TARGETS[:-1])
    with pytest.raises(ValueError, match=r"no rows \(input 0 has shape \(0, 3\)\); give at "
                                         "least one step's"):
        run(ROWS[:0], TARGETS[:0])
    rows = ROWS.copy()
    rows[5, 2] = np.nan
    before = [np.array(p.data).tolist() for p in run.trace.params]
    with pytest.raises(ValueError, match=r"input 0\[5\]\[2\] is nan, not a finite number"):
        run(rows, TARGETS)
    targets = TARGETS.copy()
    targets[11, 0] = -np.inf
    with pytest.raises(ValueError, match=r"input 1\[11\]\[0\] is -inf, not a finite number"):
        run(ROWS, targets)
    assert [np.array(p.data).tolist() for p in run.trace.params] == before  # refused first
    assert isinstance(run, tg.Compiled)  # both public names: the API reference lists them
    assert isinstance(run(ROWS[:1], TARGETS[:1]), tg.Steps)  # rows[None]'s shape: one step
    with pytest.raises(ValueError, match="lr must be a positive number"):
        _traced(_neuron_net()).compile(0.0)
    with pytest.raises(ValueError, match="backend must be 'python' or 'numba'"):
        _traced(_neuron_net()).compile(0.3, backend="c")


def test_numba_runs_the_same_code_to_the_same_bits(tmp_path, monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("TINYGRAD_BP_CACHE", str(tmp_path))
    plain, compiled = _neuron_net(), _neuron_net()
    expected = _engine_sgd(plain, ROWS, TARGETS, 0.3, epochs=2)
    run = _traced(compiled).compile(0.3, backend="numba")
    assert (run.backend, run.exact) == ("numba", True)
    assert run(ROWS, TARGETS, epochs=2).losses.tolist() == expected
    assert _weights(compiled) == _weights(plain)
    assert list(tmp_path.glob("tinygrad_bp_sgd_*.py"))  # kept, so the next run loads it


def test_the_engine_is_left_as_it_was():
    net = _neuron_net()
    step = _traced(net)
    before = [(n.data, n._grad) for n in step.order]
    step.compile(0.3)
    assert [(n.data, n._grad) for n in step.order] == before
    assert engine.is_grad_enabled()


def test_a_gradient_that_is_a_weight_is_read_before_any_weight_moves():
    # loss = a * b + x * a: dL/db = a itself, which a's own update must not change first
    def run(compiled: bool):
        a, b = tg.Value(2.0), tg.Value(3.0)
        step = tg.trace(lambda x: a * b + x * a, inputs=[0.5])
        if compiled:
            step.compile(0.1)(np.array([0.5, 0.25]), sync=False)
        else:
            for x in (0.5, 0.25):
                step.step(x)
                a.data, b.data = a.data - 0.1 * a.grad, b.data - 0.1 * b.grad
        return a.data, b.data

    # by hand: step 1 a = 2 - 0.1 * (3 + 0.5) = 1.65, b = 3 - 0.1 * 2 = 2.8
    assert run(False) == run(True)
    assert run(True)[0] == pytest.approx(1.65 - 0.1 * (2.8 + 0.25))


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_measured_steps_report_the_engines_gradients(backend, tmp_path, monkeypatch):
    if backend == "numba":
        pytest.importorskip("numba")
        monkeypatch.setenv("TINYGRAD_BP_CACHE", str(tmp_path))
    plain, compiled = _neuron_net(), _neuron_net()
    wanted = {0, 5, 23}  # of 2 epochs of 12 rows: the first, one inside, the last (the engine's)
    seen = {}
    for k, (x, e) in enumerate(zip(np.concatenate([ROWS, ROWS]), np.concatenate([TARGETS] * 2))):
        plain.zero_grad()
        half_squared_error(plain(x), e).backward()
        if k in wanted:
            seen[k] = {id(p): p.grad for p in plain.parameters()}
        for p in plain.parameters():
            p.data = p.data - 0.3 * p.grad
    step = _traced(compiled)
    steps = step.compile(0.3, backend=backend)(ROWS, TARGETS, epochs=2, measure=[23, 0, 5])
    same = {id(p): q for p, q in zip(compiled.parameters(), plain.parameters())}
    for row, k in zip(steps.gradients, sorted(wanted)):
        assert row.tolist() == [seen[k][id(same[id(p)])] for p in step.params]


def test_a_long_sum_is_written_in_lines_python_can_parse():
    # a layer of 400 inputs: its sums would nest brackets 400 deep if every term were inlined
    random.seed(0)
    net = nn.MLP(400, [1])
    rows = np.random.default_rng(0).random((3, 400))
    step = tg.trace(lambda x, e: half_squared_error(net(x), e), inputs=[rows[0], [0.5]])
    run = step.compile(0.1)
    assert (run.backend, run.reason) == ("python", "")
    random.seed(0)
    plain = nn.MLP(400, [1])
    expected = _engine_sgd(plain, rows, np.full((3, 1), 0.5), 0.1)
    np.testing.assert_allclose(run(rows, np.full((3, 1), 0.5)).losses, expected, rtol=1e-13)


def test_rows_changed_in_place_are_read_again():
    plain, compiled = _neuron_net(), _neuron_net()
    rows = ROWS.copy()
    run = _traced(compiled).compile(0.3)
    first = run(rows, TARGETS, sync=False)
    rows[:] = ROWS[::-1]  # the same array, new numbers: without same=True they are read anew
    second = run(rows, TARGETS, sync=False)
    expected = _engine_sgd(plain, ROWS, TARGETS, 0.3) + _engine_sgd(plain, ROWS[::-1], TARGETS,
                                                                   0.3)
    assert first.losses.tolist() + second.losses.tolist() == expected
    assert _weights(compiled) == _weights(plain)


def test_a_step_without_kept_gradients_keeps_the_parameters_and_drops_the_interior():
    kept, dropped = _layer_net(), _layer_net()
    step_kept, step_dropped = _traced(kept), _traced(dropped)
    assert step_dropped.step(ROWS[1], TARGETS[1], keep_grads=False) == \
        step_kept.step(ROWS[1], TARGETS[1])
    assert [p.grad.tolist() for p in dropped.parameters()] == \
        [p.grad.tolist() for p in kept.parameters()]
    assert [n._grad is None for n in step_dropped.order] == [True] * len(step_dropped.order)
    assert all(n._grad is not None for n in step_kept.order)
    step_dropped.step(ROWS[1], TARGETS[1])  # kept again: the next step's nodes show it
    assert [np.array(n.grad).tolist() for n in step_dropped.order] == \
        [np.array(n.grad).tolist() for n in step_kept.order]


def test_nn_train_leaves_the_interior_gradients_of_its_last_step():
    # replayed (compile=False) minibatches: every step but an epoch's last drops its interior
    # gradients; afterwards the nodes hold the last batch's, as a fresh graph on it gives
    trained, plain = _layer_net(), _layer_net()
    nn.train(trained, ROWS, TARGETS, epochs=2, batch_size=5, lr=0.5, compile=False)
    batches = [slice(0, 5), slice(5, 10), slice(10, 12)]
    for _ in range(2):
        for rows in batches:
            plain.zero_grad()
            loss = half_squared_error(plain(ROWS[rows]), TARGETS[rows])
            loss.backward()
            for p in plain.parameters():
                p.data = p.data - 0.5 * p.grad
    for mine, theirs in zip(trained.layers, plain.layers):
        assert mine.preactivation._grad is not None
        np.testing.assert_array_equal(mine.preactivation.grad, theirs.preactivation.grad)
    assert _weights(trained) == _weights(plain)
