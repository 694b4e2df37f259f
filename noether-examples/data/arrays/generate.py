"""Writes the small array files of docs/data.md: train_x.npy (float64 [64, 8]), train.npz (y: float32
[64], label: int64 [64]) and test.safetensors (x, y, label for 16 samples). Made-up values:
y is a linear function of x, label its sign. Run: /usr/bin/python3 generate.py (numpy)."""
import json
import struct
import numpy as np

rng = np.random.default_rng(3)
w = rng.normal(size=8)


def split(n):
    x = rng.normal(size=(n, 8))
    y = (x @ w).astype(np.float32)
    return x, y, (y > 0).astype(np.int64)


x, y, label = split(64)
np.save("train_x.npy", x)
np.savez("train.npz", y=y, label=label)

tensors = dict(zip(["x", "y", "label"], split(16)))
tensors["x"] = tensors["x"].astype(np.float32)
names = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}
header, blobs, offset = {}, [], 0
for name, array in tensors.items():
    data = np.ascontiguousarray(array).tobytes()
    header[name] = {"dtype": names[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open("test.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
