"""A character-level language model: an LSTM reads names letter by letter and invents new ones.

Each of the 200 names of data/text.py becomes a sequence of characters
framed by "." (the boundary token): the input is ".emma", the target at
every step is the next character, "emma.". The model

    Embedding(27, 16) -> LSTM(16, 64, return_sequences=True) -> TimeDistributed(Dense(64, 27))

gives a score for every possible next character at every step, and
CrossEntropy takes logits (N, T, 27) with targets (N, T): the mean over all
the steps of the batch of -log p(next character). Names have different
lengths, so a batch of 16 names is a ragged batch: no padding, no mask to
pass (see pure/recurrent.py). Adam (lr 0.01), gradients clipped to a global
norm of 5.

Every tenth name (20 of them) is held out: the model never trains on it,
and after each epoch the loss on these names says how well the model
predicts names it has not seen. Training keeps the epoch where that loss
was lowest and stops 3 epochs after it (an LSTM of this size learns the
180 training names by heart if left to, and then predicts new ones worse).

Then the model writes: starting from ".", it turns the scores of the next
character into probabilities softmax(scores / temperature), draws one,
feeds it back, and stops at the next ".". A low temperature (0.5) picks
the likely letters (safe, repetitive names); 1.0 samples the model as it
is; higher is wilder.

Not one of the four series: the numbers to compare with are a uniform guess,
ln 27 = 3.30 nats per character, and a bigram table (the next character
from the current one only, counted on the training names), both measured
on the held-out names.

    python -m lessons.char_lstm --backend pure|vectorized [--quick]

Imports only the public contract of the twin (`nn`) and data/.
"""
import argparse
import importlib
import math
import random
import sys
import time

import pictures
from data import text

from .common import Result, output_dir, to_list

NAME = "char-lstm"
TITLE = "A character-level LSTM invents names"
REPORTED = "(new in this project) uniform guess ln 27 = 3.30 nats/char; the bigram table's loss is computed below"

BOUNDARY = "."
EMBEDDING, HIDDEN = 16, 64
MAX_EPOCHS, PATIENCE, HOLD_OUT_EVERY = 30, 3, 10
QUICK_EPOCHS, QUICK_NAMES, QUICK_HIDDEN = 3, 40, 16


def sequences(names, vocab):
    """Inputs ".name" and targets "name." as token ids, one list per name (lengths differ)."""
    boundary = vocab.index[BOUNDARY]
    x = [[boundary] + vocab.encode(list(name)) for name in names]
    y = [ids[1:] + [boundary] for ids in x]
    return x, y


def bigram_loss(x, y, x_held, y_held, size):
    """Mean -log p(next | current) on the held-out names, of a bigram table counted on (x, y), add-one smoothed."""
    counts = [[1] * size for _ in range(size)]
    for inputs, targets in zip(x, y):
        for a, b in zip(inputs, targets):
            counts[a][b] += 1
    total, steps = 0.0, 0
    for inputs, targets in zip(x_held, y_held):
        for a, b in zip(inputs, targets):
            total -= math.log(counts[a][b] / sum(counts[a]))
            steps += 1
    return total / steps


def build(nn, vocab_size, hidden=HIDDEN, seed=0):
    return nn.Sequential([nn.Embedding(vocab_size, EMBEDDING, seed=seed),
                          nn.LSTM(EMBEDDING, hidden, return_sequences=True, seed=seed + 1),
                          nn.TimeDistributed(nn.Dense(hidden, vocab_size, seed=seed + 2))])


def sample(model, vocab, temperature, rng, max_length=12):
    """One new name: draw each next character from softmax(scores / temperature) until the boundary."""
    boundary = vocab.index[BOUNDARY]
    ids = [boundary]
    for _ in range(max_length):
        scores = to_list(model.forward([ids]))[0][-1]          # the scores after the last character
        top = max(scores)
        weights = [math.exp((s - top) / temperature) for s in scores]
        draw, cumulative, choice = rng.random() * sum(weights), 0.0, len(weights) - 1
        for i, w in enumerate(weights):
            cumulative += w
            if draw < cumulative:
                choice = i
                break
        if choice == boundary:
            break
        ids.append(choice)
    return "".join(vocab.decode(ids[1:]))


def run(nn, quick=False, out=None, seed=0):
    """Train the language model, keep the epoch that predicts held-out names best, sample."""
    result = Result(NAME, REPORTED)
    names = text.names()
    vocab = text.Vocabulary((list(name) for name in names), specials=(BOUNDARY,))
    held_out = names[::HOLD_OUT_EVERY]                      # 20 names the model never trains on
    train = [name for name in names if name not in held_out]
    if quick:
        train = train[::len(train) // QUICK_NAMES]
    x, y = sequences(train, vocab)
    x_held, y_held = sequences(held_out, vocab)
    uniform, bigram = math.log(len(vocab)), bigram_loss(x, y, x_held, y_held, len(vocab))
    model = build(nn, len(vocab), QUICK_HIDDEN if quick else HIDDEN, seed)
    loss = nn.CrossEntropy()
    best = {"loss": math.inf, "epoch": 0, "weights": None}
    held_losses = []

    def after_epoch(epoch, history):
        model.eval()
        held_losses.append(loss.forward(model.forward(x_held), y_held))   # mean over every step of every name
        if held_losses[-1] < best["loss"]:
            best.update(loss=held_losses[-1], epoch=epoch, weights=model.get_weights())
        return epoch - best["epoch"] < PATIENCE           # stop once it has not improved for PATIENCE epochs

    start = time.process_time()                          # CPU seconds: fair on a busy machine
    history = model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01),
                        epochs=QUICK_EPOCHS if quick else MAX_EPOCHS, batch_size=16, seed=seed,
                        clip_norm=5.0, progress=False, callback=after_epoch)
    seconds = time.process_time() - start
    model.set_weights(best["weights"])                   # the epoch that did best on the held-out names
    model.eval()
    train_loss = loss.forward(model.forward(x), y)

    rng = random.Random(seed)
    known = set(names)
    samples = {}
    for temperature in (0.5, 1.0):
        samples[temperature] = [sample(model, vocab, temperature, rng) for _ in range(3 if quick else 10)]
        novel = sum(1 for s in samples[temperature] if s and s not in known)
        result.lines.append(f"  temperature {temperature}: {', '.join(s or '(empty)' for s in samples[temperature])}"
                            f"  [{novel} not in the list]")

    folder = output_dir(out, NAME)
    if folder:
        epochs = len(held_losses)
        result.picture(pictures.line_chart(
            f"{folder}/loss.svg", {"training names (mean during the epoch)": history["loss"],
                                   "held-out names": held_losses,
                                   "bigram table, held-out": [bigram] * epochs,
                                   "uniform guess, ln 27": [uniform] * epochs},
            title=f"Character LSTM: loss per character (best held-out epoch {best['epoch']})",
            y_label="cross-entropy, nats per character"))
    result.check("the held-out loss falls below a uniform guess", best["loss"] < uniform)
    result.check("the training loss falls", history["loss"][-1] < history["loss"][0])
    result.check("every sample is made of letters", all(s.isalpha() or s == "" for v in samples.values() for s in v))
    if not quick:
        result.check("on held-out names the LSTM beats the bigram table", best["loss"] < bigram)
    return result.finish(f"held-out loss {best['loss']:.3f} nats/char (perplexity {math.exp(best['loss']):.1f}) "
                         f"at epoch {best['epoch']} of {len(history['loss'])}, training loss {train_loss:.3f}; "
                         f"bigram {bigram:.3f}, uniform {uniform:.3f}; {seconds:.1f} CPU s on {nn.TWIN}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lessons.char_lstm", description=TITLE)
    parser.add_argument("--backend", choices=["pure", "vectorized"], default="pure")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_NAMES} names, {QUICK_EPOCHS} epochs, hidden {QUICK_HIDDEN} (what the tests run)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    nn = importlib.import_module(args.backend)
    print(f"{NAME}: {TITLE} [{args.backend}{', quick' if args.quick else ''}]")
    result = run(nn, quick=args.quick, seed=args.seed)
    print(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
