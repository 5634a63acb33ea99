"""``tf.nest``: nested structures of values (lists, tuples, namedtuples, mappings)."""

from __future__ import annotations

from .framework.nest import (
    assert_same_structure,
    flatten,
    is_nested,
    map_structure,
    pack_sequence_as,
)
