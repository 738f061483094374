"""A one-element Value acts as its number in Python's protocols; .data refuses what it cannot hold.

float(), int(), round(), format(), bool() and np.asarray() answer as they do for the number (or
the array) inside, shape (1,) and (1, 1) included, which numpy 2's float() refuses for arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_bp as tg

ONE_ELEMENT = [2.5, [2.5], [[2.5]]]


@pytest.mark.parametrize("data", ONE_ELEMENT, ids=["scalar", "(1,)", "(1, 1)"])
def test_float_of_every_one_element_data_and_grad(data):
    x = tg.Value(data)
    (x * x).sum().backward()  # d(x^2)/dx = 2x = 5
    assert float(x) == 2.5 and float(x.data) == 2.5
    assert float(x.grad) == 5.0
    assert int(x.grad) == 5 and int(x) == 2
    assert np.asarray(x.grad).shape == x.shape  # and still shaped like the data
    assert np.asarray(x.data).shape == x.shape
    fresh = tg.Value(data)
    assert float(fresh.grad) == 0.0  # before any backward: zeros shaped like the data


def test_one_element_arrays_stay_plain_arrays_in_arithmetic():
    x = tg.Value([2.0])
    doubled = x.data * 2
    assert type(doubled) is np.ndarray and doubled.tolist() == [4.0]
    assert repr(x.data) == "array([2.])"
    x.data[0] = 3.0  # the array is the Value's own: writing to it writes to the Value
    assert x.item() == 3.0
    x.data += 1.0
    assert x.item() == 4.0 and float(x.data) == 4.0 and x.data.shape == (1,)


@pytest.mark.parametrize("data", ONE_ELEMENT, ids=["scalar", "(1,)", "(1, 1)"])
def test_format_round_and_bool_act_on_the_number(data):
    x = tg.Value(data)
    assert format(x, ".2f") == "2.50"
    assert f"{x:.1e}" == "2.5e+00"
    assert round(x) == 2 and type(round(x)) is int  # round half to even, as for 2.5
    assert round(tg.Value(2.675), 1) == round(2.675, 1)
    assert bool(x) is True
    assert bool(tg.Value(0.0)) is False and bool(tg.Value([0.0])) is False
    assert (+x) is x


def test_several_elements_refuse_to_be_one_number():
    v = tg.Value([1.0, 2.0])
    with pytest.raises(ValueError, match=r"truth value of a Value of shape \(2,\) is ambiguous"):
        bool(v)
    with pytest.raises(ValueError, match=r"float\(\) needs a Value holding one element, not "
                                         r"shape \(2,\)"):
        float(v)
    with pytest.raises(ValueError, match=r"round\(\) needs a Value holding one element"):
        round(v)
    with pytest.raises(TypeError, match=r"format spec '\.2f' needs a Value holding one element"):
        format(v, ".2f")
    assert format(v) == str(v)  # no spec: the Value's own text


def test_numpy_reads_a_value_as_its_data():
    v = tg.Value([[1.0, 2.0], [3.0, 4.0]])
    array = np.asarray(v)
    assert type(array) is np.ndarray and array.dtype == np.float64
    np.testing.assert_array_equal(array, [[1.0, 2.0], [3.0, 4.0]])
    assert np.asarray(tg.Value(1.5)).shape == () and float(np.asarray(tg.Value(1.5))) == 1.5
    assert np.array(v, dtype=np.float32).dtype == np.float32
    copy = np.array(v, copy=True)
    copy[0, 0] = 9.0
    assert v.data[0, 0] == 1.0


def test_arithmetic_with_numpy_on_the_left_still_builds_a_value():
    # __array__ must not make ndarray * Value an array: __array_ufunc__ = None still rules
    x = tg.Value([1.0, 2.0])
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, tg.Value) and y.op == "mul"


@pytest.mark.parametrize("bad, shown", [
    ("abc", "str 'abc'"), (None, "NoneType None"), ({"w": 1}, "dict {'w': 1}"),
    (object(), "object <object object at"),
])
def test_data_of_a_bad_type_is_refused_when_assigned(bad, shown):
    x = tg.Value([1.0, 2.0])
    with pytest.raises(TypeError) as caught:
        x.data = bad
    assert str(caught.value).startswith("Value.data takes a number, a nested list of numbers "
                                        "or a numpy array")
    assert shown in str(caught.value)
    np.testing.assert_array_equal(x.data, [1.0, 2.0])  # unchanged
    (x * x).sum().backward()  # and the graph still works
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_data_takes_what_value_takes_and_keeps_floats_and_float64_arrays_as_they_are():
    x = tg.Value(1.0)
    x.data = 3  # an int becomes a float, as in Value(3)
    assert type(x.data) is float and x.data == 3.0
    x.data = np.float32(0.5)
    assert type(x.data) is float and x.data == 0.5
    w = tg.Value(np.zeros(3))
    array = np.arange(3.0)
    w.data = array
    assert w._data is array  # float64 arrays are stored as given: optimisers assign in loops
    w.data = [1, 2, 3]
    assert w.data.dtype == np.float64 and w.data.tolist() == [1.0, 2.0, 3.0]
    w.data = np.array([1, 2], dtype=np.int64)
    assert w.data.dtype == np.float64
    with pytest.raises(ValueError, match=r"Value\.data needs numbers.*\[\[1, 2\], \[3\]\]"):
        w.data = [[1, 2], [3]]
    w.data = np.array(7.0)  # a 0-d array is one number
    assert type(w.data) is float and w.data == 7.0
    assert math.isnan(tg.Value(math.nan).data)
