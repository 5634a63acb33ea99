"""The alpha-beta cost model of an allreduce behind docs/distributed.md's scaling table.

An allreduce of ``n`` bytes over ``p`` ranks, with a per-message latency ``alpha`` (seconds), a
per-byte transfer time ``beta`` (seconds per byte, 1 / bandwidth) and a per-byte reduction time
``gamma``:

- ring (reduce-scatter then allgather, Horovod's and NCCL's for large tensors):
  ``2 (p-1) alpha + 2 (p-1)/p n beta + (p-1)/p n gamma``
- recursive halving and doubling (Rabenseifner; MPICH's for large messages):
  ``2 log2(p) alpha + 2 (p-1)/p n beta + (p-1)/p n gamma``
- binomial tree (reduce then broadcast; small messages):
  ``2 log2(p) (alpha + n beta) + log2(p) n gamma``

A step of data-parallel training with compute time ``t`` per rank and no overlap of the
allreduce with the backward pass takes ``t + T(p, n)``: the scaling efficiency is
``t / (t + T(p, n))``; with a fraction ``o`` of the allreduce hidden behind the backward pass it
is ``t / (t + (1 - o) T)``.

Run: ``python benchmarks/allreduce_model.py`` prints the tables of the document.
"""

from __future__ import annotations

import math

GAMMA = 1 / 10e9  # seconds per byte reduced: a float32 add at ~10 GB/s on one core (assumed)

# the networks the model assumes: (name, alpha seconds, bandwidth bytes per second at 90 % of
# the line rate)
NETWORKS = [
    ("25 Gb/s Ethernet, TCP", 25e-6, 25e9 / 8 * 0.9),
    ("100 Gb/s InfiniBand, RDMA", 2e-6, 100e9 / 8 * 0.9),
]
RANKS = [8, 64, 256, 1024]
# measured here by bench_horovod.py (2 ranks, shared memory, mpich; Zen 2): the time of an
# 8-byte allreduce (2 alpha: two messages at p = 2) and the bus bandwidth of a 25 MB one (the
# reduction's time folded in)
HERE = ("shared memory, 2 ranks (measured)", 2.3e-6, 2.85e9)


def ring(p: int, n: float, alpha: float, bw: float) -> float:
    return 2 * (p - 1) * alpha + 2 * (p - 1) / p * n / bw + (p - 1) / p * n * GAMMA


def halving_doubling(p: int, n: float, alpha: float, bw: float) -> float:
    return 2 * math.log2(p) * alpha + 2 * (p - 1) / p * n / bw + (p - 1) / p * n * GAMMA


def tree(p: int, n: float, alpha: float, bw: float) -> float:
    return 2 * math.log2(p) * (alpha + n / bw) + math.log2(p) * n * GAMMA


def _ms(t: float) -> str:
    return f"{t * 1e3:.3g}"


def table(n: float, title: str) -> list[str]:
    lines = [f"{title}: ms per allreduce (ring / halving-doubling / tree)", ""]
    lines.append("| network | " + " | ".join(f"p = {p}" for p in RANKS) + " |")
    lines.append("|---|" + "---|" * len(RANKS))
    for name, alpha, bw in NETWORKS:
        cells = [
            f"{_ms(ring(p, n, alpha, bw))} / {_ms(halving_doubling(p, n, alpha, bw))} / "
            f"{_ms(tree(p, n, alpha, bw))}"
            for p in RANKS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def efficiency(n: float, step_s: float, overlap: float, name: str) -> list[str]:
    lines = [
        f"{name}: scaling efficiency, ring, {n / 1e6:.0f} MB of gradients, {step_s * 1e3:.0f} ms "
        f"of compute per step, {overlap:.0%} of the allreduce hidden",
        "",
        "| network | " + " | ".join(f"p = {p}" for p in RANKS) + " |",
        "|---|" + "---|" * len(RANKS),
    ]
    for net, alpha, bw in NETWORKS:
        effs = [step_s / (step_s + (1 - overlap) * ring(p, n, alpha, bw)) for p in RANKS]
        lines.append(f"| {net} | " + " | ".join(f"{e:.0%}" for e in effs) + " |")
    return lines


def here() -> list[str]:
    """The model with this machine's fitted alpha and beta (gamma folded into beta), at p = 2."""
    name, alpha, bw = HERE
    lines = [f"{name}: alpha {alpha * 1e6:.1f} us, 1/beta {bw / 1e9:.2f} GB/s", ""]
    lines += ["| bytes | ring model, ms |", "|---|---|"]
    for n in (8, 65536, 1 << 20, 25e6):
        t = 2 * alpha + n / bw  # p = 2: 2 (p-1) = 2 messages, 2 (p-1)/p n = n bytes
        lines.append(f"| {n:,.0f} | {t * 1e3:.3g} |")
    return lines


def main() -> None:
    out: list[str] = [*here(), ""]
    out += table(4e6, "4 MB (a small model: the MLP of bench_horovod.py is 2.7 MB)")
    out += [""]
    out += table(102e6, "102 MB (ResNet-50's 25.6 M float32 gradients)")
    out += [""]
    # Horovod's published setting: ResNet-101 (44.5 M parameters, 178 MB), P100 GPUs, 25 Gb/s
    # RoCE; about 0.25 s of compute per step at batch 64 per GPU (assumed)
    out += efficiency(178e6, 0.25, 0.0, "ResNet-101 as tflite_core.horovod runs it (no overlap)")
    out += [""]
    out += efficiency(178e6, 0.25, 0.7, "ResNet-101 with Horovod's overlap (about 70% hidden)")
    out += [""]
    out += efficiency(89e6, 0.25, 0.0, "ResNet-101, fp16 compression, no overlap")
    print("\n".join(out))


if __name__ == "__main__":
    main()
