"""Read a PyTorch ``.pth`` state dict saved in torch's legacy (non-zip) format, without torch.

The legacy format is five things back to back: a pickled magic number, a pickled protocol
version, a pickled ``sys_info`` dict, the pickled object itself (tensors appear as calls of
``torch._utils._rebuild_tensor_v2`` on storages named by persistent ids), a pickled list of
storage keys, and then each storage's raw bytes, preceded by its element count as int64.

Pickles can run arbitrary code, so the unpickler here resolves only the globals a state dict
needs (``collections.OrderedDict``, the tensor-rebuild functions and the ``torch.*Storage``
types, all mapped to local stand-ins; nothing is imported) and refuses every other global with
``pickle.UnpicklingError`` before anything is called. A file that ends early raises
``tf.errors.DataLossError`` naming the file and what is missing.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct

import numpy as np

from ..framework import errors

_MAGIC = 0x1950A86A20F9469CFC6C
_PROTOCOL = 1001

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    """Stands in for ``torch.FloatStorage`` etc.: only its element type is used."""

    def __init__(self, name: str):
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


class _Storage:
    """A storage named in the pickle; its bytes are read after the pickle ends."""

    def __init__(self, key: str, dtype: np.dtype, numel: int):
        self.key, self.dtype, self.numel = key, dtype, numel
        self.array: np.ndarray | None = None


class _TensorRef:
    """A tensor in the pickle: a strided view of a storage, materialised once storages are read."""

    def __init__(self, storage, offset, size, stride):
        if not isinstance(storage, _Storage):
            raise pickle.UnpicklingError("a tensor is rebuilt from something that is not a storage")
        self.storage, self.offset = storage, int(offset)
        self.size, self.stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
        if len(self.size) != len(self.stride) or min(self.size + self.stride, default=0) < 0:
            raise pickle.UnpicklingError(f"bad tensor geometry: size {size}, stride {stride}")
        extent = 1 + sum((n - 1) * s for n, s in zip(self.size, self.stride))
        if 0 not in self.size and (self.offset < 0 or self.offset + extent > storage.numel):
            raise pickle.UnpicklingError(
                f"tensor of size {self.size} at offset {offset} runs past its storage of "
                f"{storage.numel} elements"
            )

    def materialise(self) -> np.ndarray:
        base = self.storage.array
        if base is None:  # load_torch_state_dict reads every storage the pickle names
            raise pickle.UnpicklingError(f"storage {self.storage.key} was not read")
        if 0 in self.size:
            return np.zeros(self.size, base.dtype)
        item = base.itemsize
        view = np.lib.stride_tricks.as_strided(
            base[self.offset :], self.size, [s * item for s in self.stride], writeable=False
        )
        return np.array(view)  # a contiguous copy that owns its memory


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, hooks=None, *_):
    return _TensorRef(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _TensorRef(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, hooks=None, *_):
    return data


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
}
_ALLOWED.update({("torch", name): _StorageType(name) for name in _STORAGE_DTYPES})


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the globals in ``_ALLOWED``; storages come through ``persistent_load``."""

    def __init__(self, file, path: str):
        super().__init__(file)
        self._path = path
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"{self._path}: the weights file names the global '{module}.{name}', which a "
                "tensor state dict does not need; refusing to load it (nothing was executed)"
            ) from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"{self._path}: unknown persistent id {pid!r}")
        _, storage_type, key, _location, numel, view = pid
        if view is not None:  # storage views: only torch < 0.4 wrote them
            raise pickle.UnpicklingError(f"{self._path}: storage views are not supported")
        if not isinstance(storage_type, _StorageType) or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError(f"{self._path}: bad storage record {pid!r}")
        key = str(key)
        if key not in self.storages:
            self.storages[key] = _Storage(key, storage_type.dtype, numel)
        return self.storages[key]


def _truncated(path: str, what: str) -> errors.DataLossError:
    return errors.DataLossError(None, None, f"{path}: truncated weights file ({what})")


def _load_pickle(f, path: str, what: str):
    unpickler = _RestrictedUnpickler(f, path)
    try:
        return unpickler.load(), unpickler
    except (EOFError, pickle.UnpicklingError):
        if f.tell() < len(f.getbuffer()):  # malformed or refused, not cut short
            raise
        raise _truncated(path, f"ends inside the {what}") from None


def load_torch_state_dict(path) -> collections.OrderedDict[str, np.ndarray]:
    """Reads a legacy-format ``.pth`` state dict into NumPy arrays, in the file's order.

    Args:
      path: the ``.pth`` file (written by ``torch.save(..., _use_new_zipfile_serialization=False)``
        or by torch before 1.6).

    Returns:
      An ``OrderedDict`` mapping each name to a NumPy array (torch's layout, e.g. OIHW for
      convolution weights; int64 for counters such as ``num_batches_tracked``).

    Raises:
      pickle.UnpicklingError: the pickle names a global other than the tensor-rebuild ones
        (checked before anything is called), or is malformed.
      tf.errors.DataLossError: the file is truncated or is not a legacy torch file.
    """
    path = str(path)
    with open(path, "rb") as f:
        data = f.read()
    stream = io.BytesIO(data)
    if data[:2] == b"PK":
        raise errors.DataLossError(
            None, None, f"{path}: a zip-format torch file; only the legacy format is supported"
        )
    magic, _ = _load_pickle(stream, path, "magic number")
    if magic != _MAGIC:
        raise errors.DataLossError(None, None, f"{path}: not a torch file (bad magic number)")
    version, _ = _load_pickle(stream, path, "protocol version")
    if version != _PROTOCOL:
        raise errors.DataLossError(None, None, f"{path}: unsupported torch protocol {version}")
    sys_info, _ = _load_pickle(stream, path, "sys_info")
    if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
        raise errors.DataLossError(None, None, f"{path}: big-endian files are not supported")
    result, unpickler = _load_pickle(stream, path, "state dict")
    keys, _ = _load_pickle(stream, path, "storage key list")
    if not isinstance(keys, list) or sorted(map(str, keys)) != sorted(unpickler.storages):
        raise pickle.UnpicklingError(f"{path}: storage key list does not match the state dict")
    pos = stream.tell()
    for key in keys:
        storage = unpickler.storages[str(key)]
        if pos + 8 > len(data):
            raise _truncated(path, f"ends before storage {key}'s size")
        (numel,) = struct.unpack_from("<q", data, pos)
        if numel != storage.numel:
            raise pickle.UnpicklingError(
                f"{path}: storage {key} has {numel} elements, the pickle says {storage.numel}"
            )
        nbytes = numel * storage.dtype.itemsize
        pos += 8
        if pos + nbytes > len(data):
            raise _truncated(
                path, f"storage {key} needs {nbytes} bytes, {len(data) - pos} are left"
            )
        storage.array = np.frombuffer(data, storage.dtype, numel, pos)
        pos += nbytes
    return _materialise(result, path)


def _materialise(obj, path):
    if isinstance(obj, _TensorRef):
        return obj.materialise()
    if isinstance(obj, dict):
        out = collections.OrderedDict()
        for k, v in obj.items():
            out[k] = _materialise(v, path)
        return out
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialise(v, path) for v in obj)
    if isinstance(obj, (int, float, str, bool, type(None))):
        return obj
    raise pickle.UnpicklingError(f"{path}: unexpected object of type {type(obj).__name__}")
