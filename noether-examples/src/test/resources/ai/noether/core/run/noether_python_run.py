"""Trains an MLP in PyTorch and checkpoints it the way Noether (Python) does, then goes on training.

usage: noether_python_run.py DATA_FILE CHECKPOINT_DIR FIRST_UPDATES MORE_UPDATES OUT_FILE

Writes {model}_cp={tag}_{model,optim,trainer}.th for the tags latest and E.._U.._S.. after
FIRST_UPDATES full-batch updates, with Noether (Python)'s keys: the model file's state_dict and
metadata, the optimizer file as torch's optimizer state dict plus param_idx_to_name, the trainer
file's callback_state_dicts and training_iteration. Then trains MORE_UPDATES further updates and
saves the final weights to OUT_FILE: the reference a resumed run must reach.
"""
import os
import sys

import torch
from torch import nn

data_file, checkpoint_dir, first, more, out_file = sys.argv[1:6]
first, more = int(first), int(more)
torch.set_num_threads(1)
torch.manual_seed(1234)

model_config = {"kind": "mlp", "input_size": 6, "hidden_sizes": [16, 8], "output_size": 1,
                "activation": "tanh", "dropout": 0.0}


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 1))

    def forward(self, x):
        return self.layers(x)


model = Mlp()
# Noether (Python)'s optimizer wrapper: one group per set of equal properties (biases excluded from
# weight decay), named after them, and param_idx_to_name numbering the parameters group by group.
weights = [(n, p) for n, p in model.named_parameters() if not n.endswith(".bias")]
biases = [(n, p) for n, p in model.named_parameters() if n.endswith(".bias")]
opt = torch.optim.AdamW(
    [{"params": [p for _, p in weights], "name": "default"},
     {"params": [p for _, p in biases], "weight_decay": 0.0, "name": "weight_decay=0"}],
    lr=1e-2, betas=(0.9, 0.99), eps=1e-7, weight_decay=0.05)
param_idx_to_name = {i: n for i, (n, _) in enumerate(weights + biases)}

data = torch.load(data_file)
x, y = data["x"], data["y"]


def train(updates):
    for _ in range(updates):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()


train(first)
iteration = {"epoch": first, "update": first, "sample": first * x.shape[0]}
os.makedirs(checkpoint_dir, exist_ok=True)
for tag in ["E%d_U%d_S%d" % (iteration["epoch"], iteration["update"], iteration["sample"]), "latest"]:
    prefix = os.path.join(checkpoint_dir, "mlp_cp=%s_" % tag)
    torch.save({"state_dict": model.state_dict(), "checkpoint_tag": tag, "training_iteration": iteration,
                "run_id": "py", "model_config": model_config, "config_kind": "MlpConfig"}, prefix + "model.th")
    optim = opt.state_dict()
    optim["param_idx_to_name"] = param_idx_to_name
    torch.save(optim, prefix + "optim.th")
    torch.save({"callback_state_dicts": [{}, {}], "training_iteration": iteration}, prefix + "trainer.th")

train(more)
torch.save(model.state_dict(), out_file)
