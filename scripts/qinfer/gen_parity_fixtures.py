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


SECTIONS = {
    "distributions": section_distributions,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(SECTIONS)
    for n in names:
        SECTIONS[n]()
