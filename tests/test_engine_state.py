"""The engine's state: no_grad per thread, a walk order that needs no counter, the op registry,
the backward hook, and checks that leave every gradient as they found it.
"""

from __future__ import annotations

import io
import math
import pickle
import subprocess
import sys
import threading

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp import engine

# -- no_grad belongs to a thread ----------------------------------------------------------------


def test_no_grad_in_one_thread_leaves_another_recording():
    inside, outside = threading.Event(), threading.Event()
    seen = {}

    def worker():
        with tg.no_grad():
            inside.set()
            outside.wait(5)
            seen["worker"] = (tg.Value(2.0) * 3.0).requires_grad
        seen["worker after"] = (tg.Value(2.0) * 3.0).requires_grad

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    seen["main"] = (tg.Value(2.0) * 3.0).requires_grad  # while the worker is inside no_grad
    outside.set()
    thread.join(5)
    assert seen == {"main": True, "worker": False, "worker after": True}


def test_overlapping_blocks_in_two_threads_each_restore_their_own():
    # A enters, B enters, A leaves, B leaves: with one global flag A's exit would turn
    # recording back on inside B's block, and B's exit would leave it off for good
    steps = [threading.Event() for _ in range(3)]
    seen = {}

    def a():
        with tg.no_grad():
            steps[0].set()
            steps[1].wait(5)
        seen["a after"] = tg.engine.is_grad_enabled()
        steps[2].set()

    def b():
        steps[0].wait(5)
        with tg.no_grad():
            steps[1].set()
            steps[2].wait(5)
            seen["b inside, after a left"] = tg.engine.is_grad_enabled()
        seen["b after"] = tg.engine.is_grad_enabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert seen == {"a after": True, "b inside, after a left": False, "b after": True}
    assert tg.engine.is_grad_enabled() is True


def test_threads_build_and_differentiate_graphs_of_their_own():
    results = {}

    def train(k: float):
        x = tg.Value(k)
        for _ in range(200):
            y = x * x * k  # dy/dx = 2 k x
            x.zero_grad()
            y.backward()
            results.setdefault(k, []).append(x.grad == 2 * k * k)

    threads = [threading.Thread(target=train, args=(float(k),)) for k in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == [1.0, 2.0, 3.0, 4.0] and all(all(v) for v in results.values())


# -- the walk order is a property of the graph --------------------------------------------------

CHILD = """
import pickle, sys
import tinygrad_bp as tg
for _ in range(1000):  # this process's nodes: a counter here would run far ahead of the file's
    tg.Value(1.0) * 2.0
x, w, loss = pickle.loads(sys.stdin.buffer.read())
extra = loss * 3.0 + x      # new nodes on top of the loaded graph
extra.backward()
print(x.grad, w.grad)
"""


def test_a_graph_pickled_in_one_process_is_differentiated_right_in_another():
    x, w = tg.Value(2.0, label="x"), tg.Value(-3.0, label="w")
    h = x * w
    loss = (h * h + x).tanh()  # built here, differentiated in a fresh process
    payload = pickle.dumps((x, w, loss))
    done = subprocess.run([sys.executable, "-c", CHILD], input=payload, capture_output=True,
                          timeout=60, check=True)
    got = [float(v) for v in done.stdout.split()]
    # extra = 3 tanh(u) + x with u = (x w)^2 + x: d/dx = 3 (1 - t^2)(2 x w^2 + 1) + 1, and
    # d/dw = 3 (1 - t^2) 2 x^2 w
    t = math.tanh((2.0 * -3.0) ** 2 + 2.0)
    want = [3 * (1 - t * t) * (2 * 2.0 * 9.0 + 1) + 1, 3 * (1 - t * t) * 2 * 4.0 * -3.0]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-300)


def test_unpickled_nodes_carry_no_stamp_of_an_old_walk():
    y = tg.Value(1.0) * tg.Value(2.0)
    engine.topological_order(y)
    copy = pickle.loads(pickle.dumps(y))
    assert copy._mark == 0 and all(p._mark == 0 for p in copy.parents)
    assert copy.data == 2.0 and copy.op == "mul"


def test_the_order_follows_inputs_depth_first_and_does_not_care_when_nodes_were_made():
    c = tg.Value(10.0, label="c")  # made first, used last
    a, b = tg.Value(2.0, label="a"), tg.Value(-3.0, label="b")
    e = a * b
    d = e + c
    f = tg.Value(-2.0, label="f")
    L = d * f
    labels = {id(a): "a", id(b): "b", id(c): "c", id(e): "e", id(d): "d", id(f): "f", id(L): "L"}
    assert [labels[id(n)] for n in engine.topological_order(L)] == list("abecdfL")
    assert [labels[id(n)] for n in engine.topological_order(L, leaves=False)] == list("edL")


# -- the op registry ------------------------------------------------------------------------------

def test_a_subclass_without_a_name_of_its_own_is_refused_at_class_creation():
    with pytest.raises(TypeError, match=r"op class MyAdd needs a name of its own .*would replace "
                                        r"OPS\['add'\]"):
        class MyAdd(tg.OPS["add"]):
            pass
    assert tg.OPS["add"].__module__ == "tinygrad_bp.ops.elementwise"
    with pytest.raises(TypeError, match=r"op class Nameless needs a name of its own .*has none"):
        class Nameless(tg.Op):
            pass


def test_a_second_op_under_a_taken_name_is_refused():
    with pytest.raises(TypeError, match=r"an op named 'mul' is already registered "
                                        r"\(tinygrad_bp\.ops\.elementwise\.Mul\)"):
        class Times(tg.Op):
            name = "mul"
    assert tg.OPS["mul"].__qualname__ == "Mul"


def test_custom_ops_with_their_own_name_register_and_a_redefinition_replaces_itself():
    def define():
        class Double(tg.OPS["add"]):  # a subclass with a name of its own is fine
            name, symbol = "double_for_tests", "2x"

            @staticmethod
            def forward(a):
                return 2.0 * a

            @staticmethod
            def da(g, y, a):
                return 2.0 * g
        return Double

    try:
        first = define()
        second = define()  # the same class run again (a notebook cell): it replaces itself
        assert tg.OPS["double_for_tests"] is second is not first
        x = tg.Value(3.0)
        (g,) = tg.grad(tg.apply(second, x), [x])
        assert g.data == 2.0
    finally:
        tg.OPS.pop("double_for_tests", None)


# -- the hook sees every gradient the walk adds --------------------------------------------------

def test_the_hook_is_called_once_per_contribution_in_the_walks_order():
    x = tg.Value(3.0, label="x")
    y = x * x + 2.0  # dy/dx = 2x = 6: two contributions of 3 each
    calls = []
    engine.backward(y, hook=lambda node, parent, grad, slot, summed:
                    calls.append((node.op if node else None, parent.label or parent.op, grad,
                                  slot, summed)))
    assert calls == [(None, "add", 1.0, 0, False), ("add", "mul", 1.0, 0, False),
                     ("mul", "x", 3.0, 0, False), ("mul", "x", 3.0, 1, False)]
    assert x.grad == 6.0


def test_steps_of_a_graph_with_an_interior_node_cut_by_hand():
    # z = x * 3 is cut (requires_grad = False), so the walk stops there: x gets only the
    # direct path of z * x, dL/dx = z = 6; the steps must be the engine's, with no gap
    x = tg.Value(2.0, label="x")
    z = x * 3.0
    z.label = "z"
    z.requires_grad = False
    L = z * x
    L.label = "L"
    steps = tg.backward_steps(L)
    assert [(s.parent.label, s.child.label if s.child else None) for s in steps] == [
        ("L", None), ("x", "L")]
    assert steps[-1].after == 6.0 and x.grad == 0.0  # backward_steps changes no gradient
    lines = tg.explain_backward(L, file=io.StringIO())
    assert lines[-1] == "step 2 of 2: x.grad += z.data (6.0000) * L.grad (1.0000) = 6.0000"
    assert x.grad == 6.0 and z.grad == 0.0


# -- checks leave every gradient as they found it -------------------------------------------------

def test_gradcheck_leaves_the_gradients_of_everything_f_touches_as_found():
    W = tg.Value(np.array([[0.5, -1.0], [2.0, 0.25]]), label="W")  # a parameter inside f
    b = tg.Value(np.array([0.1, -0.2]), label="b")
    W.grad = np.full((2, 2), 7.0)
    x = tg.Value(np.array([1.0, 2.0]), label="x")
    x.grad = np.array([1.0, -1.0])
    f = lambda x: ((W @ x + b).tanh() * x).sum()  # noqa: E731
    for check in (tg.gradcheck, tg.gradgradcheck):
        assert check(f, x) is True
        np.testing.assert_array_equal(W.grad, np.full((2, 2), 7.0))
        assert b._grad is None
        np.testing.assert_array_equal(x.grad, [1.0, -1.0])


def test_check_grads_only_reads_gradients():
    w = tg.Value(2.0)
    (w * w).backward()
    assert tg.check_grads({"w": 4.0}, {"w": w}) is True
    assert w.grad == 4.0


@pytest.mark.parametrize("eps", [0, 0.0, -1e-6, math.nan, math.inf, "1e-6", True])
@pytest.mark.parametrize("check", [tg.gradcheck, tg.gradgradcheck])
def test_eps_must_be_a_finite_positive_number(check, eps):
    x = tg.Value(1.0)
    with pytest.raises(ValueError, match=rf"{check.__name__}: eps must be a finite number > 0 "
                                         rf"\(the step of the central difference\), not "):
        check(lambda a: a * a, x, eps=eps)


def test_tolerances_must_be_numbers_at_least_zero():
    with pytest.raises(ValueError, match=r"gradcheck: atol must be a number >= 0, not -1"):
        tg.gradcheck(lambda a: a * a, tg.Value(1.0), atol=-1)
    with pytest.raises(ValueError, match=r"gradgradcheck: rtol must be a number >= 0, not nan"):
        tg.gradgradcheck(lambda a: a * a, tg.Value(1.0), rtol=math.nan)
    with pytest.raises(ValueError, match=r"numerical_gradient: eps must be"):
        tg.numerical_gradient(lambda a: a * a, (tg.Value(1.0),), 0, eps=0.0)


# -- work nobody needs is not done ---------------------------------------------------------------

def test_an_input_that_needs_no_gradient_gets_none_computed(monkeypatch):
    # X @ W for a batch X of data: only W's rule (X.T @ g) may run, not X's (g @ W.T)
    matmul = tg.OPS["matmul"]
    calls = []
    def counted(rule, k):
        def rule_k(*args):
            calls.append(k)
            return rule(*args)
        return rule_k

    rules = tuple(counted(rule, k) for k, rule in enumerate(matmul._rules))
    monkeypatch.setattr(matmul, "_rules", rules)
    X = tg.Value(np.arange(6.0).reshape(3, 2), requires_grad=False)
    W = tg.Value(np.ones((2, 4)))
    (X @ W).sum().backward()
    assert calls == [1]  # db only
    np.testing.assert_array_equal(W.grad, X.data.T @ np.ones((3, 4)))
    calls.clear()
    (g,) = tg.grad((X @ W).sum(), [W], create_graph=True)
    assert calls == [1]
    np.testing.assert_array_equal(g.data, X.data.T @ np.ones((3, 4)))
