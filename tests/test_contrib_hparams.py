"""``tf.contrib.training.HParams``: TF 2.21 has no equivalent to run side by side, so these
check the behaviour of TF 1.15's contrib/training/python/training/hparam.py as its own tests
state it: typed parsing of ``name=value`` strings and lists, indexed list elements, JSON and
dict overrides, ``get`` with defaults, and its ValueErrors."""

from __future__ import annotations

import json

import pytest

import tflite_core as tf

HParams = tf.contrib.training.HParams


def test_parse_types_lists_and_json():
    hp = HParams(aaa=1, b=2.0, c_c="relu6", d=True, e=[1, 2], f=[0.5])
    assert "aaa" in hp and "zz" not in hp
    hp.parse("aaa=12,b=3,c_c=relu4,d=false,e=[5,6,7],f=[]")
    assert (hp.aaa, hp.b, hp.c_c, hp.d, hp.e, hp.f) == (12, 3.0, "relu4", False, [5, 6, 7], [])
    assert isinstance(hp.b, float)
    hp.parse("e[1]=9")
    assert hp.e == [5, 9, 7]
    hp.override_from_dict({"aaa": 7})
    hp.parse_json(json.dumps({"c_c": "tanh"}))
    assert json.loads(hp.to_json()) == hp.values()
    assert hp.values()["aaa"] == 7 and hp.values()["c_c"] == "tanh"
    assert hp.get("aaa") == 7 and hp.get("missing", 3) == 3
    hp.add_hparam("g", "x")
    hp.set_hparam("g", "y")
    assert hp.g == "y"
    hp.del_hparam("g")
    assert "g" not in hp


@pytest.mark.bad_input
def test_errors():
    hp = HParams(aaa=1, e=[1, 2])
    with pytest.raises(ValueError, match="Unknown hyperparameter type for zz"):
        hp.parse("zz=1")
    with pytest.raises(ValueError, match="Could not parse hparam 'aaa' of type 'int'"):
        hp.parse("aaa=xyz")
    with pytest.raises(ValueError, match="Multiple assignments to variable 'aaa'"):
        hp.parse("aaa=1,aaa=2")
    with pytest.raises(ValueError, match="Malformed hyperparameter value"):
        hp.parse("aaa")
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: aaa"):
        hp.add_hparam("aaa", 3)
    with pytest.raises(ValueError, match=r"Must pass a list for multi-valued parameter: e\."):
        hp.set_hparam("e", 3)
    with pytest.raises(ValueError, match="Could not cast hparam 'aaa'"):
        hp.set_hparam("aaa", "text")
    with pytest.raises(ValueError, match="is incompatible with default"):
        hp.get("aaa", "text")
