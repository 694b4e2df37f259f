"""Writes a run the way Noether (Python) lays it out, with torch.save and dicts shaped like its own.

usage: noether_python_run.py OUTPUT_DIR RUN_ID [STAGE_NAME]

Without STAGE_NAME the run is stage-less (<run>/checkpoints/), as Noether writes it when no
stage_name is configured. Mirrors NoetherPythonRun.java, which writes the same files with the
Java writer; the tests check both the same way.
"""
import os
import sys

import torch

MODEL = "ab_upt"
EMA = "ema=0.9999"
PERIODIC = [(1, 10, 320), (2, 20, 640), (3, 30, 960)]
LATEST = (3, 30, 960)
LAST = (3, 35, 1120)
BEST = (2, 20, 640)
BEST_TOLERANCE = (1, 10, 320)


def it(e, u, s):
    # what dict(update_counter.cur_iteration) gives
    return {"epoch": e, "update": u, "sample": s}


def weights(iteration, ema=False):
    # one distinct value per iteration (and for the EMA weights), so a test can tell files apart
    value = float(iteration[1]) + (0.5 if ema else 0.0)
    return {"encoder.weight": torch.full((4, 3), value), "encoder.bias": torch.full((4,), value)}


def model_file(path, tag, iteration, run_id, ema=False):
    d = {
        "state_dict": weights(iteration, ema),
        "checkpoint_tag": tag,
        "training_iteration": it(*iteration),
        "run_id": run_id,
        "model_config": {"kind": "ab_upt", "name": MODEL, "hidden_dim": 4},
        "config_kind": "noether.core.schemas.models.AnchorBranchedUPTConfig",
    }
    if ema:
        d["ema"] = 0.9999
    torch.save(d, path)


def optim_file(path, iteration):
    torch.save({
        "state": {0: {"step": torch.tensor(float(iteration[1])), "exp_avg": torch.zeros(4, 3),
                      "exp_avg_sq": torch.zeros(4, 3)}},
        "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.05, "params": [0, 1]}],
    }, path)


def trainer_file(path, iteration):
    torch.save({"callback_state_dicts": {"BestCheckpointCallback": {"best_metric_value": 0.25}},
                "training_iteration": it(*iteration)}, path)


def main():
    output_dir, run_id = sys.argv[1], sys.argv[2]
    stage = sys.argv[3] if len(sys.argv) > 3 else None
    run_dir = os.path.join(output_dir, run_id) if stage is None else os.path.join(output_dir, run_id, stage)
    checkpoints = os.path.join(run_dir, "checkpoints")
    os.makedirs(checkpoints, exist_ok=True)
    os.makedirs(os.path.join(run_dir, "tracker"), exist_ok=True)
    with open(os.path.join(run_dir, "tracker", "config.yaml"), "w") as f:
        f.write("run_id: %s\n" % run_id)
    with open(os.path.join(run_dir, "log.txt"), "w") as f:
        f.write("training done\n")

    def name(tag, kind, info=None):
        return os.path.join(checkpoints, "%s%s_cp=%s_%s.th" % (MODEL, "" if info is None else "_" + info, tag, kind))

    for e, u, s in PERIODIC:
        tag = "E%d_U%d_S%d" % (e, u, s)
        model_file(name(tag, "model"), tag, (e, u, s), run_id)
        optim_file(name(tag, "optim"), (e, u, s))
        trainer_file(name(tag, "trainer"), (e, u, s))
        model_file(name(tag, "model", EMA), tag, (e, u, s), run_id, ema=True)
    for tag, iteration in (("latest", LATEST), ("last", LAST)):
        model_file(name(tag, "model"), tag, iteration, run_id)
        optim_file(name(tag, "optim"), iteration)
        trainer_file(name(tag, "trainer"), iteration)
        model_file(name(tag, "model", EMA), tag, iteration, run_id, ema=True)
    best = "best_model.loss.online.total"
    model_file(name(best, "model"), best, BEST, run_id)
    model_file(name(best + ".tolerance=5", "model"), best + ".tolerance=5", BEST_TOLERANCE, run_id)


if __name__ == "__main__":
    main()
