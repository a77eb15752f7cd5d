"""A progress line for training, with the standard library only.

While `fit` runs it shows, on one line of the terminal that it rewrites:

    epoch 3/10  batch 120/157  loss 0.2871  1843 ex/s  ETA 0:00:41

and ends each epoch with a summary line. It draws only when asked or when
standard error is a terminal (so logs and pipes get no carriage-return noise);
`verbose=True` prints just the summary lines, wherever the output goes.

Both twins use this module (the vectorized twin imports it from here):
progress display has nothing to do with numpy.
"""
from __future__ import annotations

import sys
import time

clock = getattr(time, "perf_counter", time.time)     # seconds (MicroPython's time has no perf_counter)


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Progress of a training run: call start_epoch, update after each batch, end_epoch."""

    def __init__(self, epochs: int, batches: int, examples: int, live=None, verbose=False,
                 stream=None, min_interval: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        if live is None:
            live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.live, self.verbose = bool(live), bool(verbose)
        self.epochs, self.batches, self.examples = epochs, batches, examples
        self.min_interval = min_interval
        self.run_start = clock()
        self.epochs_done = 0

    def start_epoch(self, epoch: int):
        self.epoch = epoch
        self.epoch_start = clock()
        self.last_draw = 0.0
        self.seen = 0

    def update(self, batch: int, batch_size: int, loss: float):
        self.seen += batch_size
        if not self.live:
            return
        now = clock()
        if now - self.last_draw < self.min_interval and batch < self.batches:
            return
        self.last_draw = now
        elapsed = max(now - self.epoch_start, 1e-9)
        rate = self.seen / elapsed
        left_in_epoch = (self.examples - self.seen) / rate if rate else 0.0
        left_epochs = (self.epochs - self.epoch) * self.examples / rate if rate else 0.0
        self.stream.write(f"\repoch {self.epoch}/{self.epochs}  batch {batch}/{self.batches}  "
                          f"loss {loss:.4f}  {rate:.0f} ex/s  ETA {format_duration(left_in_epoch + left_epochs)}   ")
        self.stream.flush()

    def end_epoch(self, summary: dict):
        elapsed = clock() - self.epoch_start
        if not (self.live or self.verbose):
            return
        parts = [f"epoch {self.epoch}/{self.epochs}"]
        parts += [f"{k} {v:.4f}" for k, v in summary.items() if isinstance(v, float)]
        parts.append(f"{self.seen / max(elapsed, 1e-9):.0f} ex/s")
        parts.append(f"{elapsed:.1f}s")
        line = "  ".join(parts)
        if self.live:
            self.stream.write("\r" + line + " " * 10 + "\n")
            self.stream.flush()
        else:
            print(line, flush=True)
