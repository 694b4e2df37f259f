"""Writes a small synthetic data set laid out as NASA's C-MAPSS turbofan files (FD001):
train.txt (units run to failure), test.txt (units cut short), RUL.txt (each test unit's remaining
useful life at its last cycle). 26 space-separated columns, no header: unit, cycle, 3 operating
settings, 21 sensors. The values are made up (a baseline, a slow exponential wear drift and
noise), not NASA's measurements; they only serve the documentation's examples and tests.
Run: /usr/bin/python3 generate.py (numpy); the output is deterministic."""
import numpy as np

rng = np.random.default_rng(2)
base = rng.uniform(5, 600, 21)
drift = rng.uniform(-0.02, 0.02, 21) * base


def unit_rows(unit, cycles, life):
    rows = []
    for c in range(1, cycles + 1):
        wear = np.exp(4 * (c / life) - 4)
        settings = rng.normal(0, [0.002, 0.0003, 0.0], 3) + [0, 0, 100]
        sensors = base + drift * wear + rng.normal(0, 0.001, 21) * base
        rows.append([unit, c, *settings, *sensors])
    return rows


def write(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(f"{int(r[0])} {int(r[1])} " + " ".join(f"{v:.4f}" for v in r[2:]) + " \n")


train, test, rul = [], [], []
for u in range(1, 9):
    life = int(rng.integers(40, 90))
    train += unit_rows(u, life, life)
for u in range(1, 5):
    life = int(rng.integers(40, 90))
    seen = int(rng.integers(20, life))
    test += unit_rows(u, seen, life)
    rul.append(life - seen)
write("train.txt", train)
write("test.txt", test)
with open("RUL.txt", "w") as f:
    f.write("".join(f"{r}\n" for r in rul))
