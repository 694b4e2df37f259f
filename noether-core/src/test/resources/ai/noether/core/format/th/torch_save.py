"""Writes .th files with torch.save for the Java reader to load, and prints what they hold.

usage: torch_save.py DIR
Writes DIR/sequential.th (an nn.Sequential state dict), DIR/checkpoint_p2.th, _p4.th, _p5.th (a
dict holding a state dict plus nested metadata and special tensors, pickled with protocols 2, 4, 5),
and prints {"sequential": description, "checkpoint": description} as describe.py describes them.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from describe import desc  # noqa: E402

out = sys.argv[1]
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
sd = model.state_dict()
torch.save(sd, os.path.join(out, "sequential.th"))

base = torch.arange(10, dtype=torch.float32)
checkpoint = {
    "state_dict": sd,
    "epoch": 3,
    "lr": 1e-3,
    "name": "mlp",
    "negative": -5,
    "big": 2 ** 40,
    "flag": True,
    "nothing": None,
    "history": [1, 2.5, None, "x", [True, False]],
    "nested": {"a": {"b": (1, 2), "c": []}, "d": {}, "single": {"only": None}, "one": [None]},
    "int_keys": {0: "zero", 1: "one"},
    "bf16": torch.tensor([1.5, -2.0, 3.25], dtype=torch.bfloat16),
    "mask": torch.tensor([[True, False], [False, True]]),
    "view": base[2:5],
    "shared": base,
    "transposed": torch.arange(6, dtype=torch.float64).reshape(2, 3).t(),
    "strided": torch.arange(20, dtype=torch.int32)[::3],
    "scalar": torch.tensor(7, dtype=torch.int64),
    "empty": torch.zeros(0, 3, dtype=torch.float16),
    "bytes_u8": torch.tensor([0, 255, 7], dtype=torch.uint8),
    "int8": torch.tensor([-128, 127], dtype=torch.int8),
    "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
    "parameter": torch.nn.Parameter(torch.ones(2)),
    "size": torch.Size([2, 3]),
}
for protocol in (2, 4, 5):
    torch.save(checkpoint, os.path.join(out, "checkpoint_p%d.th" % protocol), pickle_protocol=protocol)
print(json.dumps({"sequential": desc(sd, False), "checkpoint": desc(checkpoint, False)}))
