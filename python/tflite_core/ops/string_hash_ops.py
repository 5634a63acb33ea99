"""Hash buckets of strings (``tf.strings.to_hash_bucket*``, TF's ``StringToHashBucket*`` ops):
each string's 64-bit hash modulo ``num_buckets``, int64, computed in Python (HOST ops) from the
published algorithms, with TF's hashes:

* ``StringToHashBucketFast``: FarmHash ``Fingerprint64`` (``ops/farmhash.py``);
* ``StringToHashBucket`` (deprecated in TF): TF's own ``Hash64`` (``core/platform/hash.cc``: a
  MurmurHash2-64A with seed ``0xDECAFCAFFE``);
* ``StringToHashBucketStrong``: SipHash-2-4 keyed with the two 64-bit ``key`` words.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.graph import Tensor
from .farmhash import fingerprint64
from .string_ops import (
    bytes_array,
    make_string_op,
    map_strings,
    op_error,
    register_string_op,
    same_shape,
    string_input,
)

_M = (1 << 64) - 1


def hash64(s: bytes, seed: int = 0xDECAFCAFFE) -> int:
    """TF's ``Hash64`` of ``s`` (MurmurHash2-64A), unsigned."""
    m, r = 0xC6A4A7935BD1E995, 47
    n = len(s)
    h = (seed ^ (n * m)) & _M
    whole = n - n % 8
    for i in range(0, whole, 8):
        k = (int.from_bytes(s[i : i + 8], "little") * m) & _M
        k = ((k ^ (k >> r)) * m) & _M
        h = ((h ^ k) * m) & _M
    if n % 8:
        h = ((h ^ int.from_bytes(s[whole:], "little")) * m) & _M
    h = ((h ^ (h >> r)) * m) & _M
    return h ^ (h >> r)


def _rotl(v: int, s: int) -> int:
    return ((v << s) | (v >> (64 - s))) & _M


def siphash24(key: tuple[int, int], s: bytes) -> int:
    """SipHash-2-4 of ``s`` with the 128-bit key ``(k0, k1)``, unsigned."""
    k0, k1 = key[0] & _M, key[1] & _M
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D]
    v += [k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rounds(count: int) -> None:
        for _ in range(count):
            v[0] = (v[0] + v[1]) & _M
            v[1] = _rotl(v[1], 13) ^ v[0]
            v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & _M
            v[3] = _rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & _M
            v[3] = _rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & _M
            v[1] = _rotl(v[1], 17) ^ v[2]
            v[2] = _rotl(v[2], 32)

    n = len(s)
    whole = n - n % 8
    words = [int.from_bytes(s[i : i + 8], "little") for i in range(0, whole, 8)]
    words.append(int.from_bytes(s[whole:], "little") | ((n & 0xFF) << 56))
    for w in words:
        v[3] ^= w
        rounds(2)
        v[0] ^= w
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _buckets(hash_fn):
    def run(op, values):
        n = op.get_attr("num_buckets")
        return [map_strings(lambda s: hash_fn(op, s) % n, bytes_array(values), "int64")]

    return run


register_string_op("StringToHashBucketFast", same_shape, _buckets(lambda op, s: fingerprint64(s)))
register_string_op("StringToHashBucket", same_shape, _buckets(lambda op, s: hash64(s)))


def _strong(op, s: bytes) -> int:
    key = op.get_attr("key")
    if len(key) != 2:  # (TF's kernel checks it when the graph runs)
        raise op_error(op, "Key must have 2 elements")
    return siphash24((key[0], key[1]), s)


register_string_op("StringToHashBucketStrong", same_shape, _buckets(_strong))


def _num_buckets(num_buckets: Any, op_type: str) -> int:
    if not isinstance(num_buckets, (int, float, np.integer, np.floating)):
        raise TypeError(f"Expected int for argument 'num_buckets' not {num_buckets!r}.")
    num_buckets = int(num_buckets)  # (TF truncates a float, as its attribute conversion)
    if num_buckets < 1:
        raise ValueError(
            f"Attr 'num_buckets' of '{op_type}' Op passed {num_buckets} less than minimum 1."
        )
    return num_buckets


def string_to_hash_bucket_fast(input: Any, num_buckets: int, name: str | None = None) -> Tensor:
    """FarmHash Fingerprint64 of each string modulo ``num_buckets`` (TF's
    ``StringToHashBucketFast``).

    >>> import tflite_core as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow"], 1000)))
    [151 254]
    """
    n = _num_buckets(num_buckets, "StringToHashBucketFast")
    t = string_input(input, "StringToHashBucketFast", "input")
    return make_string_op("StringToHashBucketFast", [t], _dt.int64, {"num_buckets": n}, name)


def string_to_hash_bucket(
    string_tensor: Any = None, num_buckets: Any = None, name: str | None = None, input: Any = None
) -> Tensor:
    """TF's ``Hash64`` of each string modulo ``num_buckets`` (TF's ``StringToHashBucket``;
    ``input`` is the newer name of ``string_tensor``)."""
    if input is not None:
        if string_tensor is not None:
            raise ValueError("Cannot specify both 'string_tensor' and 'input'.")
        string_tensor = input
    n = _num_buckets(num_buckets, "StringToHashBucket")
    t = string_input(string_tensor, "StringToHashBucket", "string_tensor")
    return make_string_op("StringToHashBucket", [t], _dt.int64, {"num_buckets": n}, name)


def string_to_hash_bucket_strong(
    input: Any, num_buckets: int, key: Any, name: str | None = None
) -> Tensor:
    """SipHash-2-4 of each string under ``key`` (two ints) modulo ``num_buckets`` (TF's
    ``StringToHashBucketStrong``)."""
    n = _num_buckets(num_buckets, "StringToHashBucketStrong")
    if not isinstance(key, (list, tuple)):
        raise TypeError(
            f"Expected list for 'key' argument to 'string_to_hash_bucket_strong' Op, not {key!r}."
        )
    words = [int(k) for k in key]
    t = string_input(input, "StringToHashBucketStrong", "input")
    attrs = {"num_buckets": n, "key": words}
    return make_string_op("StringToHashBucketStrong", [t], _dt.int64, attrs, name)
