"""Loads a .th file with torch.load(weights_only=True) and prints a JSON description of it.

usage: describe.py FILE [exact|plain] [RESAVE]
Prints {"loader": ..., "value": description}. The loader is "weights_only" when torch.load(path,
weights_only=True) read the file. torch 1.13's weights_only unpickler lacks the BINFLOAT opcode
(torch 2.0 added it), so it cannot load any Python float, whoever wrote the file; only in that case
the file is loaded again by a pickle.Unpickler whose find_class admits exactly torch's own
weights_only allow-list, and the loader is "allow-list".
exact keeps OrderedDict/dict and tuple/list apart; plain merges them (Java cannot tell them apart
after loading). Tensors are described by dtype, shape and the SHA-256 of their row-major bytes;
floats by their IEEE bits, so the comparison is exact. With RESAVE, also torch.save()s what it
loaded to that path.
"""
import collections
import pickle
import types
import hashlib
import json
import struct
import sys

import torch


def tensor_bytes(t):
    flat = t.detach().reshape(-1).contiguous()
    if flat.dtype == torch.bfloat16:
        flat = flat.view(torch.int16)
    return flat.cpu().numpy().tobytes()


def desc(v, exact):
    if isinstance(v, torch.Tensor):
        return {"tensor": str(v.dtype), "shape": list(v.shape),
                "sha256": hashlib.sha256(tensor_bytes(v)).hexdigest()}
    if isinstance(v, dict):
        kind = "OrderedDict" if exact and isinstance(v, collections.OrderedDict) else "dict"
        return {kind: [[desc(k, exact), desc(x, exact)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        kind = "tuple" if exact and isinstance(v, tuple) else "list"
        return {kind: [desc(x, exact) for x in v]}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": str(struct.unpack("<q", struct.pack("<d", v))[0])}
    if isinstance(v, str):
        return {"str": v}
    if v is None:
        return {"None": None}
    raise TypeError("unexpected %s" % type(v))


def allow_list_module():
    from torch._weights_only_unpickler import _get_allowed_globals

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            allowed = _get_allowed_globals()
            if module + "." + name not in allowed:
                raise pickle.UnpicklingError("global %s.%s is not allowed" % (module, name))
            return allowed[module + "." + name]

    module = types.ModuleType("allow_list_pickle")
    module.Unpickler = Unpickler
    module.load = pickle.load
    module.__name__ = "allow_list_pickle"
    return module


def load(path):
    try:
        return "weights_only", torch.load(path, weights_only=True)
    except pickle.UnpicklingError as e:
        if torch.__version__.startswith("1.") and "Unsupported operand 71" in str(e):
            return "allow-list", torch.load(path, pickle_module=allow_list_module())
        raise


if __name__ == "__main__":
    mode = sys.argv[2] if len(sys.argv) > 2 else "exact"
    loader, obj = load(sys.argv[1])
    print(json.dumps({"loader": loader, "value": desc(obj, mode == "exact")}))
    if len(sys.argv) > 3:
        torch.save(obj, sys.argv[3])
