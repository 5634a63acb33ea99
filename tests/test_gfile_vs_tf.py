"""``tf.io.gfile`` and TF 1.x's ``tf.gfile`` side by side with TF 2.21: the same program of file
and directory operations run by each library in its own directory gives the same results
(paths relative to that directory) and the same error classes; ``tf.io.write_graph``."""

from __future__ import annotations

import os

import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _program(m, root: str) -> list:
    g = m.io.gfile
    rel = lambda p: os.path.relpath(p, root)  # noqa: E731
    out: list = []
    g.makedirs(os.path.join(root, "a", "b"))
    with g.GFile(os.path.join(root, "a", "t.txt"), "w") as f:
        f.write("line one\nline two\n")
    with g.GFile(os.path.join(root, "a", "b", "d.bin"), "wb") as f:
        f.write(b"\x00\x01\x02" * 5)
    with g.GFile(os.path.join(root, "a", "t.txt")) as f:
        out.append(f.read())
    with g.GFile(os.path.join(root, "a", "t.txt")) as f:
        out.append([line for line in f])
    with g.GFile(os.path.join(root, "a", "b", "d.bin"), "rb") as f:
        out.append((f.read(4), f.tell(), f.size()))
    out.append([g.exists(os.path.join(root, "a")), g.isdir(os.path.join(root, "a", "t.txt"))])
    out.append(g.listdir(os.path.join(root, "a")))
    out.append([rel(p) for p in g.glob(os.path.join(root, "a", "*"))])
    g.copy(os.path.join(root, "a", "t.txt"), os.path.join(root, "c.txt"))
    with pytest.raises(m.errors.AlreadyExistsError):
        g.copy(os.path.join(root, "a", "t.txt"), os.path.join(root, "c.txt"))
    g.copy(os.path.join(root, "a", "b", "d.bin"), os.path.join(root, "c.txt"), overwrite=True)
    g.rename(os.path.join(root, "c.txt"), os.path.join(root, "e.txt"))
    out.append(g.stat(os.path.join(root, "e.txt")).length)
    out.append([(rel(d), s, f) for d, s, f in g.walk(root)])
    for fn, args in (
        (g.remove, ("missing",)),
        (g.stat, ("missing",)),
        (g.rename, ("missing", "x")),
        (g.listdir, ("missing",)),
    ):
        with pytest.raises(m.errors.NotFoundError):
            fn(*[os.path.join(root, a) for a in args])
    with pytest.raises(m.errors.NotFoundError):
        g.GFile(os.path.join(root, "missing")).read()
    g.remove(os.path.join(root, "e.txt"))
    g.rmtree(os.path.join(root, "a"))
    out.append(sorted(os.listdir(root)))
    gf = m.gfile  # TF 1.x's names
    gf.MakeDirs(os.path.join(root, "z"))
    out.append([gf.Exists(os.path.join(root, "z")), gf.IsDirectory(os.path.join(root, "z"))])
    out.append([rel(p) for p in gf.Glob(os.path.join(root, "*"))])
    return out


def test_gfile_program_as_tf(tmp_path):
    ours = _program(tf, str(tmp_path / "ours"))
    theirs = _program(T, str(tmp_path / "tf"))
    assert ours == theirs


def test_write_graph_as_tf(tmp_path):
    out = []
    for mod, sub in ((tf, "ours"), (T, "tf")):
        with mod.Graph().as_default() as g:
            mod.add(mod.constant(1.0, name="a"), mod.constant(2.0, name="c"), name="b")
            for as_text in (True, False):
                path = mod.io.write_graph(g, str(tmp_path / sub), f"g{as_text}", as_text=as_text)
                out.append((os.path.basename(path), os.path.getsize(path) > 0))
    assert out[:2] == out[2:]
    gd = real_tf.compat.v1.GraphDef()
    gd.ParseFromString((tmp_path / "ours" / "gFalse").read_bytes())
    assert [n.name for n in gd.node] == ["a", "c", "b"]
