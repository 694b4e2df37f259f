"""Checks safetensors files against the format specification with torch, independently of Java.

usage: safetensors_check.py read FILE      -> prints {"metadata": {...}, "tensors": [[name, desc], ...]}
       safetensors_check.py write FILE    -> writes a file by the spec, prints the same description
The file is parsed by hand (8-byte little-endian length, JSON header, data_offsets); when the
`safetensors` package is installed, its own loader must agree.
"""
import hashlib
import json
import struct
import sys

import torch

DTYPES = {"F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32, "F64": torch.float64,
          "I8": torch.int8, "U8": torch.uint8, "I16": torch.int16, "I32": torch.int32, "I64": torch.int64,
          "BOOL": torch.bool}


def raw(t):
    flat = t.reshape(-1).contiguous()
    if flat.dtype == torch.bfloat16:
        flat = flat.view(torch.int16)
    return flat.numpy().tobytes()


def desc(t):
    return {"dtype": str(t.dtype), "shape": list(t.shape), "sha256": hashlib.sha256(raw(t)).hexdigest()}


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert (8 + n) % 8 == 0, "data does not start at a multiple of 8"
    text = data[8:8 + n].decode("utf-8")
    assert text.startswith("{") and text == text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" ")))
    header = json.loads(text)
    body = data[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = []
    end = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, stop = info["data_offsets"]
        assert begin == end, "gap or overlap before " + name
        dtype = DTYPES[info["dtype"]]
        chunk = bytearray(body[begin:stop])
        t = torch.frombuffer(chunk, dtype=dtype) if chunk else torch.empty(0, dtype=dtype)
        tensors.append([name, desc(t.reshape(info["shape"]))])
        end = stop
    assert end == len(body), "trailing or missing bytes"
    try:
        from safetensors.torch import load_file
    except ImportError:
        load_file = None
    if load_file is not None:
        loaded = load_file(path)
        assert sorted(loaded) == sorted(n for n, _ in tensors)
        for name, d in tensors:
            assert desc(loaded[name]) == d, name
    return {"metadata": metadata, "tensors": tensors}


def write(path):
    torch.manual_seed(1)
    tensors = {
        "embed.weight": torch.randn(5, 3),
        "half": torch.randn(4).half(),
        "bf16": torch.randn(2, 2).bfloat16(),
        "mask": torch.tensor([True, False, True]),
        "ids": torch.arange(6, dtype=torch.int64).reshape(2, 3),
        "scalar": torch.tensor(3.5, dtype=torch.float64),
        "empty": torch.zeros(0, 4, dtype=torch.int32),
    }
    header = {"__metadata__": {"format": "pt", "source": "python"}}
    body = b""
    for name, t in tensors.items():
        b = raw(t)
        header[name] = {"dtype": [k for k, v in DTYPES.items() if v == t.dtype][0], "shape": list(t.shape),
                        "data_offsets": [len(body), len(body) + len(b)]}
        body += b
    text = json.dumps(header).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)
    return {"metadata": header["__metadata__"], "tensors": [[n, desc(t)] for n, t in tensors.items()]}


if __name__ == "__main__":
    print(json.dumps(read(sys.argv[2]) if sys.argv[1] == "read" else write(sys.argv[2])))
