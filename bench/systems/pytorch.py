"""PyTorch (CPU, one thread, or TORCH_THREADS threads) as the native reference for bench/compare.mjs.

Reads one JSON request per line on stdin and answers one JSON line on stdout, like the Node
workers: {"kind": "setup"}, {"kind": "firstStep", "task": {...}} (prepares the task and times one
step), then {"kind": "measure", "rule": {...}} (warms up further and times steps). The networks
are read from the same workload description the JavaScript systems use (sent with each task),
and steps are timed with the same rule as bench/timing.mjs.
"""
import json
import os
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

THREADS = int(os.environ.get("TORCH_THREADS", "1"))
torch.set_num_threads(THREADS)
torch.set_num_interop_threads(1)
torch.manual_seed(0)


def measure(step, rule, warm_steps, warm_seconds):
    warmup_start = time.perf_counter() - warm_seconds
    warmup = warm_steps
    while warmup < rule["warmupSteps"] and (warmup == 0 or time.perf_counter() - warmup_start < rule["warmupBudgetSeconds"]):
        step()
        warmup += 1
    times = []
    work = 0.0
    while not times or ((len(times) < rule["timedSteps"] or work < rule["minTimedSeconds"]) and work < rule["timedBudgetSeconds"]):
        start = time.perf_counter()
        step()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        work += elapsed
    return {"seconds": statistics.median(times), "warmupSteps": warmup, "timedSteps": len(times), "timedSeconds": work}


def build(layers):
    modules = []
    for layer in layers:
        kind = layer["type"]
        if kind == "conv":
            modules.append(nn.Conv2d(layer["inShape"][0], layer["out"], layer["kernel"], padding=layer["padding"]))
        elif kind == "relu":
            modules.append(nn.ReLU())
        elif kind == "maxpool":
            modules.append(nn.MaxPool2d(layer["kernel"]))
        elif kind == "flatten":
            modules.append(nn.Flatten())
        elif kind == "linear":
            modules.append(nn.Linear(layer["inShape"][0], layer["out"]))
    return nn.Sequential(*modules)


def char_lstm(task):
    """W7: Embedding -> LSTM (batch_first, zero state) -> Linear on every step -> cross-entropy."""
    embedding = nn.Embedding(task["vocab"], task["embed"])
    lstm = nn.LSTM(task["embed"], task["hidden"], batch_first=True)
    head = nn.Linear(task["hidden"], task["vocab"])
    shape = (task["batch"], task["steps"])
    x = torch.tensor(task["tokens"]).view(shape)
    y = torch.tensor(task["targets"])
    optimizer = torch.optim.Adam([*embedding.parameters(), *lstm.parameters(), *head.parameters()], lr=1e-3)

    def train():
        optimizer.zero_grad()
        output, _ = lstm(embedding(x))
        loss = F.cross_entropy(head(output).reshape(-1, task["vocab"]), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return train


def char_transformer(task):
    """W6: the same model, batch and optimizer as bench/systems/simdgrad-workloads.mjs."""
    spec = task["model"]
    vocab, sequence, d_model = spec["vocab"], spec["sequence"], spec["dModel"]
    layer = nn.TransformerEncoderLayer(d_model, spec["heads"], dim_feedforward=spec["feedforward"], dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
    model = nn.ModuleDict({
        "tokens": nn.Embedding(vocab, d_model),
        "positions": nn.Embedding(sequence, d_model),
        "encoder": nn.TransformerEncoder(layer, spec["layers"], enable_nested_tensor=False),
        "norm": nn.LayerNorm(d_model),
        "head": nn.Linear(d_model, vocab),
    })
    x = torch.tensor(task["inputs"]).reshape(task["batch"], sequence)
    y = torch.tensor(task["targets"])
    positions = torch.arange(sequence)
    causal = nn.Transformer.generate_square_subsequent_mask(sequence)
    optimizer = torch.optim.AdamW(model.parameters(), lr=spec["lr"], weight_decay=spec["weightDecay"])

    def train():
        optimizer.zero_grad()
        h = model["encoder"](model["tokens"](x) + model["positions"](positions), mask=causal)
        loss = F.cross_entropy(model["head"](model["norm"](h)).reshape(-1, vocab), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return train


def prepare(task):
    if task["workload"] == "W6":
        return char_transformer(task)
    if task["workload"] == "W7":
        return char_lstm(task)
    if task["workload"] == "W1":
        a = torch.randn(task["n"], task["n"])
        b = torch.randn(task["n"], task["n"])
        return lambda: torch.mm(a, b)
    model = build(task["layers"])
    x = torch.randn(task["batch"], *task["inputShape"])
    if task["workload"] == "W5":
        model.eval()

        def infer():
            with torch.no_grad():
                return model(x).numpy().sum()

        return infer
    y = torch.randint(0, 10, (task["batch"],))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return train


current = {}


def handle(request):
    if request["kind"] == "firstStep":
        current.clear()
        step = prepare(request["task"])
        start = time.perf_counter()
        step()
        current.update(step=step, seconds=time.perf_counter() - start)
        return {"seconds": current["seconds"]}
    if request["kind"] == "setup":
        blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        return {"label": "pytorch", "notes": f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), NCHW, float32, BLAS {blas.group(1) if blas else 'unknown'}"}
    if request["kind"] == "measure":
        return measure(current.pop("step"), request["rule"], 1, current.pop("seconds"))
    raise ValueError(f"pytorch has no '{request['kind']}'")


for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = {"id": request["id"], "result": handle(request)}
    except Exception as error:  # reported in the table instead of a number
        answer = {"id": request["id"], "error": f"{type(error).__name__}: {error}".splitlines()[0]}
    print(json.dumps(answer), flush=True)
