"""The op table's rows of tflite_core.horovod's collectives, in a job of one rank (``hvd.init()``
without a launcher starts MPI as a singleton): an allreduce, a broadcast and an allgather of one
rank are their input, and their gradients (Horovod's) are the identity there. Every row gets the
table's checks (``op_table.table_tests``); 2 ranks under ``mpiexec`` are tested in
test_horovod_mpi.py.
"""

from __future__ import annotations

from op_table import FLOATS, NUMERIC, Row, table_tests

import tflite_core.horovod as hvd


def _any(ctx):
    return [ctx.values(ctx.shape(min_dims=1))], {}


def _one_rank(fn):
    def build(*xs):
        hvd.init()  # (a second call does nothing)
        return fn(*xs)

    return build


ROWS = [
    Row("HorovodAllreduce", _one_rank(lambda x: hvd.allreduce(x)), lambda x: x, _any, FLOATS),
    Row(
        "HorovodGroupedAllreduce",
        _one_rank(lambda x, y: hvd.grouped_allreduce([x, y], op=hvd.Sum)),
        lambda x, y: [x, y],
        lambda ctx: ([ctx.values(ctx.shape()), ctx.values(ctx.shape())], {}),
        NUMERIC,
    ),
    Row("HorovodBroadcast", _one_rank(lambda x: hvd.broadcast(x, 0)), lambda x: x, _any, NUMERIC),
    Row(
        "HorovodAllgather",
        _one_rank(lambda x: hvd.allgather(x)),
        lambda x: x,
        _any,
        NUMERIC,
        static=False,  # (?, ...): the ranks' first dimensions are known when it runs
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
