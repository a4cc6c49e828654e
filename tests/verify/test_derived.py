"""The disk cache of derivations: read back as derived, keyed by exact forms and the code, never
trusted when it cannot be read, off on request, and bypassed by the snapshot check."""

import dataclasses
import os
import pickle
import time

import pytest
import sympy as sp
from sympy.stats import Normal, Uniform

from verify import derived
from verify.ntk import kernels
from verify.space import Law, erf, relu, tanh


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVERIFY_CACHE_DIR", str(tmp_path))
    return tmp_path / "derived"


def counted():
    """A derivation and the list of the arguments it was computed for (not read from disk)."""
    calls = []

    def square(x):
        calls.append(x)
        return sp.expand((x + 1) ** 2)

    square.__module__, square.__qualname__ = __name__, "square"
    return square, calls


def test_a_new_process_reads_what_an_earlier_one_derived(folder):
    x = sp.Symbol("x")
    square, calls = counted()
    first = derived.derivation(square)(x)
    assert calls == [x] and len(list(folder.rglob("*.pickle"))) == 1
    again = derived.derivation(square)  # a fresh in-process cache: as a new process sees it
    assert again(x) == first and calls == [x]


def test_the_key_is_the_exact_form_with_assumptions(folder):
    square, calls = counted()
    cached = derived.derivation(square)
    plain, positive = sp.Symbol("x"), sp.Symbol("x", positive=True)
    cached(plain)
    assert derived.derivation(square)(positive) == sp.expand((positive + 1) ** 2)
    assert calls == [plain, positive]  # same name, other assumptions: derived again
    assert derived._text(plain) != derived._text(positive)


def test_a_law_is_keyed_by_its_random_variable_not_its_name():
    one = Law("mine", Normal("xi", 0, 1), lambda rng, shape: rng.standard_normal(shape))
    other = Law("mine", Uniform("xi", -1, 1), lambda rng, shape: rng.uniform(-1, 1, shape))
    assert one == other  # equal in the process (by name), so the disk key must tell them apart
    assert derived._text(one) != derived._text(other)
    assert "NormalDistribution" in derived._text(one)
    assert derived._text(Holder(lambda: 0)) is None  # a callable that takes part in equality: not kept


@dataclasses.dataclass(frozen=True)
class Holder:
    fn: object


def test_an_unreadable_entry_is_derived_again_and_replaced(folder):
    x = sp.Symbol("x")
    square, calls = counted()
    derived.derivation(square)(x)
    (entry,) = folder.rglob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert derived.derivation(square)(x) == sp.expand((x + 1) ** 2)
    assert len(calls) == 2 and pickle.loads(entry.read_bytes()) == sp.expand((x + 1) ** 2)


def test_fresh_neither_reads_nor_writes_the_disk(folder):
    x, y = sp.symbols("x y")
    square, calls = counted()
    derived.derivation(square)(x)  # kept on disk
    entries = {p: p.read_bytes() for p in folder.rglob("*.pickle")}
    with derived.fresh():  # as `aeverify snapshot` derives
        derived.derivation(square)(x), derived.derivation(square)(y)
    assert calls == [x, x, y]
    assert {p: p.read_bytes() for p in folder.rglob("*.pickle")} == entries


def test_off_keeps_nothing(folder, monkeypatch):
    monkeypatch.setenv("AEVERIFY_CACHE_DIR", "off")
    assert derived.folder() is None
    square, calls = counted()
    derived.derivation(square)(sp.Symbol("x"))
    derived.derivation(square)(sp.Symbol("x"))
    assert len(calls) == 2 and not folder.exists()


def test_an_unwritable_folder_still_derives(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("AEVERIFY_CACHE_DIR", str(blocker))  # derived/ cannot be made under a file
    square, _ = counted()
    assert derived.derivation(square)(sp.Symbol("x")) == sp.expand((sp.Symbol("x") + 1) ** 2)


def test_values_that_do_not_round_trip_stay_in_the_process(folder):
    assert derived._round_trip(kernels.kernels(tanh()).K) is None  # a quadrature kernel: compiled function
    assert derived._round_trip(lambda: 0) is None
    assert derived._round_trip((sp.Integer(1), {"a": sp.Matrix([[sp.pi]])}, None, kernels.Strategy.WEDGES)) is not None


def test_a_form_that_reads_back_otherwise_stays_in_the_process(folder):
    C, D = sp.symbols("C D", positive=True)
    factored = sp.factor((C + D) / 2)  # Mul(1/2, C + D): unpickled, SymPy distributes the 1/2
    assert sp.srepr(pickle.loads(pickle.dumps(factored))) != sp.srepr(factored)
    assert derived.derivation(lambda: factored)() is factored and not folder.exists()
    kept = {C: sp.expand(factored), "m": sp.Matrix([[C, 1]])}
    assert derived._round_trip(kept) is not None  # the same forms read back: kept on disk


@pytest.mark.parametrize("activation", [relu(), erf()], ids=str)
def test_closed_form_kernels_read_back_as_derived(folder, activation):
    derive = kernels.closed_forms.__wrapped__
    now = derived.derivation(derive)(activation)  # derived, and kept
    assert now[0] is not None and now[2] is not None  # both kernels in closed form
    assert derived.derivation(derive)(activation) == now  # read back in a fresh in-process cache


def test_the_code_hash_covers_every_source_file(tmp_path, monkeypatch):
    for package in derived._PACKAGES:
        (tmp_path / package / "sub").mkdir(parents=True)
        (tmp_path / package / "sub" / "m.py").write_text("x = 1\n")
    monkeypatch.setattr(derived, "_ROOT", tmp_path)
    hashes = []
    for package in derived._PACKAGES:
        derived._code.cache_clear()
        hashes.append(derived._code())
        (tmp_path / package / "sub" / "m.py").write_text("x = 2\n")
    derived._code.cache_clear()
    hashes.append(derived._code())
    monkeypatch.undo()
    derived._code.cache_clear()
    assert len(set(hashes)) == len(hashes)


def test_entries_of_other_code_are_removed_once_stale(folder):
    old, recent = folder / "0123456789abcdef", folder / "fedcba9876543210"
    for other in (old, recent):
        other.mkdir(parents=True)
        (other / "entry.pickle").write_bytes(b"")
    long_ago = time.time() - (derived.STALE_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    square, _ = counted()
    derived.derivation(square)(sp.Symbol("x"))  # the first entry of this code: the folder is pruned
    assert not old.exists() and recent.exists()
    assert len(list((folder / derived._code()[:16]).glob("*.pickle"))) == 1
