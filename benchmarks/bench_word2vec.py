"""word2vec skip-gram step with NCE, side by side: vocabulary 50,000, embedding 128, batch 128,
64 negative samples (log-uniform, unique), plain SGD (learning rate 1.0).

One step is ``sess.run(train_op, feed_dict)`` on a fed batch of centre ids and context labels:
``embedding_lookup`` + ``nce_loss`` (deck slide 32) and a sparse update of the looked-up rows of
the embedding table, the NCE weights and biases. PyTorch (if installed) runs a hand-written NCE
with the same sampler formula (``torch.multinomial`` over the log-uniform probabilities) on
``nn.Embedding(sparse=True)`` tables and ``optim.SGD``. After timing, the NCE loss of one batch with
given samples is checked against a float64 NumPy reference from the implementation's weights.

Run: ``python benchmarks/bench_word2vec.py [--threads 1] [--quick]``.
Target: tflite_core <= 0.25 ms per train step.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core

VOCAB, DIM, BATCH, NUM_SAMPLED, LR = 50_000, 128, 128, 64, 1.0
RNG = np.random.default_rng(0)
EMB0 = RNG.uniform(-1, 1, (VOCAB, DIM)).astype(np.float32)
W0 = (RNG.standard_normal((VOCAB, DIM)) / np.sqrt(DIM)).astype(np.float32)
B0 = np.zeros(VOCAB, np.float32)
# Zipfian ids, as word ids numbered by frequency are
P = (np.log(np.arange(VOCAB) + 2.0) - np.log(np.arange(VOCAB) + 1.0)) / np.log(VOCAB + 1.0)
INPUTS = RNG.choice(VOCAB, BATCH, p=P).astype(np.int32)
LABELS = RNG.choice(VOCAB, (BATCH, 1), p=P).astype(np.int32)
CHECK_SAMPLED = RNG.choice(VOCAB, NUM_SAMPLED, replace=False).astype(np.int64)
CHECK_TEC = (P[LABELS] * NUM_SAMPLED).astype(np.float32)
CHECK_SEC = (P[CHECK_SAMPLED] * NUM_SAMPLED).astype(np.float32)


def reference_loss(emb, w, b, inputs, labels, sampled, tec, sec):
    """float64 NCE loss (mean over the batch) with given samples."""
    x = emb[inputs].astype(np.float64)
    true = (x * w[labels[:, 0]]).sum(1) + b[labels[:, 0]] - np.log(tec[:, 0])
    samp = x @ w[sampled].T.astype(np.float64) + b[sampled] - np.log(sec)

    def xent(z, y):
        return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))

    return float((xent(true, 1.0) + xent(samp, 0.0).sum(1)).mean())


def graph_impl(name, kind, tfm, config):
    v1 = tfm.compat.v1 if hasattr(tfm, "compat") else tfm
    g = tfm.Graph()
    with g.as_default():
        train_inputs = v1.placeholder(tfm.int32, shape=[BATCH])
        train_labels = v1.placeholder(tfm.int32, shape=[BATCH, 1])
        embeddings = v1.Variable(EMB0)
        nce_weights = v1.Variable(W0)
        nce_biases = v1.Variable(B0)
        embed = v1.nn.embedding_lookup(embeddings, train_inputs)
        loss = tfm.reduce_mean(
            v1.nn.nce_loss(nce_weights, nce_biases, train_labels, embed, NUM_SAMPLED, VOCAB)
        )
        train_op = v1.train.GradientDescentOptimizer(LR).minimize(loss)
        sv = (tfm.constant(CHECK_SAMPLED), tfm.constant(CHECK_TEC), tfm.constant(CHECK_SEC))
        check_loss = tfm.reduce_mean(
            v1.nn.nce_loss(
                nce_weights, nce_biases, train_labels, embed, NUM_SAMPLED, VOCAB, sampled_values=sv
            )
        )
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g, config=config)
    sess.run(init)
    feed = {train_inputs: INPUTS, train_labels: LABELS}
    return {
        "name": name,
        "kind": kind,
        "train": lambda: sess.run(train_op, feed),
        "check": lambda: sess.run(check_loss, feed),
        "params": lambda: sess.run([embeddings, nce_weights, nce_biases]),
    }


def torch_impl(torch):
    emb = torch.nn.Embedding(VOCAB, DIM, sparse=True)
    w = torch.nn.Embedding(VOCAB, DIM, sparse=True)
    b = torch.nn.Embedding(VOCAB, 1, sparse=True)
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(EMB0))
        w.weight.copy_(torch.from_numpy(W0))
        b.weight.zero_()
    opt = torch.optim.SGD(list(emb.parameters()) + list(w.parameters()) + list(b.parameters()), LR)
    p = torch.from_numpy(P)
    inputs, labels = (
        torch.from_numpy(INPUTS.astype(np.int64)),
        torch.from_numpy(LABELS[:, 0].astype(np.int64)),
    )

    def loss_of(sampled, tec, sec):
        x = emb(inputs)
        true = (x * w(labels)).sum(1) + b(labels)[:, 0] - torch.log(tec)
        samp = x @ w(sampled).T + b(sampled)[:, 0] - torch.log(sec)
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        return (
            bce(true, torch.ones_like(true), reduction="none")
            + bce(samp, torch.zeros_like(samp), reduction="none").sum(1)
        ).mean()

    def step():
        sampled = torch.multinomial(p, NUM_SAMPLED, replacement=False)
        # expected counts as TF's sampler for unique draws (num_tries ~ NUM_SAMPLED here)
        tec = -torch.expm1(NUM_SAMPLED * torch.log1p(-p[labels])).float()
        sec = -torch.expm1(NUM_SAMPLED * torch.log1p(-p[sampled])).float()
        opt.zero_grad()
        loss = loss_of(sampled, tec, sec)
        loss.backward()
        opt.step()

    def check():
        with torch.no_grad():
            return loss_of(
                torch.from_numpy(CHECK_SAMPLED),
                torch.from_numpy(CHECK_TEC[:, 0]),
                torch.from_numpy(CHECK_SEC),
            ).item()

    return {
        "name": "PyTorch eager (hand-written NCE, sparse SGD)",
        "kind": common.REFERENCE,
        "train": step,
        "check": check,
        "params": lambda: [
            emb.weight.detach().numpy(),
            w.weight.detach().numpy(),
            b.weight.detach().numpy()[:, 0],
        ],
    }


def main() -> int:
    tflite_core.set_num_threads(ARGS.threads)
    impls = [
        graph_impl(
            "tflite_core Session.run",
            common.TFLITE,
            tflite_core,
            tflite_core.ConfigProto(intra_op_parallelism_threads=ARGS.threads),
        )
    ]
    vers = {"tflite_core": tflite_core.__version__, "numpy": np.__version__}
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=ARGS.threads, inter_op_parallelism_threads=ARGS.threads
        )
        impls.append(graph_impl("TF compat.v1 Session.run", common.REFERENCE, tf, cfg))
        vers["tensorflow"] = tf.__version__
    torch = common.optional_import("torch")
    if torch is not None and common.wanted("PyTorch"):
        torch.set_num_threads(ARGS.threads)
        impls.append(torch_impl(torch))
        vers["torch"] = torch.__version__
    common.header(
        "word2vec skip-gram + NCE: vocabulary 50,000, embedding 128, batch 128, 64 samples, SGD",
        vers,
    )
    cases = [common.Case(im["name"], "train step", im["train"], im["kind"]) for im in impls]
    common.measure(cases)
    for im in impls:

        def verify(im=im):
            emb, w, b = (np.asarray(a, np.float64) for a in im["params"]())
            want = reference_loss(emb, w, b, INPUTS, LABELS, CHECK_SAMPLED, CHECK_TEC, CHECK_SEC)
            np.testing.assert_allclose(im["check"](), want, rtol=1e-4)

        common.check(im["name"], "NCE loss with given samples vs NumPy float64", verify)
    base = impls[0]["name"]
    common.report(cases, {"train step": base}, unit="ms")
    tr = cases[0]
    common.target("tflite_core train step <= 0.25 ms", tr.median * 1e3, 0.25)
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
