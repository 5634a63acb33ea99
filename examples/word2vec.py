"""Skip-gram word2vec with noise-contrastive estimation (the deck's slide 32), trained on the
Python documentation's topic texts that ship with the standard library (``pydoc_data.topics``).

The words are lower-cased ``[a-z]+`` tokens; the vocabulary is the ``--vocab`` most frequent ones
(others are dropped), frequent words are subsampled (Mikolov et al.), and each remaining word is
paired with the words up to ``--window`` positions away. The model is slide 32 as written:
``embedding_lookup`` of a ``[vocabulary_size, embedding_size]`` table, ``nce_loss`` with
``num_sampled`` log-uniform negatives (words are numbered by frequency, so the sampler's Zipfian
prior fits), ``GradientDescentOptimizer`` (a sparse update of the looked-up rows).

Run: ``python examples/word2vec.py [--steps N] [--vocab N] [--seed N]``. It prints the loss, the
nearest neighbours (cosine) of a few frequent words and the check
``check: co-occurring pairs cos=... > random pairs cos=... : True``.
"""

import argparse
import collections
import re
import time
from pydoc_data.topics import topics

import numpy as np

import tflite_core as tf


def corpus(vocab_size, seed):
    """Word ids (0 = most frequent) of the topic texts, subsampled; and the vocabulary."""
    words = re.findall(r"[a-z]+", " ".join(topics[k] for k in sorted(topics)).lower())
    counts = collections.Counter(words).most_common(vocab_size)
    vocab = [w for w, _ in counts]
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.array([index[w] for w in words if w in index], np.int64)
    freq = np.array([c for _, c in counts], np.float64) / len(ids)
    keep = np.minimum(1.0, np.sqrt(1e-3 / freq[ids]) + 1e-3 / freq[ids])  # word2vec's rule
    ids = ids[np.random.default_rng(seed).random(len(ids)) < keep]
    return ids, vocab


def skipgram_pairs(ids, window):
    """(centre, context) for every pair of words at most ``window`` apart."""
    centre = np.concatenate(
        [ids[:-d] for d in range(1, window + 1)] + [ids[d:] for d in range(1, window + 1)]
    )
    context = np.concatenate(
        [ids[d:] for d in range(1, window + 1)] + [ids[:-d] for d in range(1, window + 1)]
    )
    return centre, context


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=50000)
    ap.add_argument("--vocab", type=int, default=3000)
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--embedding-size", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--num-sampled", type=int, default=32)
    ap.add_argument("--learning-rate", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    ids, vocab = corpus(args.vocab, args.seed)
    centre, context = skipgram_pairs(ids, args.window)
    print(
        f"corpus: {len(ids)} words after subsampling, vocabulary {len(vocab)}, "
        f"{len(centre)} skip-gram pairs"
    )
    vocabulary_size, embedding_size = len(vocab), args.embedding_size
    batch_size, num_sampled = args.batch_size, args.num_sampled

    tf.set_random_seed(args.seed)
    # slide 32
    train_inputs = tf.placeholder(tf.int32, shape=[batch_size])
    train_labels = tf.placeholder(tf.int32, shape=[batch_size, 1])
    embeddings = tf.Variable(tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
    embed = tf.nn.embedding_lookup(embeddings, train_inputs)
    nce_weights = tf.Variable(
        tf.truncated_normal([vocabulary_size, embedding_size], stddev=1.0 / np.sqrt(embedding_size))
    )
    nce_biases = tf.Variable(tf.zeros([vocabulary_size]))
    loss = tf.reduce_mean(
        tf.nn.nce_loss(nce_weights, nce_biases, embed, train_labels, num_sampled, vocabulary_size)
    )
    optimizer = tf.train.GradientDescentOptimizer(args.learning_rate).minimize(loss)
    norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keep_dims=True))
    normalized = embeddings / norm

    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        avg = 0.0
        for step in range(1, args.steps + 1):
            b = rng.integers(0, len(centre), batch_size)
            feed = {train_inputs: centre[b], train_labels: context[b].reshape(-1, 1)}
            _, batch_loss = sess.run([optimizer, loss], feed)
            avg += batch_loss
            if step % max(1, args.steps // 5) == 0:
                print(f"step {step}: average loss {avg / max(1, args.steps // 5):.3f}")
                avg = 0.0
        emb = sess.run(normalized)
    seconds = time.perf_counter() - start
    print(
        f"trained {args.steps} steps in {seconds:.1f} s ({1e3 * seconds / args.steps:.3f} ms/step)"
    )

    for w in ["list", "function", "class", "string", "true", "file"]:
        if w in vocab:
            i = vocab.index(w)
            near = np.argsort(-emb @ emb[i])[1:6]
            print(f"nearest to {w!r}: {', '.join(vocab[j] for j in near)}")

    # the check: words that co-occur (held to pairs of distinct words) are more similar
    pick = rng.integers(0, len(centre), 5000)
    a, c = centre[pick], context[pick]
    a, c = a[a != c], c[a != c]
    co = float(np.mean(np.sum(emb[a] * emb[c], 1)))
    r1, r2 = rng.integers(0, vocabulary_size, (2, 5000))
    rand = float(np.mean(np.sum(emb[r1] * emb[r2], 1)))
    print(f"check: co-occurring pairs cos={co:.3f} > random pairs cos={rand:.3f} : {co > rand}")
    return co, rand


if __name__ == "__main__":
    main()
