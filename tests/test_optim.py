"""tinygrad_bp.optim: SGD (with momentum) and Adam.

Each rule is checked three ways: its first two steps against numbers worked out by hand, many
steps against a numpy restatement of the docstring's maths (with the gradient derived by hand,
not by autograd), and plain SGD against the tutorial's own update, to the last bit.
"""
import random

import numpy as np
import pytest

import tinygrad_bp.optim
from reference import tutorial_numbers as tn
from tinygrad_bp import Value
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import half_squared_error, one_hot
from tinygrad_bp.optim import SGD, Adam


def square_steps(optimizer_class, n_steps: int, w0: float = 1.0, **kwargs) -> list[float]:
    """Minimise f(w) = w^2 from w0; the weight after each step."""
    w = Value(w0)
    opt = optimizer_class([w], **kwargs)
    seen = []
    for _ in range(n_steps):
        opt.zero_grad()
        (w * w).backward()
        opt.step()
        seen.append(w.data)
    return seen


def test_import_as_module():
    assert tinygrad_bp.optim.SGD is SGD and tinygrad_bp.optim.Adam is Adam


# -- first steps by hand -----------------------------------------------------------------------

def test_sgd_first_two_steps_by_hand():
    # f = w^2, g = 2w: w = 3 - 0.1 * 6 = 2.4, then 2.4 - 0.1 * 4.8 = 1.92
    assert square_steps(SGD, 2, w0=3.0, lr=0.1) == pytest.approx([2.4, 1.92], abs=1e-15)


def test_sgd_momentum_first_two_steps_by_hand():
    # v1 = g1 = 6: w1 = 3 - 0.6 = 2.4;  g2 = 4.8, v2 = 0.9 * 6 + 4.8 = 10.2: w2 = 2.4 - 1.02 = 1.38
    steps = square_steps(SGD, 2, w0=3.0, lr=0.1, momentum=0.9)
    assert steps == pytest.approx([2.4, 1.38], abs=1e-15)


def test_adam_first_two_steps_by_hand():
    # t=1: g=2, m=0.2, v=0.004, m^=2, v^=4: step 0.1 * 2 / (2 + 1e-8) = 0.0999999995
    # t=2: g=1.800000001, m=0.3600000001, v=0.0072360000036, m^=1.894736842631579,
    #      v^=3.619809906753377: step 0.09958777180820785
    w1, w2 = square_steps(Adam, 2, lr=0.1)
    assert w1 == pytest.approx(0.9000000004999999975, abs=1e-16)
    assert w2 == pytest.approx(0.8004122286917921452, abs=1e-15)


def test_adams_first_step_is_lr_times_the_sign_whatever_the_gradients_scale():
    w0 = np.array([3.0, -2.0, 0.5, -4.0])
    scale = np.array([1.0, 100.0, 1e-3, 1e4])  # gradients 2*scale*w: from 1e-3 to 8e4 in size
    w = Value(w0)
    opt = Adam([w], lr=0.01)
    (w * w * scale).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data - w0, [-0.01, 0.01, -0.01, 0.01], rtol=1e-4)
    g = 2 * scale * w0  # exactly: lr * g / (|g| + eps), eps showing only on the smallest gradient
    np.testing.assert_allclose(w.data - w0, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    sgd_w = Value(w0)
    opt = SGD([sgd_w], lr=0.01)
    (sgd_w * sgd_w * scale).sum().backward()
    opt.step()  # SGD's steps follow the gradients' scale instead
    np.testing.assert_allclose(sgd_w.data - w0, -0.01 * 2 * scale * w0)


# -- a numpy restatement of the maths ----------------------------------------------------------

def least_squares():
    """f(W, b) = 1/2 * sum((X @ W.T + b - Y)^2); its gradients, derived by hand."""
    rng = np.random.default_rng(7)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    W0, b0 = rng.normal(size=(2, 3)), rng.normal(size=2)

    def grads(W, b):
        r = X @ W.T + b - Y
        return r.T @ X, r.sum(axis=0)

    return X, Y, W0, b0, grads


def run_library(make_optimizer, n_steps: int):
    X, Y, W0, b0, _ = least_squares()
    W, b = Value(W0), Value(b0)
    opt = make_optimizer([W, b])
    for _ in range(n_steps):
        opt.zero_grad()
        half_squared_error(X @ W.T + b, Y).backward()
        opt.step()
    return W.data, b.data


def test_sgd_with_momentum_matches_numpy():
    _, _, W, b, grads = least_squares()
    lr, mu = 0.01, 0.8
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    for _ in range(8):
        gW, gb = grads(W, b)
        vW, vb = mu * vW + gW, mu * vb + gb
        W, b = W - lr * vW, b - lr * vb
    got_W, got_b = run_library(lambda ps: SGD(ps, lr=lr, momentum=mu), 8)
    np.testing.assert_allclose(got_W, W, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_b, b, rtol=1e-12, atol=1e-12)


def test_adam_matches_numpy():
    _, _, W, b, grads = least_squares()
    lr, b1, b2, eps = 0.05, 0.8, 0.99, 1e-6
    state = {k: [np.zeros_like(p), np.zeros_like(p)] for k, p in (("W", W), ("b", b))}
    params = {"W": W, "b": b}
    for t in range(1, 9):
        g = dict(zip("Wb", grads(params["W"], params["b"])))
        for k in params:
            m, v = state[k]
            m, v = b1 * m + (1 - b1) * g[k], b2 * v + (1 - b2) * g[k] ** 2
            state[k] = [m, v]
            params[k] = params[k] - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    got_W, got_b = run_library(lambda ps: Adam(ps, lr=lr, betas=(b1, b2), eps=eps), 8)
    np.testing.assert_allclose(got_W, params["W"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_b, params["b"], rtol=1e-12, atol=1e-12)


# -- the tutorial's update ---------------------------------------------------------------------

def test_plain_sgd_is_the_tutorials_update_to_the_last_bit():
    random.seed(tn.SEED)
    by_tutorial = tut.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    tut.train_network(by_tutorial, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE, tn.TRAIN_N_EPOCH,
                      tn.TRAIN_N_OUTPUTS)
    random.seed(tn.SEED)
    by_sgd = tut.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    opt = SGD(by_sgd.parameters(), lr=tn.TRAIN_L_RATE)
    for _ in range(tn.TRAIN_N_EPOCH):
        for row in tn.CONTRIVED_DATASET:
            loss = half_squared_error(by_sgd(row[:2]), one_hot(row[-1], tn.TRAIN_N_OUTPUTS))
            opt.zero_grad()
            loss.backward()
            opt.step()
    got = [w.tolist() for w in by_sgd.get_weights()]
    assert got == [w.tolist() for w in by_tutorial.get_weights()]
    assert got == [tn.TRAIN_FINAL_HIDDEN, tn.TRAIN_FINAL_OUTPUT]  # TUTORIAL.md item 4


# -- what a step touches -----------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, 0.1, 0.9),
                                  lambda ps: Adam(ps, lr=0.1)])
def test_floats_stay_floats_and_arrays_are_updated_in_place(make):
    s, a = Value(2.0), Value([1.0, -1.0])
    array = a.data
    opt = make([s, a])
    for _ in range(2):
        opt.zero_grad()
        (s * s + (a * a).sum()).backward()
        opt.step()
    assert type(s.data) is float and s.data < 2.0
    assert a.data is array and a.data.dtype == np.float64 and a.data.shape == (2,)
    assert np.all(np.abs(a.data) < 1.0)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, 0.1, 0.9),
                                  lambda ps: Adam(ps, lr=0.1)])
def test_a_step_that_drops_the_gradients_moves_the_parameters_as_step_does(make):
    # nn.train's steps before an epoch's last: SGD works in the gradient's own array
    runs = []
    for drop in (False, True):
        s, w = Value(0.5), Value(np.random.default_rng(0).random((3, 4)))
        b = Value(np.array([0.25]))
        opt = make([s, w, b])
        grads = []
        for _ in range(3):
            opt.zero_grad()
            (s * (w * w).sum() + b.sum() * s).backward()
            grads.append(w.grad.copy())
            if drop:
                opt._step_dropping_grads()
                assert s._grad is None and w._grad is None and b._grad is None
            else:
                opt.step()
                assert np.array_equal(w.grad, grads[-1])  # step() leaves the gradient alone
        runs.append((s.data, w.data.copy(), b.data.copy(), grads))
    (s1, w1, b1, g1), (s2, w2, b2, g2) = runs
    assert s1 == s2 and np.array_equal(w1, w2) and np.array_equal(b1, b2)
    assert all(np.array_equal(x, y) for x, y in zip(g1, g2))


def test_zero_grad_resets_every_parameter():
    x, y = Value(1.0), Value([1.0, 2.0])
    opt = SGD([x, y], lr=0.1)
    (x * y).sum().backward()
    assert x.grad == 3.0 and y.grad.tolist() == [1.0, 1.0]
    opt.zero_grad()
    assert x.grad == 0.0 and y.grad.tolist() == [0.0, 0.0]


def test_a_parameter_no_gradient_reached_is_left_alone():
    used, unused = Value(1.0), Value(5.0)
    opt = Adam([used, unused], lr=0.1)
    (used * used).backward()
    opt.step()
    assert unused.data == 5.0 and opt.t == [1, 0]
    (unused * unused).backward()  # its first step comes later, still bias-corrected as a first
    opt.step()
    assert unused.data == pytest.approx(4.9, abs=1e-8) and opt.t == [2, 1]


def test_momentum_keeps_its_own_copy_of_the_first_gradient():
    w = Value([1.0, 2.0])
    opt = SGD([w], lr=0.1, momentum=0.5)
    (w * w).sum().backward()
    opt.step()
    (w * w).sum().backward()  # accumulates into w's gradient; the velocity must not change
    assert opt.velocity[0].tolist() == [2.0, 4.0]


@pytest.mark.parametrize("make, message", [
    (lambda: SGD([Value(1.0)], lr=0), "SGD: lr must be a positive number, not 0"),
    (lambda: SGD([Value(1.0)], lr=float("nan")), "SGD: lr must be a positive number, not nan"),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0),
     "SGD: momentum must be a number in [0, 1), not 1.0"),
    (lambda: Adam([Value(1.0)], betas=(0.9,)), "Adam: betas must be a pair (b1, b2), not (0.9,)"),
    (lambda: Adam([Value(1.0)], betas=(0.9, 1)),
     "Adam: betas[1] must be a number in [0, 1), not 1"),
    (lambda: Adam([Value(1.0)], eps=-1e-8), "Adam: eps must be a positive number, not -1e-08"),
    (lambda: Adam([]), "Adam: no parameters to optimise (an empty list)"),
])
def test_bad_settings_are_refused_with_a_reason(make, message):
    with pytest.raises(ValueError) as error:
        make()
    assert str(error.value) == message


def test_a_parameter_that_is_not_a_value_is_refused():
    with pytest.raises(TypeError, match=r"^SGD: parameter 1 is float, not a Value; pass "
                                        r"model.parameters\(\)$"):
        SGD([Value(1.0), 2.0], lr=0.1)


def test_a_parameter_listed_twice_is_refused():
    w, b = Value([1.0, 2.0]), Value(0.5)
    with pytest.raises(ValueError, match=r"^Adam: parameter 2 is parameter 0 again \(the same "
                                         r"Value\); list each parameter once$"):
        Adam([w, b, w])


class SignSGD(tinygrad_bp.optim.Optimizer):
    """An optimiser written as design.md says: a subclass with its own ``_update``."""

    def _update(self, i, p, g):
        p.data = p.data - 0.1 * np.sign(g)


@pytest.mark.parametrize("drop", [False, True])
def test_a_subclass_with_only_its_own_update_steps_either_way(drop):
    w = Value(np.array([1.0, -2.0]))
    opt = SignSGD([w])
    (w * w).sum().backward()
    opt._step_dropping_grads() if drop else opt.step()
    assert w.data.tolist() == [0.9, -1.9]


@pytest.mark.parametrize("gradient", [np.array([2, -4]),  # an int array can't hold g * lr
                                      np.broadcast_to(np.array(2.0), (2,))])  # read-only
def test_a_dropping_sgd_step_leaves_a_gradient_it_cannot_write_in_alone(gradient):
    w = Value(np.array([1.0, 1.0]))
    opt = SGD([w], lr=0.25)
    w._grad = gradient  # as a custom op's rule may give it
    kept = gradient.copy()
    opt._step_dropping_grads()
    assert w.data.tolist() == (1.0 - 0.25 * kept).tolist() and w._grad is None
    assert np.array_equal(gradient, kept)


class ClippedSGD(SGD):
    """A subclass of SGD with a rule of its own: each gradient clipped first."""

    def _update(self, i, p, g):
        super()._update(i, p, np.clip(g, -0.01, 0.01))


@pytest.mark.parametrize("drop", [False, True])
def test_an_sgd_subclass_with_its_own_update_steps_by_it_either_way(drop):
    w = Value(np.array([1.0, -2.0]))
    opt = ClippedSGD([w], lr=1.0)
    (w * w).sum().backward()
    opt._step_dropping_grads() if drop else opt.step()
    assert w.data.tolist() == [0.99, -1.99]


def test_an_optimiser_without_a_rule_says_what_to_define_and_shows_itself():
    class NoRule(tinygrad_bp.optim.Optimizer):
        pass

    w = Value(np.array([1.0, 2.0]))
    opt = NoRule([w])
    (w * w).sum().backward()
    with pytest.raises(NotImplementedError, match=r"^NoRule has no rule: an optimiser defines "
                                                  r"_update\(self, i, p, g\), which moves"):
        opt.step()
    assert repr(opt) == "NoRule(1 parameters)" and repr(SignSGD([w])) == "SignSGD(1 parameters)"
