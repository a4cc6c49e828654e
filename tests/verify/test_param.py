"""Parameters: SymPy numbers in `--set`, open lower ends, categorical choices from the model space."""

import math

import pytest
import sympy as sp

from verify.param import Param, ParameterError, number, plain
from verify.space import ACTIVATIONS, WEIGHT_LAWS, leaky_relu


@pytest.mark.parametrize("text, value", [("2", 2.0), ("1e9", 1e9), ("2e-3", 2e-3), ("sqrt(2)", math.sqrt(2)),
                                         ("pi/4", math.pi / 4), ("2**-10", 2.0**-10), ("E", math.e)])
def test_numbers_are_read_as_sympy_numbers(text, value):
    assert number(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text", ["nan", "oo", "1/0", "x", "__import__('os')", "abs", "I", "sqrt(-1)", ""])
def test_anything_else_is_not_a_number(text):
    assert math.isnan(number(text))


def test_an_open_lower_end_excludes_itself_and_says_so():
    eta = Param("eta", 1.0, "step size", low=0, open_low=True)
    assert eta.coerce("1e-9") == 1e-9
    with pytest.raises(ParameterError, match=r"eta must be a number > 0 \(step size\); got '0'"):
        eta.coerce("0")


def test_choices_parse_names_and_sympy_arguments_and_print_back():
    param = Param("activation", "relu", "sigma", choices=ACTIVATIONS)
    chosen = param.coerce("leaky_relu(sqrt(2)/10)")
    assert chosen == leaky_relu(sp.sqrt(2) / 10) and str(chosen) == "leaky_relu(sqrt(2)/10)"
    assert param.coerce(str(chosen)) == chosen and plain(chosen) == "leaky_relu(sqrt(2)/10)"
    assert param.coerce(chosen) == chosen  # an object given by the Python API


@pytest.mark.parametrize("text", ["softmax", "relu(", "leaky_relu(x)", "leaky_relu(__import__('os'))", "3"])
def test_an_unknown_choice_names_the_catalogue(text):
    param = Param("activation", "relu", "sigma", choices=ACTIVATIONS)
    with pytest.raises(ParameterError, match=r"activation must be one of relu, leaky_relu, identity"):
        param.coerce(text)


def test_a_domain_rule_restricts_objects_given_directly():
    symmetric = type(WEIGHT_LAWS)(WEIGHT_LAWS.kind, WEIGHT_LAWS.named, accepts=lambda law: law.symmetric,
                                  rule="symmetric laws")
    param = Param("law", "gaussian", "weight law", choices=symmetric)
    assert str(param.coerce("uniform")) == "uniform(-sqrt(3), sqrt(3))"
    with pytest.raises(ParameterError, match=r"symmetric laws"):
        param.coerce("uniform(0, 1)")
