#!/usr/bin/env python3
"""QInfer's SMC update for SimplePrecessionModel, transcribed in NumPy, timed like bench/update.ts.

QInfer itself cannot be installed here (no PyPI), so this script re-states the same arithmetic
QInfer 1.0 (commit 8170c84) performs per datum, with NumPy, and without QInfer's Python-level
overheads (record-array experiments, warnings machinery, logging) — a lean, conservative stand-in
for "QInfer's NumPy implementation" to compare side by side on the same machine:

  likelihood   pr0 = cos(w * t / 2) ** 2; L = [pr0 or 1 - pr0]          (SimpleInversionModel, w_ = 0)
  update       hyp = w * L; N = hyp.sum(); w = hyp / N; checks; update_timestep copy; n_ess
  resample     Liu-West: mean, einsum covariance, sqrtm_psd (eigh), searchsorted of n uniforms
               in cumsum(w), a * x_j + (1 - a) * mu + h * S @ randn, postselection (w > 0)

usage: python3 bench/qinfer_numpy.py [sizes...]     (default 1e3 1e4 1e5 1e6; 200 experiments)
       python3 bench/qinfer_numpy.py perf           (perf_test_multiple: 100 trials, as bench/perf.ts)
"""
import sys
import time

import numpy as np


def likelihood(outcome, x, t):
    pr0 = np.cos(x[:, 0] * t / 2) ** 2  # (nM,)
    return pr0 if outcome == 0 else 1 - pr0


def sqrtm_psd(c):
    w, v = np.linalg.eigh(c)
    w[w < 0] = 0
    s = v @ np.diag(np.sqrt(w)) @ v.T
    return s


def liu_west(x, w, rng, a=0.98):
    h = np.sqrt(1 - a * a)
    n, d = x.shape
    mu = np.einsum("i,ij->j", w, x)
    cov = np.einsum("i,mi,ni", w, x.T, x.T) - np.outer(mu, mu)
    if np.linalg.norm(cov, "fro") == 0:
        cov = 1e-10 * np.eye(d)
    S = h * sqrtm_psd(cov)
    cw = np.cumsum(w)
    js = np.minimum(cw.searchsorted(rng.random(n), side="right"), n - 1)
    mus = a * x[js, :] + (1 - a) * mu
    new = mus + (S @ rng.standard_normal((d, n))).T
    invalid = ~(new[:, 0] > 0)
    it = 0
    while invalid.any() and it < 1000:  # QInfer's postselection (quirk aside)
        k = int(invalid.sum())
        new[invalid, :] = mus[invalid, :] + (S @ rng.standard_normal((d, k))).T
        invalid = ~(new[:, 0] > 0)
        it += 1
    return new, np.full(n, 1.0 / n)


def run(n, n_exp=200, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 1))
    w = np.full(n, 1.0 / n)
    true_w = 0.42
    plain, resampled = [], []
    for k in range(n_exp):
        t = (9 / 8) ** k
        outcome = 0 if rng.random() < np.cos(true_w * t / 2) ** 2 else 1
        t0 = time.perf_counter()
        L = likelihood(outcome, x, t)
        hyp = w * L
        N = hyp.sum()
        w = hyp / (N if abs(N) >= np.spacing(1) else 1.0)
        if np.any(w < 0):
            w = np.clip(w, 0, 1)
        if np.sum(w) <= 10 * np.spacing(1):
            raise RuntimeError("All particle weights are zero.")
        x = np.tile(x, (1, 1, 1)).transpose((1, 2, 0))[:, :, 0]  # default update_timestep
        n_ess = 1 / np.sum(w ** 2)
        did = False
        if n_ess < n * 0.5:
            x, w = liu_west(x, w, rng)
            did = True
        (resampled if did else plain).append((time.perf_counter() - t0) * 1e3)
    total = sum(plain) + sum(resampled)
    return float(np.median(plain)), (float(np.median(resampled)) if resampled else float("nan")), len(resampled), total


def perf_trials(n_trials=100, n=1000, n_exp=100, seed=2):
    """perf_test_multiple's serial loop, transcribed: per trial a prior draw, ExpSparse times, a
    simulated datum, the update above, est_mean and the loss, recorded per experiment."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for _ in range(n_trials):
        true_w = rng.random()
        x = rng.random((n, 1))
        w = np.full(n, 1.0 / n)
        rec = np.zeros(n_exp, dtype=[("loss", float), ("resample_count", int), ("elapsed_time", float), ("outcome", int), ("true", float), ("est", float), ("experiment", float)])
        resamples = 0
        for k in range(n_exp):
            t = (9 / 8) ** k
            outcome = 0 if rng.random() < np.cos(true_w * t / 2) ** 2 else 1
            L = likelihood(outcome, x, t)
            hyp = w * L
            w = hyp / hyp.sum()
            x = np.tile(x, (1, 1, 1)).transpose((1, 2, 0))[:, :, 0]
            if 1 / np.sum(w ** 2) < n * 0.5:
                x, w = liu_west(x, w, rng)
                resamples += 1
            est = np.einsum("i,ij->j", w, x)
            rec[k] = ((est[0] - true_w) ** 2, resamples, 0.0, outcome, true_w, est[0], t)
    return n_trials / (time.perf_counter() - t0)


def main():
    if sys.argv[1:2] == ["perf"]:
        print(f"perf_test_multiple transcribed in NumPy {np.__version__}: 100 trials x 1000 particles x 100 ExpSparse experiments, serial")
        print(f"  {perf_trials():.1f} trials/s")
        return
    sizes = [int(float(s)) for s in sys.argv[1:]] or [1000, 10000, 100000, 1000000]
    print(f"QInfer's update transcribed in NumPy {np.__version__}, SimplePrecessionModel, 200 ExpSparse experiments")
    print(f"{'particles':>9}  {'update (median)':>15}  {'update with resample':>22}  {'whole run (200 updates)':>24}")
    for n in sizes:
        p, r, c, total = run(n)
        print(f"{n:>9.0e}  {p:>12.3f} ms  {r:>14.3f} ms ({c}x)  {total:>21.1f} ms")


if __name__ == "__main__":
    main()
