"""Continues a Noether for the JVM checkpoint in plain PyTorch, as a user would.

usage: continue_in_pytorch.py MODEL_FILE OPTIM_FILE DATA_FILE UPDATES OUT_FILE

Builds the torch module the mlp's model_config describes, loads the weights and the AdamW state
(PyTorch's own optimizer state-dict layout), trains UPDATES full-batch updates on the data file's
x and y with the mean squared error, and saves the weights to OUT_FILE.
"""
import sys

import torch
from torch import nn

model_file, optim_file, data_file, updates, out_file = sys.argv[1:6]
torch.set_num_threads(1)

ckpt = torch.load(model_file)
cfg = ckpt["model_config"]
assert cfg["dropout"] == 0, "the comparison needs a deterministic model"
activation = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU}[cfg["activation"]]


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        modules, width = [], cfg["input_size"]
        for hidden in cfg["hidden_sizes"]:
            modules += [nn.Linear(width, hidden), activation()]
            width = hidden
        modules.append(nn.Linear(width, cfg["output_size"]))
        self.layers = nn.Sequential(*modules)

    def forward(self, x):
        return self.layers(x)


model = Mlp()
model.load_state_dict(ckpt["state_dict"])

# The optimizer as the Java configuration has it: adamw, no_weight_decay: ['*.bias'].
state = torch.load(optim_file)
named = dict(model.named_parameters())
decay = [n for n in named if not n.endswith(".bias")]
no_decay = [n for n in named if n.endswith(".bias")]
assert [state["param_idx_to_name"][i] for i in range(len(named))] == decay + no_decay, state["param_idx_to_name"]
group0 = state["param_groups"][0]
opt = torch.optim.AdamW(
    [{"params": [named[n] for n in decay]}, {"params": [named[n] for n in no_decay], "weight_decay": 0.0}],
    lr=group0["lr"], betas=tuple(group0["betas"]), eps=group0["eps"], weight_decay=group0["weight_decay"])
opt.load_state_dict(state)
print("resumed at", ckpt["training_iteration"], "step", float(opt.state[named[decay[0]]]["step"]))

data = torch.load(data_file)
x, y = data["x"], data["y"]
for _ in range(int(updates)):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
print("final loss", float(((model(x) - y) ** 2).mean()))
torch.save(model.state_dict(), out_file)
