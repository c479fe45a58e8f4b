"""Which training arguments transformers runs, on the tiny model (issue 19: the evidence of TrainingArgs' bounds).

    python bench/trainer_bounds.py

Builds the tiny Phi-3 (olivegen.runner.tinymodel), wraps it in a peft LoRA and runs
`transformers.Trainer` for 4 steps (batch 2, CPU) once per case below, each with one value just
outside a bound the recipe once had. Prints RUNS with the optimizer steps taken, or FAILS with the
exception and the library line that raised it. Olive builds the same `TrainingArguments` from a
LoRA pass's `training_args` (olive/passes/pytorch/train_utils.py:77-93) and trains with the same
Trainer (olive/passes/pytorch/lora.py:451-456); bench/agreement.py --run confirms the ones that
matter with a real `olive run`. Needs torch, transformers and peft (the `olive` extra); about a
minute on two cores.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES: dict[str, dict[str, Any]] = {
    "num_train_epochs 0": {"max_steps": -1, "num_train_epochs": 0},
    "num_train_epochs -1": {"max_steps": -1, "num_train_epochs": -1},
    "num_train_epochs 0 with max_steps": {"num_train_epochs": 0},
    "gradient_accumulation_steps 0": {"gradient_accumulation_steps": 0},
    "gradient_accumulation_steps -1": {"gradient_accumulation_steps": -1},
    "seed -1": {"seed": -1},
    "seed 2**32": {"seed": 2**32},
    "data_seed -1": {"data_seed": -1},
    "data_seed 2**64": {"data_seed": 2**64},
    "logging_steps 0": {"logging_steps": 0},
    "logging_steps -1": {"logging_steps": -1},
    "logging_steps 2.5": {"logging_steps": 2.5},
    "eval_steps 0": {"eval_strategy": "steps", "eval_steps": 0},
    "eval_steps -1": {"eval_strategy": "steps", "eval_steps": -1},
    "per_device_eval_batch_size 0 (evaluating)": {
        "eval_strategy": "steps",
        "eval_steps": 2,
        "per_device_eval_batch_size": 0,
    },
    "per_device_eval_batch_size 0 (no evaluation)": {"per_device_eval_batch_size": 0},
    "save_steps 0": {"save_strategy": "steps", "save_steps": 0},
    "save_steps -1": {"save_strategy": "steps", "save_steps": -1},
    "max_grad_norm -1": {"max_grad_norm": -1},
    "warmup_steps 0.5": {"warmup_steps": 0.5},
    "warmup_steps -1": {"warmup_steps": -1},
    "weight_decay -0.1": {"weight_decay": -0.1},
    "adam_beta1 1.0": {"adam_beta1": 1.0},
    "adam_beta1 -0.1": {"adam_beta1": -0.1},
    "adam_beta2 1.0": {"adam_beta2": 1.0},
}


def main() -> int:
    import peft
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

    from olivegen.runner.tinymodel import build_tiny_model

    with tempfile.TemporaryDirectory(prefix="olivegen-trainer-") as tmp:
        tiny = build_tiny_model(Path(tmp) / "tiny", "phi3")
        tok = AutoTokenizer.from_pretrained(tiny.model_dir)
        rows = [json.loads(line) for line in tiny.data_file.read_text(encoding="utf-8").splitlines()][:16]
        data = [
            {"input_ids": tok(r["prompt"] + r["response"], truncation=True, max_length=32)["input_ids"]} for r in rows
        ]

        def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
            width = max(len(x["input_ids"]) for x in batch)
            ids = torch.tensor([x["input_ids"] + [0] * (width - len(x["input_ids"])) for x in batch])
            return {"input_ids": ids, "labels": ids.clone()}

        for name, changed in CASES.items():
            try:
                model = AutoModelForCausalLM.from_pretrained(tiny.model_dir, dtype=torch.float32)
                model = peft.get_peft_model(model, peft.LoraConfig(r=4, target_modules=list(tiny.target_modules)))
                args = {
                    "output_dir": str(Path(tmp) / "out"),
                    "report_to": "none",
                    "per_device_train_batch_size": 2,
                    "max_steps": 4,
                    "use_cpu": True,
                    "save_strategy": "no",
                    "lr_scheduler_type": "constant",
                    "disable_tqdm": True,
                    **changed,
                }
                trainer = Trainer(
                    model=model,
                    args=TrainingArguments(**args),
                    train_dataset=data,
                    eval_dataset=data[:4],
                    data_collator=collate,
                )
                print(f"RUNS  {name}: {trainer.train().global_step} optimizer steps", flush=True)
            except Exception as exc:  # noqa: BLE001  (what fails is the measurement)
                where = traceback.extract_tb(exc.__traceback__)[-1]
                short = where.filename.split("site-packages/")[-1]
                print(f"FAILS {name}: {type(exc).__name__}: {str(exc)[:120]} ({short}:{where.lineno})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
