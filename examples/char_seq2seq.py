"""A character-level language model written as TF 1.x users wrote it with
``tf.contrib.legacy_seq2seq`` (the model of the well-known ``char-rnn-tensorflow``): a
``MultiRNNCell`` of ``BasicLSTMCell``s unrolled by ``legacy_seq2seq.rnn_decoder`` over the
embedded characters, a softmax layer, ``legacy_seq2seq.sequence_loss_by_example`` as the loss,
gradients clipped by global norm, ``AdamOptimizer``. Sampling builds the same decoder again with
``reuse`` on a batch of one character, the LSTM state fed back each step.

The training text is the short passage below (no downloads). Run:
``python examples/char_seq2seq.py [--steps N] [--seed N]``. It prints the loss (nats per
character, a moving average) as it falls and a sample.
"""

import argparse
import time

import numpy as np

import tflite_core as tf

legacy_seq2seq = tf.contrib.legacy_seq2seq

TEXT = (
    "The river ran slowly past the old mill, and the miller sat by the door and watched it. "
    "In the morning the water was grey, at noon it was green, and in the evening it was gold. "
    "The miller had watched the river for forty years and he knew every stone in it. "
    "When the rain came the river rose and the wheel turned faster, and the miller was glad, "
    "for then the mill would grind the corn of the whole valley. When the sun came the river "
    "fell and the wheel turned slowly, and the miller sat by the door again and watched the "
    "water. His daughter brought him bread and cheese at noon, and they ate together under the "
    "tree by the water. The birds came down to the river to drink, and the fish rose to the "
    "flies, and the miller said that there was no better place in the whole world than the "
    "old mill by the river. His daughter said nothing, for she had seen the town beyond the "
    "hills, and she knew that the world was wide. But she loved the river too, and the mill, "
    "and the old man who sat by the door and watched the water go by. "
)

RNN_SIZE, NUM_LAYERS, SEQ_LENGTH, BATCH, GRAD_CLIP = 64, 2, 20, 16, 5.0


class Model:
    """The char-rnn model: ``infer=True`` builds the one-character sampling graph."""

    def __init__(self, vocab_size, cell, infer=False):
        batch, seq = (1, 1) if infer else (BATCH, SEQ_LENGTH)
        self.cell = cell
        self.input_data = tf.placeholder(tf.int32, [batch, seq])
        self.targets = tf.placeholder(tf.int32, [batch, seq])
        self.initial_state = cell.zero_state(batch, tf.float32)

        with tf.variable_scope("rnnlm"):
            softmax_w = tf.get_variable("softmax_w", [RNN_SIZE, vocab_size])
            softmax_b = tf.get_variable("softmax_b", [vocab_size])
            embedding = tf.get_variable("embedding", [vocab_size, RNN_SIZE])
            inputs = tf.split(tf.nn.embedding_lookup(embedding, self.input_data), seq, 1)
            inputs = [tf.squeeze(input_, [1]) for input_ in inputs]

        def loop(prev, _):
            prev = tf.matmul(prev, softmax_w) + softmax_b
            prev_symbol = tf.stop_gradient(tf.argmax(prev, 1))
            return tf.nn.embedding_lookup(embedding, prev_symbol)

        outputs, self.final_state = legacy_seq2seq.rnn_decoder(
            inputs, self.initial_state, cell, loop_function=loop if infer else None, scope="rnnlm"
        )
        output = tf.reshape(tf.concat(outputs, 1), [-1, RNN_SIZE])
        self.logits = tf.matmul(output, softmax_w) + softmax_b
        self.probs = tf.nn.softmax(self.logits)
        loss = legacy_seq2seq.sequence_loss_by_example(
            [self.logits], [tf.reshape(self.targets, [-1])], [tf.ones([batch * seq])]
        )
        self.cost = tf.reduce_sum(loss) / batch / seq
        if not infer:
            tvars = tf.trainable_variables()
            grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), GRAD_CLIP)
            self.train_op = tf.train.AdamOptimizer(0.01).apply_gradients(zip(grads, tvars))

    def sample(self, sess, chars, prime, n, rng):
        """Feeds ``prime`` and then ``n`` drawn characters, one ``Session.run`` each."""
        placeholders = tf.nest.flatten(self.initial_state)  # the state, fed tensor by tensor
        state = sess.run(placeholders)
        index = {c: i for i, c in enumerate(chars)}
        out, probs = [], None

        def step(k):
            feed = dict(zip(placeholders, state))
            feed[self.input_data] = [[k]]
            return sess.run([self.probs, tf.nest.flatten(self.final_state)], feed)

        for c in prime:
            probs, state = step(index[c])
        for _ in range(n):
            p = probs[0].astype(np.float64)
            k = int(rng.choice(len(chars), p=p / p.sum()))
            out.append(chars[k])
            probs, state = step(k)
        return "".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    chars = sorted(set(TEXT))
    data = np.array([chars.index(c) for c in TEXT], np.int32)
    rng = np.random.default_rng(args.seed)
    print(f"text: {len(TEXT)} characters, {len(chars)} distinct")
    with tf.Graph().as_default():
        tf.set_random_seed(args.seed)
        cell = tf.nn.rnn_cell.MultiRNNCell(
            [tf.nn.rnn_cell.BasicLSTMCell(RNN_SIZE) for _ in range(NUM_LAYERS)]
        )
        model = Model(len(chars), cell)
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            sampler = Model(len(chars), cell, infer=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            t0, avg = time.perf_counter(), None
            for step in range(1, args.steps + 1):
                starts = rng.integers(0, len(data) - SEQ_LENGTH - 1, BATCH)
                idx = starts[:, None] + np.arange(SEQ_LENGTH)
                feed = {model.input_data: data[idx], model.targets: data[idx + 1]}
                cost, _ = sess.run([model.cost, model.train_op], feed)
                avg = cost if avg is None else 0.9 * avg + 0.1 * cost
                if step == 1 or step % 50 == 0:
                    print(f"step {step} loss: {avg:.3f}")
            print(f"final loss: {avg:.3f}")
            print(f"training seconds: {time.perf_counter() - t0:.1f}")
            text = sampler.sample(sess, chars, "The ", 200, rng)
    print("sample:")
    print(text)
    return text


if __name__ == "__main__":
    main()
