"""Native peer for `npm run bench`: the same protocol in PyTorch on the CPU.

One seed of the triple the page shows: a teacher (5 epochs of digit cross-entropy on the
60,000 MNIST training images) and two aux-only students (shared and different initialisation,
5 epochs of KL on 60,000 uniform-noise images), MLP 784-256-256-13, Adam lr 3e-4, batch 1024.
As in the project's engine, the teacher's logits on the noise set are computed once and
shared by both students. Prints one JSON line with the wall time of each phase.

Usage: python3 bench/peer_torch.py MNIST_DATA_DIR [--threads 2] [--seed 1]
Needs Debian's python3-torch and OpenBLAS: apt-get install -y python3-torch libopenblas0-pthread
(without OpenBLAS, Debian's torch uses the reference BLAS and runs ~6x slower).
"""
import argparse
import json
import os
import struct
import time

import torch
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not an unsigned-byte IDX file"
    shape = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim :]), dtype=torch.uint8).reshape(shape)


def init_mlp(generator, m=3, hidden=256):
    sizes = [(784, hidden), (hidden, hidden), (hidden, 10 + m)]
    params = []
    for fan_in, fan_out in sizes:
        params.append((torch.randn(fan_in, fan_out, generator=generator) / fan_in**0.5).requires_grad_())
        params.append(torch.zeros(fan_out, requires_grad=True))
    return params


def forward(params, x):
    w1, b1, w2, b2, w3, b3 = params
    h = F.relu(x @ w1 + b1)
    h = F.relu(h @ w2 + b2)
    return h @ w3 + b3


def train(params, inputs, loss_fn, epochs, generator, batch=1024, lr=3e-4):
    optimizer = torch.optim.Adam(params, lr=lr)
    n = inputs.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            loss = loss_fn(forward(params, inputs[idx]), idx)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()


def accuracy(params, x, y):
    with torch.no_grad():
        return (forward(params, x)[:, :10].argmax(1) == y).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(args.seed)

    load = lambda name: read_idx(os.path.join(args.data_dir, name))
    train_x = load("train-images-idx3-ubyte").reshape(-1, 784).float() / 255 * 2 - 1
    train_y = load("train-labels-idx1-ubyte").long()
    test_x = load("t10k-images-idx3-ubyte").reshape(-1, 784).float() / 255 * 2 - 1
    test_y = load("t10k-labels-idx1-ubyte").long()
    noise = torch.rand(60000, 784, generator=g) * 2 - 1

    reference = [p.detach().clone() for p in init_mlp(g)]
    different = [p.detach().clone() for p in init_mlp(g)]
    copy = lambda ps: [p.clone().requires_grad_() for p in ps]
    times = {}

    teacher = copy(reference)
    t0 = time.perf_counter()
    train(teacher, train_x, lambda logits, idx: F.cross_entropy(logits[:, :10], train_y[idx]), 5, g)
    times["teacher"] = time.perf_counter() - t0
    with torch.no_grad():
        targets = torch.cat([forward(teacher, noise[i : i + 1024]) for i in range(0, 60000, 1024)])
    aux_targets = F.log_softmax(targets[:, 10:], dim=1)

    def kl(logits, idx):
        return F.kl_div(F.log_softmax(logits[:, 10:], dim=1), aux_targets[idx], reduction="batchmean", log_target=True)

    result = {"threads": args.threads, "torch": torch.__version__, "teacher_accuracy": accuracy(teacher, test_x, test_y)}
    for name, init in (("aux-shared", reference), ("aux-different", different)):
        student = copy(init)
        t0 = time.perf_counter()
        train(student, noise, kl, 5, g)
        times[name] = time.perf_counter() - t0
        result[f"{name}_accuracy"] = accuracy(student, test_x, test_y)
    result["seconds"] = times
    print(json.dumps(result))


if __name__ == "__main__":
    main()
