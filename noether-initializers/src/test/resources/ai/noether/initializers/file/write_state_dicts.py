"""Writes the weights of one small torch model in the forms users bring to checkpoint-file.

Usage: write_state_dicts.py OUT_DIR
Prints the state dict's values as JSON ({key: [floats]}) on stdout.
"""
import json
import struct
import sys

import torch

out = sys.argv[1]
torch.manual_seed(7)
net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
net(torch.randn(5, 3)).sum().backward()
optimizer.step()
state = net.state_dict()

# A bare state dict: the root is the dict of tensors (keys 0.weight, 0.bias, 2.weight, 2.bias).
torch.save(state, out + "/sequential.pt")

# A training checkpoint as many scripts write it: the weights under model_state_dict.
torch.save({"model_state_dict": state, "optimizer_state_dict": optimizer.state_dict(), "epoch": 3},
           out + "/training.pt")

# The legacy (pre-1.6) serialization, which is not a zip archive.
torch.save(state, out + "/legacy.pt", _use_new_zipfile_serialization=False)

# safetensors, written by hand from the format's definition (no safetensors package needed).
header, blobs, offset = {}, [], 0
for key, tensor in state.items():
    data = tensor.detach().contiguous().numpy().astype("<f4").tobytes()
    header[key] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
header["__metadata__"] = {"format": "pt"}
text = json.dumps(header).encode("utf-8")
text += b" " * (-len(text) % 8)
with open(out + "/weights.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)

print(json.dumps({k: v.flatten().tolist() for k, v in state.items()}))
