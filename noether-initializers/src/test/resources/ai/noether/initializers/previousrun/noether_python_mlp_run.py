"""Writes a run of model 'mlp' as Noether (Python) lays it out, with torch.save of dicts shaped like its own.

usage: noether_python_mlp_run.py OUTPUT_DIR RUN_ID [STAGE_NAME]   (no STAGE_NAME: a stage-less run)

Version k of the weights holds k*100 + index*10 + i*0.25 (index: position of the tensor in the
state dict, i: element), as PreviousRunInitializerTest.weights(k). Mirrors
NoetherPythonMlpRun.writeWithJava.
"""
import os
import sys

import torch


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(3, 4))
        self.head = torch.nn.Linear(4, 2)


def weights(version):
    sd = Mlp().state_dict()
    for index, key in enumerate(sd):
        n = sd[key].numel()
        sd[key] = (torch.arange(n, dtype=torch.float32) * 0.25 + (version * 100 + index * 10)).reshape(sd[key].shape)
    return sd


def it(e, u, s):
    return {"epoch": e, "update": u, "sample": s}


def main():
    output_dir, run_id = sys.argv[1], sys.argv[2]
    stage = sys.argv[3] if len(sys.argv) > 3 else None
    run_dir = os.path.join(output_dir, run_id) if stage is None else os.path.join(output_dir, run_id, stage)
    checkpoints = os.path.join(run_dir, "checkpoints")
    os.makedirs(checkpoints, exist_ok=True)
    os.makedirs(os.path.join(run_dir, "tracker"), exist_ok=True)

    def model(tag, version, iteration, info=None):
        d = {"state_dict": weights(version), "checkpoint_tag": tag, "training_iteration": it(*iteration),
             "run_id": run_id, "model_config": {"kind": "mlp", "name": "mlp"}, "config_kind": "MlpConfig"}
        name = "mlp%s_cp=%s_model.th" % ("" if info is None else "_" + info, tag)
        torch.save(d, os.path.join(checkpoints, name))

    def trainer(tag, iteration):
        torch.save({"callback_state_dicts": {}, "training_iteration": it(*iteration)},
                   os.path.join(checkpoints, "mlp_cp=%s_trainer.th" % tag))

    model("E1_U10_S320", 1, (1, 10, 320))
    trainer("E1_U10_S320", (1, 10, 320))
    model("E2_U20_S640", 2, (2, 20, 640))
    trainer("E2_U20_S640", (2, 20, 640))
    model("latest", 2, (2, 20, 640))
    trainer("latest", (2, 20, 640))
    model("latest", 3, (2, 20, 640), info="ema=0.9999")
    model("best_model.loss.online.total", 6, (1, 10, 320))
    model("best_model.loss.online.total.tolerance=5", 7, (1, 10, 320))


if __name__ == "__main__":
    main()
