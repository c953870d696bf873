"""Reference vectors from the real QInfer 1.0 (commit 8170c84) for issue 11: RB, simple_est,
derived models, the Bayesian Cramer-Rao bound, distributions, credible regions and the
Liu-West failure cases of QInfer issues #108 / #151 / #83 / #155.

usage (from the repository root):
    QINFER_SRC=/work/qinfer-src /usr/bin/python3 scripts/qinfer/gen_parity_fixtures.py [section ...]

Writes test/fixtures/qinfer/parity_<section>.json (all sections when none are named). Needs
Debian's python3 with python3-numpy, python3-scipy and python3-future. Every file records the
QInfer calls that produced it, whether its values are deterministic, and a tolerance hint.
Where QInfer itself is wrong, the file says so in "notes" and holds the exact values next to
QInfer's, so that tests can pin the exact ones.
"""
import json
import math
import os
import platform
import subprocess
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qinfer_import import qi, np  # noqa: E402
import scipy  # noqa: E402
import scipy.stats as st  # noqa: E402

warnings.simplefilter("ignore")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "qinfer")
TOL = "exact IEEE results from numpy; compare with rel 1e-12 / abs 1e-14 unless a note says otherwise"


def qinfer_commit():
    src = os.environ.get("QINFER_SRC", "")
    try:
        return subprocess.check_output(["git", "-C", src, "rev-parse", "HEAD"], text=True).strip()
    except Exception:  # not a git checkout
        return "8170c84"


GENERATOR = {
    "script": "scripts/qinfer/gen_parity_fixtures.py",
    "qinfer_src": "<qinfer>/src",
    "qinfer_commit": qinfer_commit(),
    "qinfer_version": "1.0",
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
}


def enc(x):
    """JSON-able form: arrays as {shape, dtype, values}; NaN / +-Infinity as strings."""
    if isinstance(x, np.ndarray):
        if x.dtype.names:
            return {"dtype": [list(map(str, f)) for f in x.dtype.descr], "shape": list(x.shape), "records": [enc(r.item()) for r in x.ravel()]}
        return {"shape": list(x.shape), "dtype": str(x.dtype), "values": enc(x.tolist())}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, dict):
        return {str(k): enc(v) for k, v in x.items()}
    if isinstance(x, (np.floating, float)):
        v = float(x)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


def write(name, description, deterministic, calls, args, data, notes=(), tolerance=TOL):
    doc = {
        "file": name,
        "description": description,
        "deterministic": deterministic,
        "produced_by": {"calls": list(calls), "args": enc(args)},
        "generator": GENERATOR,
        "float_tolerance_hint": tolerance,
        "notes": list(notes),
        "data": enc(data),
    }
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT))


# --------------------------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------------------------

def sample_moments(dist, n, seed):
    np.random.seed(seed)
    x = np.asarray(dist.sample(n), dtype=float).reshape(n, -1)
    return {"n": n, "seed": seed, "mean": x.mean(axis=0), "var": x.var(axis=0), "min": x.min(axis=0), "max": x.max(axis=0), "shape": list(np.asarray(dist.sample(2)).shape)}


def section_distributions():
    N = 200000
    conv = {
        "beta_mean_var": [],
        "gamma_mean_var": [],
        "beta_binomial_mean_var": [],
    }
    for m, v in [(0.9, 0.001), (0.5, 0.05), (0.2, 0.01)]:
        b = qi.BetaDistribution(mean=m, var=v)
        conv["beta_mean_var"].append({"mean": m, "var": v, "alpha": b.alpha, "beta": b.beta})
    for a, b_ in [(2.0, 3.0), (0.5, 0.5)]:
        b = qi.BetaDistribution(alpha=a, beta=b_)
        conv.setdefault("beta_alpha_beta", []).append({"alpha": a, "beta": b_, "mean": b.mean, "var": b.var})
    for m, v in [(2.0, 0.5), (0.1, 1.0)]:
        g = qi.GammaDistribution(mean=m, var=v)
        conv["gamma_mean_var"].append({"mean": m, "var": v, "alpha": g.alpha, "beta": g.beta})
    for a, b_ in [(3.0, 2.0), (0.3, 4.0)]:
        g = qi.GammaDistribution(alpha=a, beta=b_)
        conv.setdefault("gamma_alpha_beta", []).append({"alpha": a, "beta": b_, "mean": g.mean, "var": g.var})
    for n, m, v in [(10, 4.0, 4.0), (30, 12.0, 20.0)]:
        bb = qi.BetaBinomialDistribution(n, mean=m, var=v)
        conv["beta_binomial_mean_var"].append({"n": n, "mean": m, "var": v, "alpha": bb.alpha, "beta": bb.beta})
    for n, a, b_ in [(10, 2.0, 3.0), (40, 0.7, 0.9)]:
        bb = qi.BetaBinomialDistribution(n, alpha=a, beta=b_)
        conv.setdefault("beta_binomial_alpha_beta", []).append({"n": n, "alpha": a, "beta": b_, "mean": bb.mean, "var": bb.var})

    stats = {
        "beta_2_5": sample_moments(qi.BetaDistribution(alpha=2, beta=5), N, 11),
        "beta_mean0.9_var0.001": sample_moments(qi.BetaDistribution(mean=0.9, var=0.001), N, 12),
        "gamma_8_4": sample_moments(qi.GammaDistribution(alpha=8, beta=4), N, 13),
        "gamma_0.3_2": sample_moments(qi.GammaDistribution(alpha=0.3, beta=2), N, 14),
        "lognormal_qinfer_0.5_2": sample_moments(qi.LogNormalDistribution(mu=0.5, sigma=2.0), N, 15),
        "lognormal_qinfer_default": sample_moments(qi.LogNormalDistribution(), N, 16),
        "discrete_uniform_3": sample_moments(qi.DiscreteUniformDistribution(3), N, 17),
        "beta_binomial_10_2_3": sample_moments(qi.BetaBinomialDistribution(10, alpha=2, beta=3), N, 18),
        "mixture_normal": sample_moments(qi.MixtureDistribution([0.3, 0.7], [qi.NormalDistribution(-1, 0.01), qi.NormalDistribution(1, 0.04)]), N, 19),
    }
    # The exact moments of QInfer's LogNormalDistribution(mu, sigma) = scipy lognorm(1, loc=mu, scale=sigma).
    exact = {
        "lognormal_qinfer_0.5_2": {"mean": float(st.lognorm(1, 0.5, 2.0).mean()), "var": float(st.lognorm(1, 0.5, 2.0).var())},
        "lognormal_qinfer_default": {"mean": float(st.lognorm(1, 0, 1).mean()), "var": float(st.lognorm(1, 0, 1).var())},
    }
    grads = {}
    xs = np.array([[-1.0], [0.25], [2.0]])
    grads["normal_0.5_4"] = qi.NormalDistribution(0.5, 4.0).grad_log_pdf(xs)
    mvn = qi.MultivariateNormalDistribution(np.array([0.5, -1.0]), np.array([[2.0, 0.3], [0.3, 0.5]]))
    x2 = np.array([[0.0, 0.0], [1.0, -2.0], [0.5, 3.0]])
    grads["mvn"] = {"mean": mvn.mean, "cov": mvn.cov, "x": x2, "g": mvn.grad_log_pdf(x2)}
    grads["uniform_many_points"] = qi.UniformDistribution([[0, 1], [0, 2]]).grad_log_pdf(np.zeros((3, 2)))
    grads["uniform_one_point_QUIRK"] = qi.UniformDistribution([[0, 1], [0, 2]]).grad_log_pdf(np.zeros((1, 2)))
    write(
        "parity_distributions.json",
        "Beta, Gamma, LogNormal, DiscreteUniform, BetaBinomial, Mixture: parameter conversions (exact), sample moments from numpy's seeded RNG (statistical), grad_log_pdf",
        False,
        [
            "BetaDistribution(mean=m, var=v).alpha/.beta; BetaDistribution(alpha, beta).mean/.var",
            "GammaDistribution(mean=m, var=v).alpha/.beta; GammaDistribution(alpha, beta).mean/.var",
            "BetaBinomialDistribution(n, mean=m, var=v).alpha/.beta; BetaBinomialDistribution(n, alpha, beta).mean/.var",
            "np.random.seed(s); x = dist.sample(200000) -> mean, var (ddof 0), min, max; dist.sample(2).shape",
            "NormalDistribution(0.5, 4).grad_log_pdf(x); MultivariateNormalDistribution(mean, cov).grad_log_pdf(x); UniformDistribution.grad_log_pdf(x)",
        ],
        {"n_samples": N},
        {"conversions": conv, "statistical": stats, "lognormal_exact": exact, "grad_log_pdf": grads},
        [
            "conversions and grad_log_pdf are exact; the statistical block depends on numpy's RNG: compare means within ~5 standard errors (sqrt(var/n)).",
            "QUIRK (bug): LogNormalDistribution(mu, sigma) is scipy lognorm(s=1, loc=mu, scale=sigma), i.e. X = mu + sigma*exp(Z); 'lognormal_exact' holds its exact mean/var. qinfer-rx's LogNormalDistribution is the usual exp(mu + sigma Z); LogNormalDistribution.fromQInfer(mu, sigma) gives QInfer's.",
            "QUIRK: DiscreteUniformDistribution.sample(n) has shape (n,), not (n, 1).",
            "QUIRK: UniformDistribution.grad_log_pdf of a single point returns the vector 12/delta**2 (not a gradient); of several points zeros.",
            "GammaDistribution's docstring writes the pdf as x^(-alpha-1) e^(-x beta): a typo, its sampler is Gamma(shape alpha, rate beta).",
        ],
    )


# --------------------------------------------------------------------------------------------
# randomized benchmarking
# --------------------------------------------------------------------------------------------

def rec(dtype, rows):
    return np.array([tuple(r) for r in rows], dtype=dtype)


def section_rb():
    from qinfer.rb import p as rb_p, F as rb_F
    std = qi.RandomizedBenchmarkingModel()
    il = qi.RandomizedBenchmarkingModel(interleaved=True)
    mps = np.array([[0.99, 0.5, 0.5], [0.9, 0.3, 0.6], [0.5, 0.8, 0.1], [1.0, 0.4, 0.6], [0.0, 0.5, 0.25], [0.95, 0.6, 0.5], [1.1, 0.5, 0.2], [0.97, -0.1, 0.5]])
    eps = rec(std.expparams_dtype, [(m,) for m in [0, 1, 2, 5, 10, 50, 200]])
    outcomes = np.array([0, 1])
    il_mps = np.array([[0.98, 0.99, 0.5, 0.5], [0.9, 0.95, 0.45, 0.5], [0.7, 0.8, 0.3, 0.2], [1.0, 1.0, 0.5, 0.5], [0.99, 0.9, 0.6, 0.5], [1.2, 0.9, 0.3, 0.3]])
    il_eps = rec(il.expparams_dtype, [(m, r) for m in [0, 1, 3, 20, 100] for r in [False, True]])

    def block(model, mps, eps):
        with np.errstate(all="ignore"):
            L = model.likelihood(outcomes, mps, eps)
            valid = model.are_models_valid(mps)
            score = model.score(outcomes, mps, eps)
            fisher = model.fisher_information(mps, eps)
        np.random.seed(2024)
        good = mps[valid]
        sims = model.simulate_experiment(good, eps, repeat=4000)
        return {
            "n_modelparams": model.n_modelparams,
            "modelparam_names": model.modelparam_names,
            "expparams_dtype": [list(map(str, f)) for f in np.dtype(model.expparams_dtype).descr],
            "n_outcomes": model.n_outcomes(eps[:1]),
            "is_n_outcomes_constant": model.is_n_outcomes_constant,
            "modelparams": mps,
            "expparams": eps,
            "L": L,
            "are_models_valid": valid,
            "score": score,
            "fisher_information": fisher,
            "simulate_shape_repeat3": list(model.simulate_experiment(good, eps, repeat=3).shape),
            "simulate_mean_repeat4000": {"modelparams": good, "repeat": 4000, "mean": sims.mean(axis=0)},
        }

    bm = qi.BinomialModel(std)
    b_eps = rec(bm.expparams_dtype, [(1, 30), (10, 30), (50, 100), (200, 7)])
    counts = np.array([0, 3, 7, 15, 30])
    bmps = mps[:5]
    with np.errstate(all="ignore"):
        b_L = bm.likelihood(counts, bmps, b_eps)
    dbm = qi.DifferentiableBinomialModel(std)
    good = mps[std.are_models_valid(mps)]
    with np.errstate(all="ignore"):
        d_fi = dbm.fisher_information(good, b_eps)
    conv = {"F_to_p": [], "p_to_F": []}
    for F, d in [(0.995, 2), (0.99, 2), (0.985, 4), (0.9, 8)]:
        conv["F_to_p"].append({"F": F, "d": d, "p": rb_p(F, d)})
    for p_, d in [(0.99, 2), (0.98, 4), (0.5, 2), (1.0, 3)]:
        conv["p_to_F"].append({"p": p_, "d": d, "F": rb_F(p_, d)})
    write(
        "parity_rb.json",
        "RandomizedBenchmarkingModel (standard and interleaved): likelihood, validity, score, Fisher information, simulate (shapes, statistics); BinomialModel(RB) counts; DifferentiableBinomialModel(RB) Fisher information; rb.p / rb.F",
        False,
        [
            "m = qinfer.RandomizedBenchmarkingModel(); mi = qinfer.RandomizedBenchmarkingModel(interleaved=True)",
            "L = m.likelihood(np.array([0, 1]), modelparams, expparams); m.are_models_valid(modelparams)",
            "m.score(np.array([0, 1]), modelparams, expparams); m.fisher_information(modelparams, expparams)   # np.errstate(all='ignore')",
            "np.random.seed(2024); m.simulate_experiment(valid modelparams, expparams, repeat=4000).mean(axis=0)",
            "qinfer.BinomialModel(m).likelihood(counts, modelparams[:5], [(m, n_meas)])",
            "qinfer.DifferentiableBinomialModel(m).fisher_information(valid modelparams, [(m, n_meas)])",
            "qinfer.rb.p(F, d); qinfer.rb.F(p, d)",
        ],
        {"outcomes": outcomes, "binomial_counts": counts},
        {
            "standard": block(std, mps, eps),
            "interleaved": block(il, il_mps, il_eps),
            "binomial": {"expparams": b_eps, "modelparams": bmps, "counts": counts, "L": b_L},
            "differentiable_binomial": {"expparams": b_eps, "modelparams": good, "fisher_information": d_fi},
            "conversions": conv,
        },
        [
            "Outcome 1 is survival: Pr(1) = A p^m + B; Pr(0) = 1 - (A p^m + B). The interleaved model decays with p_ref on reference sequences and p_tilde*p_ref on interleaved ones.",
            "score is [idx_modelparam, idx_outcome, idx_model, idx_experiment]; at m = 0 the p-derivatives come from numpy's uint m-1 wrapping to 2**64-1: p**(2**64-1) is 0 for p < 1 (so the derivative is 0, as it should be) but inf for p > 1, giving NaN (A*0*inf) for those invalid particles; qinfer-rx returns the exact 0.",
            "fisher_information is NaN where a likelihood is 0 (e.g. p = 1, A + B = 1, or m = 0 with A + B = 1), as numpy's 0 * inf; Infinity/NaN in score are kept.",
            "Invalid rows (p > 1, A < 0, A + B > 1) are included in likelihood/score/fisher: QInfer computes them anyway; simulate uses the valid rows only.",
            "simulate_mean_repeat4000 is statistical (numpy's RNG): compare with the exact survival A p^m + B within ~5 sqrt(s(1-s)/4000).",
            "DifferentiableBinomialModel.score raises NotImplementedError in QInfer; qinfer-rx implements k s1 + (n - k) s0 and tests it against finite differences.",
        ],
    )


SECTIONS = {
    "distributions": section_distributions,
    "rb": section_rb,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(SECTIONS)
    for n in names:
        SECTIONS[n]()
