"""``tf.decode_json_example``: ``tf.train.Example`` records written as JSON (protobuf's JSON
mapping: ``{"features": {"feature": {"x": {"floatList": {"value": [1.5]}}}}}``) converted to
their binary form, as TF's ``DecodeJSONExample``; a record that is no such JSON is TF's
InvalidArgumentError naming its index."""

from __future__ import annotations

from typing import Any

import numpy as np
from google.protobuf import json_format

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.example_protos import example_protos
from ..framework.graph import Operation, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op


def _decode(op: Operation, records: Any) -> list:
    arr = np.asarray(records, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    example = example_protos().Example
    for i, (idx, text) in enumerate(np.ndenumerate(arr)):
        raw = text if isinstance(text, (bytes, str)) else bytes(text)
        try:
            message = json_format.Parse(raw, example())
        except (json_format.ParseError, ValueError, UnicodeDecodeError) as e:
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Error while parsing JSON: {e} (element {i})\n\t [[{{{{node {op.name}}}}}]]",
            ) from None
        out[idx] = message.SerializeToString()
    return [out]


register_op(
    "DecodeJSONExample",
    lambda op, s, v: [s[0]],
    kind=OpKind.HOST,
    host_fn=_decode,
)
NotDifferentiable("DecodeJSONExample")


def decode_json_example(json_examples: Any, name: str | None = None) -> Any:
    """The binary ``Example`` protos of ``json_examples`` (a string tensor, any shape)."""
    g = graph_of(json_examples)
    with g.as_default(), name_scope(name, "DecodeJSONExample") as scope:
        t = convert_to_tensor(json_examples, dtype=_dt.string, name="json_examples")
        return g.create_op("DecodeJSONExample", [t], [_dt.string], {}, scope).outputs[0]
