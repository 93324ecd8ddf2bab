"""Native peer of the project's experiment in PyTorch: `npm run bench`'s CPU yardstick, and a
batched run of the paper figure on CUDA.

The protocol is docs/protocol.md: MLP 784-256-256-13 (m = 3 aux logits), weights ~ N(0,
1/fan_in), biases 0, Adam lr 3e-4, batch 1024; a teacher trained on digit cross-entropy (logits
0-9) over the 60,000 MNIST training images scaled to [-1, 1]; students distilled with KL(teacher ‖
student), batchmean, T = 1, on 60,000 uniform-noise images. A condition names the distilled
logits (aux: the m extra ones; all: all 13) and the student's initialisation (shared: the
teacher's; different: a fresh one, the same for both "different" conditions of a seed). As in the
project's engine, the teacher's logits on the noise set are computed once and shared by its
students.

Two modes:
- default: one seed, unstacked parameters; the conditions `npm run bench` times (aux-shared,
  aux-different). The generator is on the CPU, so a seed gives the same run on any device.
- --batched: --seeds N seeds trained side by side as stacked parameters ([N, in, out] weights,
  batched matmuls), as the authors' script trains its 100 models at once; by default all four
  conditions (the paper figure). Every seed has its own initialisations, teacher data order, noise
  set and student orders, drawn from one generator on the device (so a model's numbers depend on
  N, and a CPU run differs from a CUDA one). The loss is the sum over models of each model's
  batch-mean loss, so each model's gradient is that of its own loss; Adam is elementwise, so one
  Adam over the stacked tensors is N independent Adams. Memory: 188 MB of noise per seed.

On CUDA the arithmetic is float32 with TF32 off (torch.backends.cuda.matmul.allow_tf32 = False),
as on the CPU and in the project's kernels, so the comparison is like for like; each phase's clock
is read after torch.cuda.synchronize().

BLAS: Debian's OpenBLAS (0.3.21) sometimes mis-detects a CPU (an AVX-512 Xeon taken for a
"Prescott" runs the first layer's product 3x slower), and some builds compute wrong results on
some CPUs. So on the CPU, unless OPENBLAS_CORETYPE is set, the script times the float32 product
[1024x784]·[784x256] under OpenBLAS's own choice (in process) and under each core type the CPU's
flags allow (one short child process each, since OpenBLAS reads OPENBLAS_CORETYPE only when it
loads), checks each against float64, and re-executes itself with the fastest correct one (keeping
OpenBLAS's own choice unless another is at least 5% faster: closer is timing noise). It also sets
OpenBLAS's thread count to --threads, which torch.set_num_threads does not. With OPENBLAS_CORETYPE
set, or a torch not using OpenBLAS (MKL, CUDA), nothing is chosen, but the float64 check still
runs (on the device), and the script refuses to train on a BLAS that fails it.

Usage:
  python3 bench/peer_torch.py MNIST_DATA_DIR [--threads 2] [--seed 1] [--epochs 5]
      [--conditions aux-shared,aux-different,all-shared,all-different]
      [--batched [--seeds 25]] [--device cpu|cuda]
  --epochs overrides both the teacher's and the students' 5 epochs (for quick tests).
Needs Debian's python3-torch and OpenBLAS: apt-get install -y python3-torch libopenblas0-pthread
(without OpenBLAS, Debian's torch uses the reference BLAS and runs ~6x slower).

Prints progress on stderr and, as the last stdout line, one JSON object:
  threads, torch, device, batched, seed, seeds, epochs, conditions
  teacher_accuracy, <condition>_accuracy: mean test accuracy over the seeds
  accuracy: {teacher | condition: {n, mean, sd, ci95, values}}, ci95 being the half-width of the
      95% interval with Student's t, t(0.975, n−1)·sd/√n, as the project reports it (the authors
      used 1.96·sd/√n, the normal approximation); null for one seed
  seconds: {load, teacher, targets, <condition>...}: wall seconds of each phase (targets: the
      teacher's logits on the noise sets)
  total_seconds: wall time from the script's first line (torch import and BLAS checks included)
  cuda_init_seconds: the first CUDA operation, i.e. context creation (--device cuda only)
  openblas_coretype: the OPENBLAS_CORETYPE used, "auto" for OpenBLAS's own choice, "n/a" without
      OpenBLAS; openblas_corename: the kernels OpenBLAS runs (null without OpenBLAS);
      openblas_threads
  matmul_gflops, blas_max_rel_error: the product's rate and the largest max|C32-C64|/max|C64| of
      the three products of that shape a step makes (forward, weight and input gradients), both
      measured in this process on the device used
  coretype_candidates: {auto | core type: {gflops, error, corename} or {failed}} for each one tried
  blas_setup_seconds: time spent choosing and checking the BLAS
"""
import argparse
import ctypes
import json
import math
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import time

STARTED = time.time()  # before torch's import, which total_seconds counts

import torch
import torch.nn.functional as F

CONDITIONS = {  # condition: (student initialisation, distilled logits)
    "aux-shared": ("shared", slice(10, None)),
    "aux-different": ("different", slice(10, None)),
    "all-shared": ("shared", slice(None)),
    "all-different": ("different", slice(None)),
}
MAX_REL_ERROR = 1e-5  # float32 sums of 784-1024 products land near 1e-6; a wrong kernel is far off
# Carries the core-type choice (candidates, start times) across the re-exec; private to this script.
CHOICE_ENV = "PEER_TORCH_BLAS_CHOICE"


def log(message):
    print(f"peer_torch: {message}", file=sys.stderr, flush=True)


def clock(device):
    """Wall time, once the device's queued work is done."""
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


# --- BLAS: choice and check -------------------------------------------------------------------


def openblas_library():
    """ctypes handle of the OpenBLAS torch loaded, or None when its BLAS is another (MKL, reference)."""
    try:
        with open("/proc/self/maps") as f:
            paths = re.findall(r"\s(/\S*/libopenblas[^/\s]*\.so[^/\s]*)$", f.read(), re.M)
    except OSError:
        return None
    if not paths:
        return None
    lib = ctypes.CDLL(paths[0])  # already loaded: the same library, not a second copy
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib


def blas_check(device, threads):
    """Rate of the float32 product [1024x784]·[784x256] (the first layer at batch 1024, most of a
    step's work) and the largest relative error, against float64, of the three products of that
    shape a step makes; OpenBLAS, if torch uses it, set to `threads` threads."""
    lib = openblas_library() if device == "cpu" else None
    if lib:
        lib.openblas_set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(1024, 784, generator=g) * 2 - 1).to(device)
    w = (torch.randn(784, 256, generator=g) / 28).to(device)
    grad = torch.randn(1024, 256, generator=g).to(device)
    errors = []
    for a, b in ((x, w), (x.T, grad), (grad, w.T)):
        exact = a.double() @ b.double()
        errors.append(((a @ b).double() - exact).abs().max() / exact.abs().max())
    error = torch.stack(errors).max().item()  # NaN if any is: a NaN product fails the check

    # Warm up for 0.2 s (threads, clocks, caches), then the median of 10 samples of ~10 ms each.
    count, start = 0, clock(device)
    while clock(device) - start < 0.2:
        x @ w
        count += 1
    reps = max(1, count // 20)
    samples = []
    for _ in range(10):
        start = clock(device)
        for _ in range(reps):
            x @ w
        samples.append((clock(device) - start) / reps)
    return {
        "gflops": 2 * 1024 * 784 * 256 / statistics.median(samples) / 1e9,
        "error": error if math.isfinite(error) else None,  # None: JSON has no NaN
        "corename": lib.openblas_get_corename().decode() if lib else None,
        "threads": lib.openblas_get_num_threads() if lib else None,
    }


def is_correct(check):
    return check.get("error") is not None and check["error"] <= MAX_REL_ERROR


def coretype_candidates():
    """OpenBLAS core types worth timing on this CPU: the newest each of its instruction sets
    allows, and the older ones it also runs (a newer kernel is not always faster)."""
    try:
        with open("/proc/cpuinfo") as f:
            cpuinfo = f.read()
    except OSError:
        return []
    found = re.search(r"^flags\s*:(.*)$", cpuinfo, re.M)  # x86 only; elsewhere OpenBLAS's choice stands
    flags = set(found.group(1).split()) if found else set()
    names = []
    if "avx512f" in flags:
        if {"amx_tile", "avx512_fp16"} & flags:
            names.append("SapphireRapids")
        if "avx512_bf16" in flags:
            names.append("Cooperlake")
        names.append("SkylakeX")
    if "avx2" in flags:
        names.append("Haswell")
        if re.search(r"^vendor_id\s*:\s*(AuthenticAMD|HygonGenuine)", cpuinfo, re.M):
            names.append("Zen")
    elif "avx" in flags:
        names.append("Sandybridge")
    return names


def probe_child(coretype, threads):
    """blas_check on the CPU in a child process running OpenBLAS with OPENBLAS_CORETYPE=coretype."""
    command = [sys.executable, os.path.abspath(__file__), "--blas-probe", "--threads", str(threads)]
    env = {**os.environ, "OPENBLAS_CORETYPE": coretype}
    try:
        child = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {"failed": "timed out"}
    if child.returncode != 0:  # a kernel the CPU cannot run dies of SIGILL
        code = child.returncode
        why = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        return {"failed": f"{why}: {child.stderr.strip()[-300:]}"}
    return json.loads(child.stdout.strip().splitlines()[-1])


def describe(name, check):
    if "failed" in check:
        return f"{name}: failed ({check['failed']})"
    corename = check["corename"]
    core = f" ({corename})" if corename and corename.lower() not in name.lower() else ""
    error = "not finite" if check["error"] is None else f"{check['error']:.1e}"
    return f"{name}{core}: {check['gflops']:.1f} GFLOP/s, max relative error {error}"


def choose_coretype(threads, choice_started):
    """On the CPU with OPENBLAS_CORETYPE unset: times OpenBLAS's own choice here and the other
    candidates in children; re-executes with the winner, or returns (check, candidates) to go on
    with OpenBLAS's own choice (or a BLAS that is not OpenBLAS: then candidates is empty)."""
    own = blas_check("cpu", threads)
    if own["corename"] is None:
        log(describe("the BLAS (not OpenBLAS)", own))
        return own, {}
    candidates = {"auto": own}
    log(describe("auto", own))
    for name in coretype_candidates():
        if name.lower() == own["corename"].lower():
            continue  # what OpenBLAS chose itself: just timed
        candidates[name] = probe_child(name, threads)
        log(describe(name, candidates[name]))
    correct = {name: c for name, c in candidates.items() if is_correct(c)}
    if not correct:
        sys.exit(f"peer_torch: refusing to run: no OpenBLAS core type computes the product correctly "
                 f"(max relative error > {MAX_REL_ERROR:g}): {json.dumps(candidates)}")
    best = max(correct, key=lambda name: correct[name]["gflops"])
    if "auto" in correct and correct[best]["gflops"] < 1.05 * correct["auto"]["gflops"]:
        best = "auto"
    if best == "auto":
        log(f"using OpenBLAS's own choice ({own['corename']})")
        return own, candidates
    log(f"re-executing with OPENBLAS_CORETYPE={best}")
    choice = {"candidates": candidates, "started": STARTED, "choice_started": choice_started}
    env = {**os.environ, "OPENBLAS_CORETYPE": best, CHOICE_ENV: json.dumps(choice)}
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)


def blas_setup(device, threads):
    """The BLAS keys of the result, once the core type is chosen (see the docstring) and checked;
    exits rather than train on a BLAS that computes wrong products. Returns (keys, script start)."""
    inherited = json.loads(os.environ.pop(CHOICE_ENV, "{}"))  # set by our own re-exec, if any
    started = inherited.get("started", STARTED)
    choice_started = inherited.get("choice_started", time.time())
    candidates = inherited.get("candidates", {})
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if device == "cpu" and coretype is None:
        check, candidates = choose_coretype(threads, choice_started)
    else:
        check = blas_check(device, threads)
        label = "cuda float32 matmul (TF32 off)" if device == "cuda" else f"OPENBLAS_CORETYPE={coretype}"
        log(describe(label, check))
    if not is_correct(check):
        sys.exit(f"peer_torch: refusing to run: the float32 products on {device} are wrong "
                 f"(max relative error {check['error']} > {MAX_REL_ERROR:g} against float64; "
                 f"OPENBLAS_CORETYPE={coretype}, OpenBLAS core {check['corename']})")
    keys = {
        "openblas_coretype": "n/a" if check["corename"] is None else coretype or "auto",
        "openblas_corename": check["corename"],
        "openblas_threads": check["threads"],
        "matmul_gflops": check["gflops"],
        "blas_max_rel_error": check["error"],
        "coretype_candidates": candidates,
        "blas_setup_seconds": time.time() - choice_started,
    }
    return keys, started


# --- the experiment ---------------------------------------------------------------------------


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not an unsigned-byte IDX file"
    shape = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim :]), dtype=torch.uint8).reshape(shape)


def init_mlp(generator, models, device, m=3, hidden=256):
    """Weights ~ N(0, 1/fan_in), biases 0: one model (models None) or a stack of `models`, whose
    biases are [N, 1, out] to broadcast over each model's batch."""
    lead = () if models is None else (models,)
    params = []
    for fan_in, fan_out in ((784, hidden), (hidden, hidden), (hidden, 10 + m)):
        w = torch.randn(*lead, fan_in, fan_out, generator=generator, device=generator.device) / fan_in**0.5
        params += [w.to(device), torch.zeros(*lead, *((1,) if lead else ()), fan_out, device=device)]
    return params


def forward(params, x):
    """Logits: x [batch, 784], or [N, batch, 784] (or [batch, 784] shared) with stacked params."""
    w1, b1, w2, b2, w3, b3 = params
    h = F.relu(x @ w1 + b1)
    h = F.relu(h @ w2 + b2)
    return h @ w3 + b3


def train(params, batch_loss, epoch_order, epochs, n, batch=1024, lr=3e-4):
    """Adam over `epochs` passes of `n` examples; epoch_order() gives each pass's order ([n], or
    [N, n]: one per model), batch_loss(indices) a batch's loss."""
    optimizer = torch.optim.Adam(params, lr=lr)
    for _ in range(epochs):
        order = epoch_order()
        for start in range(0, n, batch):
            loss = batch_loss(order[..., start : start + batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()


def accuracy(params, x, y):
    """Test accuracy: a float for one model, a list of N for a stack."""
    with torch.no_grad():
        return (forward(params, x)[..., :10].argmax(-1) == y).float().mean(-1).tolist()


def t_quantile_975(df):
    """t(0.975, df) for an integer df: the t CDF in closed form (Abramowitz & Stegun 26.7.3-4), inverted by bisection."""

    def central(t):  # P(|T| <= t)
        theta = math.atan(t / math.sqrt(df))
        cos2, term, total = math.cos(theta) ** 2, 1.0, 1.0
        for k in range(2 if df % 2 == 0 else 3, df, 2):
            term *= cos2 * (k - 1) / k
            total += term
        if df % 2 == 0:
            return math.sin(theta) * total
        return 2 / math.pi * (theta + (math.sin(theta) * math.cos(theta) * total if df > 1 else 0))

    lo, hi = 0.0, 1.0
    while central(hi) < 0.95:
        lo, hi = hi, 2 * hi
    while lo < (mid := (lo + hi) / 2) < hi:
        lo, hi = (mid, hi) if central(mid) < 0.95 else (lo, mid)
    return mid


def summarize(values):
    n, mean = len(values), statistics.fmean(values)
    sd = statistics.stdev(values) if n > 1 else None
    ci95 = None if sd is None else t_quantile_975(n - 1) * sd / n**0.5
    return {"n": n, "mean": mean, "sd": sd, "ci95": ci95, "values": values}


def run_experiment(args, device):
    """Trains the teacher and the students; returns (accuracies per phase, seconds per phase)."""
    models = args.seeds if args.batched else None
    # One seed draws on the CPU, as the peer always has; a stack draws where it trains.
    g = torch.Generator(device=device if args.batched else "cpu").manual_seed(args.seed)
    seconds = {}
    started = clock(device)
    load = lambda name: read_idx(os.path.join(args.data_dir, name)).to(device)
    train_x = load("train-images-idx3-ubyte").reshape(-1, 784).float() / 255 * 2 - 1
    train_y = load("train-labels-idx1-ubyte").long()
    test_x = load("t10k-images-idx3-ubyte").reshape(-1, 784).float() / 255 * 2 - 1
    test_y = load("t10k-labels-idx1-ubyte").long()
    n = train_x.shape[0]
    noise_shape = (n, 784) if models is None else (models, n, 784)
    noise = (torch.rand(noise_shape, generator=g, device=g.device) * 2 - 1).to(device)
    reference = init_mlp(g, models, device)
    different = init_mlp(g, models, device)
    seconds["load"] = clock(device) - started

    def epoch_order():
        if models is None:
            return torch.randperm(n, generator=g).to(device)
        return torch.argsort(torch.rand(models, n, generator=g, device=device), dim=1)

    def own_rows(data, idx):
        """Each model's rows of its own data ([n, ...], or [N, n, ...] for a stack)."""
        return data[idx] if models is None else data[torch.arange(models, device=device)[:, None], idx]

    copy = lambda params: [p.clone().requires_grad_() for p in params]
    teacher = copy(reference)

    # Each loss is the sum over models of the model's batch-mean loss: each model gets its own gradient.
    def teacher_loss(idx):
        logits = forward(teacher, train_x[idx])
        labels = train_y[idx]
        return F.cross_entropy(logits[..., :10].reshape(-1, 10), labels.reshape(-1), reduction="sum") / idx.shape[-1]

    started = clock(device)
    train(teacher, teacher_loss, epoch_order, args.epochs, n)
    seconds["teacher"] = clock(device) - started
    log(f"teacher: {seconds['teacher']:.1f} s")
    results = {"teacher": accuracy(teacher, test_x, test_y)}

    started = clock(device)
    with torch.no_grad():
        batches = [forward(teacher, noise[..., i : i + 1024, :]) for i in range(0, n, 1024)]
        teacher_logits = torch.cat(batches, dim=-2)
    seconds["targets"] = clock(device) - started

    for condition in args.conditions:
        init, head = CONDITIONS[condition]
        targets = F.log_softmax(teacher_logits[..., head], dim=-1)
        student = copy(reference if init == "shared" else different)

        def student_loss(idx):
            log_probs = F.log_softmax(forward(student, own_rows(noise, idx))[..., head], dim=-1)
            return F.kl_div(log_probs, own_rows(targets, idx), reduction="sum", log_target=True) / idx.shape[-1]

        started = clock(device)
        train(student, student_loss, epoch_order, args.epochs, n)
        seconds[condition] = clock(device) - started
        results[condition] = accuracy(student, test_x, test_y)
        log(f"{condition}: {seconds[condition]:.1f} s")
    return results, seconds


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", help="directory of the four MNIST IDX files")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--batched", action="store_true", help="train --seeds seeds side by side, stacked")
    parser.add_argument("--seeds", type=int, help="seeds in a --batched run (default 25)")
    parser.add_argument("--conditions", help=f"comma list of {', '.join(CONDITIONS)} "
                        "(default: aux-shared,aux-different; --batched: all four)")
    parser.add_argument("--epochs", type=int, default=5, help="teacher and student epochs")
    parser.add_argument("--blas-probe", action="store_true", help=argparse.SUPPRESS)  # a choose_coretype child
    args = parser.parse_args()
    if args.blas_probe:
        return args
    if args.data_dir is None:
        parser.error("the MNIST data directory is required")
    if args.seeds is None:
        args.seeds = 25 if args.batched else 1
    elif not args.batched:
        parser.error("--seeds needs --batched")
    if args.seeds < 1 or args.epochs < 1:
        parser.error("--seeds and --epochs must be at least 1")
    default = list(CONDITIONS) if args.batched else ["aux-shared", "aux-different"]
    args.conditions = args.conditions.split(",") if args.conditions else default
    unknown = [c for c in args.conditions if c not in CONDITIONS]
    if unknown:
        parser.error(f"unknown conditions {unknown}; known: {', '.join(CONDITIONS)}")
    return args


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    if args.blas_probe:
        print(json.dumps(blas_check("cpu", args.threads)))
        return

    cuda_init = None
    if args.device == "cuda":
        if not torch.cuda.is_available():
            sys.exit(f"peer_torch: --device cuda, but this torch ({torch.__version__}) sees no CUDA device")
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 as on the CPU, not TF32's 10-bit mantissas
        started = time.perf_counter()
        torch.zeros((), device="cuda")
        cuda_init = clock("cuda") - started
    blas, script_started = blas_setup(args.device, args.threads)

    results, seconds = run_experiment(args, args.device)
    summaries = {name: summarize(values if args.batched else [values]) for name, values in results.items()}
    for name, s in summaries.items():
        log(f"{name}: accuracy {s['mean']:.4f}" + ("" if s["ci95"] is None else f" ± {s['ci95']:.4f}"))
    result = {
        "threads": args.threads,
        "torch": torch.__version__,
        **{f"{name}_accuracy": s["mean"] for name, s in summaries.items()},
        "seconds": seconds,
        "device": args.device,
        "batched": args.batched,
        "seed": args.seed,
        "seeds": args.seeds,
        "epochs": args.epochs,
        "conditions": args.conditions,
        "accuracy": summaries,
        **({} if cuda_init is None else {"cuda_init_seconds": cuda_init}),
        **blas,
        "total_seconds": time.time() - script_started,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
