#!/usr/bin/env python3
"""The real QInfer's side of bench/qinfer.ts: times workloads on request, one JSON line each.

usage (bench/qinfer.ts starts it; by hand for a check):
    QINFER_SRC=/path/to/python-qinfer /usr/bin/python3 scripts/qinfer/bench_server.py
    then write one JSON request per line on stdin, read one JSON reply per line on stdout:

    {"op": "seed", "trials": 20, "particles": 6000, "exp": 200}
        perf_test_multiple(trials, SimplePrecessionModel(), particles, UniformDistribution([0, 1]),
                           exp, ExpSparseHeuristic)           -> {"seconds", "cpu", "resamples"}
    {"op": "run", "particles": 100000, "exp": 200, "seed": 1}
        one SMCUpdater(SimplePrecessionModel(), particles, UniformDistribution([0, 1])) fed exp
        data at t_k = (9/8)^k (ExpSparseHeuristic) simulated from omega = 0.42; only the
        updater.update calls are timed                        -> {"seconds", "cpu", "resamples"}

"seconds" is wall time, "cpu" this process's CPU time (time.process_time) over the same span.

The first line written is {"ready": true, "qinfer": ..., "numpy": ...}. Warnings are silenced
(printing them would be timed too). For benchmarks unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
in this process's environment (bench/qinfer.ts does).
"""
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qinfer_import import qi, np  # noqa: E402

warnings.simplefilter("ignore")


def seed_workload(trials, particles, n_exp):
    t0, c0 = time.perf_counter(), time.process_time()
    perf = qi.perf_test_multiple(
        trials, qi.SimplePrecessionModel(), particles, qi.UniformDistribution([0, 1]), n_exp, qi.ExpSparseHeuristic
    )
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu": cpu, "resamples": float(np.mean(perf["resample_count"][:, -1]))}


def run_workload(particles, n_exp, seed):
    np.random.seed(seed)
    model = qi.SimplePrecessionModel()
    updater = qi.SMCUpdater(model, particles, qi.UniformDistribution([0, 1]))
    heuristic = qi.ExpSparseHeuristic(updater)
    true_mps = np.array([[0.42]])
    seconds = cpu = 0.0
    for _ in range(n_exp):
        eps = heuristic()
        datum = model.simulate_experiment(true_mps, eps)
        t0, c0 = time.perf_counter(), time.process_time()
        updater.update(datum, eps)
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
    return {"seconds": seconds, "cpu": cpu, "resamples": int(updater.resample_count)}


def main():
    print(json.dumps({"ready": True, "qinfer": getattr(qi, "__version__", "1.0"), "numpy": np.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            if req["op"] == "seed":
                rep = seed_workload(int(req["trials"]), int(req["particles"]), int(req["exp"]))
            elif req["op"] == "run":
                rep = run_workload(int(req["particles"]), int(req["exp"]), int(req.get("seed", 1)))
            else:
                rep = {"error": f"unknown op {req['op']!r}"}
        except Exception as e:  # reported to the bench, which prints it
            rep = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(rep), flush=True)


if __name__ == "__main__":
    main()
