"""One round of the torch side of ThBenchmark.

usage: th_benchmark.py SOURCE OUT
Loads SOURCE (the state Java wrote, so both sides save the same tensors), then times
torch.save(state, OUT) including an fsync of OUT, torch.load(OUT) after evicting OUT from the page
cache (cold) and torch.load(OUT) again (warm). Prints {"save": s, "load_cold": s, "load_warm": s}.
"""
import json
import os
import sys
import time

import torch


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def touch_all(obj):
    # torch.load already copied every byte into memory; summing one element per tensor keeps the
    # work comparable without adding a pass over the data.
    for v in obj.values():
        if isinstance(v, torch.Tensor) and v.numel():
            v.view(-1)[0].item()


source, out = sys.argv[1], sys.argv[2]
state = torch.load(source)
if os.path.exists(out):
    os.remove(out)

t0 = time.perf_counter()
torch.save(state, out)
fd = os.open(out, os.O_RDONLY)
os.fsync(fd)
os.close(fd)
save = time.perf_counter() - t0
del state

evict(out)
t0 = time.perf_counter()
loaded = torch.load(out)
touch_all(loaded)
load_cold = time.perf_counter() - t0
del loaded

t0 = time.perf_counter()
loaded = torch.load(out)
touch_all(loaded)
load_warm = time.perf_counter() - t0

os.remove(out)
print(json.dumps({"save": save, "load_cold": load_cold, "load_warm": load_warm}))
