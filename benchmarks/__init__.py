"""aeverify's benchmark suite: `python -m benchmarks` (see `python -m benchmarks --help`).

Each benchmark times aeverify's route and the peers a user would write instead in the same run,
interleaved, so that the ratios hold on a noisy machine; the table is printed and the figures are
written to JSON. The PyTorch and JAX peers need the `bench` extra (`pip install ".[bench]"`); a peer
that is not installed is skipped, and the run says so.
"""
