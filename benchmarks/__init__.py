"""aeverify's benchmark suite: `python -m benchmarks` (see `python -m benchmarks --help`).

Each benchmark times aeverify's route and the peer a user would write instead in the same run,
interleaved, so that the ratios hold on a noisy machine; the table is printed and the figures are
written to JSON. The PyTorch peers need the `bench` extra (`pip install ".[bench]"`).
"""
