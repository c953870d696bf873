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

# --------------------------------------------------------------------------------------------
# derived models
# --------------------------------------------------------------------------------------------

class patched_normal:
    """Replaces np.random.normal by a function returning the given values (C order) while active."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float).ravel()
        self.used = []

    def __enter__(self):
        self.saved = np.random.normal
        pos = [0]

        def fake(loc=0.0, scale=1.0, size=None):
            shape = () if size is None else (size if isinstance(size, tuple) else (size,))
            n = int(np.prod(shape)) if shape else 1
            out = self.values[pos[0]:pos[0] + n]
            assert out.size == n, "not enough scripted normals"
            pos[0] += n
            self.used.append(list(shape))
            return loc + scale * out.reshape(shape)

        np.random.normal = fake
        return self

    def __exit__(self, *exc):
        np.random.normal = self.saved


def section_derived():
    data, calls, notes = {}, [], []
    # --- MultinomialModel(NDieModel(3)) ---
    die = qi.NDieModel(3)
    mm = qi.MultinomialModel(die)
    mps = np.array([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [1.0, 0.0, 0.0], [0.1, 0.9, 0.0]])
    cases = []
    for n_meas in [1, 2, 4, 7]:
        eps = rec(mm.expparams_dtype, [(0, n_meas)])
        dom = qi.domains.MultinomialDomain(n_meas=n_meas, n_elements=3)
        L = mm.likelihood(dom.values, mps, eps)
        cases.append({"n_meas": n_meas, "counts": dom.to_regular_array(dom.values), "L": L})
    try:
        mm.n_outcomes(rec(mm.expparams_dtype, [(0, 2)]))
        n_out_err = None
    except Exception as e:  # QInfer bug
        n_out_err = {"type": type(e).__name__, "message": str(e)}
    data["multinomial"] = {"underlying": "NDieModel(n=3)", "expparams_dtype": [list(map(str, f)) for f in np.dtype(mm.expparams_dtype).descr], "modelparams": mps, "cases": cases, "n_outcomes_error": n_out_err,
                           "are_models_valid": mm.are_models_valid(mps), "n_sides": mm.n_sides}
    calls.append("mm = MultinomialModel(NDieModel(3)); mm.likelihood(MultinomialDomain(n_meas, 3).values, modelparams, [(0, n_meas)]) for n_meas in 1, 2, 4, 7")
    notes.append("MultinomialModel outcomes are count vectors in the order of MultinomialDomain.values; 'counts' lists them, qinfer-rx numbers them 0, 1, … in that order.")
    notes.append("QUIRK (bug): MultinomialModel.n_outcomes raises NameError (scipy.special is used but not imported); qinfer-rx returns C(n_meas + D - 1, D - 1).")

    # --- GaussianHyperparameterizedModel(SimplePrecessionModel()) ---
    g = qi.GaussianHyperparameterizedModel(qi.SimplePrecessionModel())
    gmps = np.array([[0.5, 0.0, 1.0, 0.04, 0.09], [1.3, 0.1, 0.8, 0.01, 0.25], [2.0, -0.2, 1.5, 0.5, 0.02]])
    geps = np.array([0.5, 2.0, 7.0])
    ys = np.array([-0.5, 0.0, 0.3, 0.95, 1.2, 2.5])
    gL = g.likelihood(ys, gmps, geps)
    pr0 = qi.SimplePrecessionModel().likelihood(np.array([0, 1]), gmps[:, :1], geps)
    exact = np.zeros_like(gL)
    for j, (w, mu0, mu1, s0, s1) in enumerate(gmps):
        for i, y in enumerate(ys):
            exact[i, j, :] = pr0[0, j, :] * st.norm(mu0, np.sqrt(s0)).pdf(y) + pr0[1, j, :] * st.norm(mu1, np.sqrt(s1)).pdf(y)
    edges = np.array([-0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5])
    bins = np.zeros((len(edges) + 1, len(gmps), len(geps)))
    for j, (w, mu0, mu1, s0, s1) in enumerate(gmps):
        lo = np.concatenate([[-np.inf], edges])
        hi = np.concatenate([edges, [np.inf]])
        for u, (mu, s2) in enumerate([(mu0, s0), (mu1, s1)]):
            d = st.norm(mu, np.sqrt(s2))
            # upper-tail differences where the bin lies above the mean, lower-tail below: no cancellation
            mass = np.where(lo >= mu, d.sf(lo) - d.sf(hi), np.where(hi <= mu, d.cdf(hi) - d.cdf(lo), 1 - d.cdf(lo) - d.sf(hi)))
            bins[:, j, :] += mass[:, None] * pr0[u, j, :][None, :]
    data["gaussian_hyperparameterized"] = {
        "underlying": "SimplePrecessionModel()", "modelparam_names": g.modelparam_names, "n_modelparams": g.n_modelparams,
        "modelparams": gmps, "expparams": geps, "readout_values": ys, "L_qinfer": gL, "density_exact": exact,
        "are_models_valid": g.are_models_valid(np.array([[0.5, 0, 1, 0.04, 0.09], [0.5, 0, 1, 0.0, 0.09], [0.0, 0, 1, 0.04, 0.09], [0.5, 0, 1, 0.04, -1.0]])),
        "are_models_valid_modelparams": np.array([[0.5, 0, 1, 0.04, 0.09], [0.5, 0, 1, 0.0, 0.09], [0.0, 0, 1, 0.04, 0.09], [0.5, 0, 1, 0.04, -1.0]]),
        "bin_edges": edges, "bin_probabilities_exact": bins,
    }
    calls.append("g = GaussianHyperparameterizedModel(SimplePrecessionModel()); g.likelihood(readout_values, modelparams, expparams); exact density sum_u L_u scipy.stats.norm(mu_u, sigma_u).pdf(y); bin masses by scipy norm.cdf / norm.sf")
    notes.append("QUIRK (bug): GaussianHyperparameterizedModel.likelihood is sum_u L_u phi((y - mu_u)/sigma_u) without the 1/sigma_u of the density ('L_qinfer'); 'density_exact' is the true density, which qinfer-rx's density() returns. L_qinfer * sigma-weights is checked too.")
    notes.append("qinfer-rx outcomes are integers: the readout is digitised into bins; 'bin_probabilities_exact' are the exact bin masses for 'bin_edges' (first and last bins open).")

    # --- PoisonedModel ---
    base = qi.SimplePrecessionModel()
    pmps = np.array([[0.1], [0.7], [1.9], [3.0]])
    peps = np.array([0.5, 1.0, 4.0])
    pout = np.array([0, 1])
    L0 = base.likelihood(pout, pmps, peps)
    z = np.linspace(-2.5, 2.5, L0.size).reshape(L0.shape) * np.array([1, -1] * (L0.size // 2)).reshape(L0.shape)
    res = {}
    for key, kw in [("ale_tol0.05", {"tol": 0.05}), ("ale_tol0.3", {"tol": 0.3}), ("mle_n30", {"n_samples": 30}), ("mle_n30_hedge0.5", {"n_samples": 30, "hedge": 0.5})]:
        pm = qi.PoisonedModel(base, **kw)
        with patched_normal(z):
            res[key] = {"kwargs": kw, "L": pm.likelihood(pout, pmps, peps)}
    try:
        qi.PoisonedModel(base).likelihood(pout, pmps, peps)
        neither = None
    except Exception as e:
        neither = {"type": type(e).__name__, "message": str(e)}
    data["poisoned"] = {"underlying": "SimplePrecessionModel()", "modelparams": pmps, "expparams": peps, "outcomes": pout, "L_underlying": L0, "z": z, "cases": res, "neither_tol_nor_n_samples": neither}
    calls.append("PoisonedModel(SimplePrecessionModel(), tol=… | n_samples=…, hedge=…).likelihood(outcomes, modelparams, expparams) with np.random.normal patched to return z")
    notes.append("QUIRK (bug): PoisonedModel's check 'tol is None != n_samples is None' is a chained comparison that is always False: PoisonedModel(m) with neither argument is accepted and fails later in likelihood ('neither_tol_nor_n_samples'); qinfer-rx raises ERR_ARGUMENT at construction.")
    notes.append("PoisonedModel noise: QInfer draws fresh np.random.normal per call; qinfer-rx uses a frozen, hashed noise field (parallel = serial). The formula clip(L + sigma z, 0, 1) is checked here with QInfer's own z.")

    # --- GaussianRandomWalkModel ---
    t2 = qi.UnknownT2Model()
    grw = {}
    specs = [
        ("diag_learned", qi.SimplePrecessionModel(), {}, np.array([[0.5, 0.01], [0.9, 0.2], [0.3, 0.0], [0.4, -0.1]]), np.array([1.0, 2.0])),
        ("diag_fixed", qi.SimplePrecessionModel(), {"fixed_covariance": np.array([0.0004])}, np.array([[0.5], [0.9]]), np.array([1.0, 2.0, 3.0])),
        ("diag_learned_subset_scale_t", t2, {"random_walk_idxs": [1], "scale_mult": "t"}, np.array([[0.5, 0.1, 0.02], [0.9, 0.3, 0.05], [0.2, 0.05, -0.01]]), rec(t2.expparams_dtype, [(0.5,), (2.0,)])),
        ("dense_learned", t2, {"diagonal": False}, np.array([[0.5, 0.1, 0.02, 0.005, 0.03], [0.9, 0.3, 0.05, -0.01, 0.01]]), rec(t2.expparams_dtype, [(1.0,), (3.0,)])),
        ("dense_fixed_scale_t", t2, {"diagonal": False, "fixed_covariance": np.array([[0.01, 0.002], [0.002, 0.005]]), "scale_mult": "t"}, np.array([[0.5, 0.1], [0.9, 0.3], [0.2, 0.6]]), rec(t2.expparams_dtype, [(1.0,), (0.5,)])),
    ]
    for key, under, kw, mps_, eps_ in specs:
        m = qi.GaussianRandomWalkModel(under, **kw)
        n_mps, n_eps = mps_.shape[0], eps_.shape[0]
        zz = np.sin(np.arange(1, 1 + 4 * n_mps * n_eps * m._n_rw)) * 1.7
        with patched_normal(zz) as pn:
            moved = m.update_timestep(mps_, eps_)
        n_used = int(sum(np.prod(s) for s in pn.used))
        grw[key] = {
            "underlying": type(under).__name__, "kwargs": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in kw.items()},
            "modelparam_names": m.modelparam_names, "n_modelparams": m.n_modelparams,
            "modelparams": mps_, "expparams": eps_, "are_models_valid": m.are_models_valid(mps_),
            "est_update_covariance": m.est_update_covariance(mps_), "normals": zz[:n_used], "normal_shapes": pn.used,
            "update_timestep": moved,
            "likelihood": m.likelihood(np.array([0, 1]), mps_, eps_),
        }
    data["gaussian_random_walk"] = grw
    calls.append("GaussianRandomWalkModel(underlying, **kwargs): modelparam_names, are_models_valid, est_update_covariance(modelparams), likelihood([0, 1], …), update_timestep(modelparams, expparams) with np.random.normal patched to return 'normals' in order")
    notes.append("GaussianRandomWalkModel normals are drawn in QInfer's layouts: diagonal (n_eps, n_mps, n_rw), dense fixed (n_rw, n_mps*n_eps), dense learned (n_mps, n_rw, n_eps), C order; 'normal_shapes' records the calls.")
    notes.append("QUIRK: GaussianRandomWalkModel.est_update_covariance averages over particles without weights (np.mean); qinfer-rx does the same by default and takes weights optionally.")
    write(
        "parity_derived.json",
        "MultinomialModel, GaussianHyperparameterizedModel, PoisonedModel, GaussianRandomWalkModel: likelihoods, validity, names, and the deterministic parts of their noise (scripted normals)",
        True,
        calls,
        {},
        data,
        notes,
    )

# --------------------------------------------------------------------------------------------
# Poisson counts (QInfer has no Poisson model: exact values by Python's decimal arithmetic)
# --------------------------------------------------------------------------------------------

def section_poisson():
    from decimal import Decimal, getcontext
    getcontext().prec = 60

    def pmf_exact(k, lam):
        L = Decimal(lam)  # the exact value of the float64
        if L == 0:
            return 1.0 if k == 0 else 0.0
        ln = Decimal(k) * L.ln() - L - sum((Decimal(i).ln() for i in range(2, k + 1)), Decimal(0))
        return float(ln.exp())

    pairs = [(0, 0.3), (1, 0.3), (3, 2.0), (17, 17.0), (0, 40.0), (40, 17.0), (5, 60.5), (100, 100.0), (250, 180.25), (1000, 1000.0), (1500, 1000.0), (700, 1000.0), (10, 1e-3), (3, 745.5)]
    vals = [{"k": k, "lambda": lam, "pmf": pmf_exact(k, lam), "scipy": float(st.poisson.pmf(k, lam))} for k, lam in pairs]
    write(
        "parity_poisson.json",
        "Poisson pmf at (k, lambda): exact (Python decimal, 60 digits) next to scipy.stats.poisson.pmf, for PoissonCountModel (QInfer has no Poisson-count model)",
        True,
        ["pmf = exp(k ln(lambda) - lambda - ln k!) in decimal arithmetic with 60 digits; scipy.stats.poisson.pmf(k, lambda)"],
        {"pairs": pairs},
        {"values": vals},
        ["'pmf' is exact to double rounding; scipy's log-space formula loses digits to cancellation for large k and lambda (compare its relative error)."],
    )

# --------------------------------------------------------------------------------------------
# credible regions: mvee, hull, in_credible_region, and QInfer's failure cases (#83, #155)
# --------------------------------------------------------------------------------------------

def section_regions():
    from qinfer.utils import mvee, in_ellipsoid
    rng = np.random.RandomState(1234)
    data = {"mvee": [], "credible": [], "failures": {}, "chi2_ppf": []}
    for d, n, tol in [(2, 12, 1e-3), (2, 30, 1e-4), (3, 20, 1e-4), (5, 30, 1e-4)]:
        pts = rng.randn(n, d) @ rng.randn(d, d) + rng.randn(d)
        A, c = mvee(pts, tol)
        data["mvee"].append({
            "d": d, "tol": tol, "points": pts, "A": A, "c": c,
            "in_ellipsoid_with_A_qinfer_issue155": in_ellipsoid(pts, A, c),
            "in_ellipsoid_with_inv_A": in_ellipsoid(pts, np.linalg.inv(A), c),
            "max_form": float(np.max(np.einsum("ij,jk,ik->i", pts - c, A, pts - c))),
        })
    for d, n in [(2, 40), (3, 60)]:
        locs = rng.randn(n, d) * np.arange(1, d + 1) * 0.1 + 0.5
        w = rng.rand(n) + 0.1
        w /= w.sum()
        pd = qi.ParticleDistribution(particle_locations=locs, particle_weights=w)
        cred = pd.est_credible_region(level=0.9)
        faces, verts = pd.region_est_hull(level=0.9)
        A, c = pd.region_est_ellipsoid(level=0.9, tol=1e-4)
        test = np.vstack([locs[:10], locs[:5] * 1.5 - 0.25, [np.full(d, 0.5)], [np.full(d, 5.0)]])
        data["credible"].append({
            "d": d, "locations": locs, "weights": w, "level": 0.9, "credible_points": cred, "hull_vertices": verts,
            "ellipsoid_A": A, "ellipsoid_c": c, "test_points": test,
            "in_pce": pd.in_credible_region(test, level=0.9, method="pce"),
            "in_hull": pd.in_credible_region(test, level=0.9, method="hpd-hull"),
            "in_mvee": pd.in_credible_region(test, level=0.9, method="hpd-mvee", tol=1e-4),
            "mean": pd.est_mean(), "cov": pd.est_covariance_mtx(),
        })

    def attempt(f):
        try:
            r = f()
            return {"ok": True, "result": r}
        except Exception as e:
            return {"ok": False, "type": type(e).__name__, "message": str(e).splitlines()[0][:200]}

    # #83: a parameter that is (almost) the same for every particle: Qhull fails
    flat = rng.randn(50, 5) * 0.1
    flat[:, 4] = 1e-17 * rng.randn(50)
    pd_flat = qi.ParticleDistribution(particle_locations=flat, particle_weights=np.full(50, 1 / 50))
    data["failures"]["issue83_flat_5d"] = {
        "locations": flat,
        "region_est_hull": attempt(lambda: pd_flat.region_est_hull(level=0.9)[1].shape[0]),
        "region_est_ellipsoid": attempt(lambda: pd_flat.region_est_ellipsoid(level=0.9)[1]),
        "in_credible_region_hull": attempt(lambda: pd_flat.in_credible_region(flat[:3], level=0.9)),
    }
    # #155: 7 points in 8 dimensions (affinely dependent): the MVEE iteration is singular
    pts155 = rng.rand(7, 8) * np.array([500, 10, 10, 10, 10, 50, 2, 2])
    def m155():
        A, c = mvee(pts155, 1e-3)
        return {"c": c, "in_ellipsoid_with_A": in_ellipsoid(pts155, A, c), "max_form": float(np.max(np.einsum("ij,jk,ik->i", pts155 - c, A, pts155 - c))), "cond_A": float(np.linalg.cond(A))}

    data["failures"]["issue155_7_points_8d"] = {"points": pts155, "mvee": attempt(m155)}
    # a 2-D cloud on a line in 3-D
    line = np.outer(rng.rand(20), [1.0, 2.0, -1.0]) + np.array([0.1, 0.2, 0.3])
    pd_line = qi.ParticleDistribution(particle_locations=line, particle_weights=np.full(20, 1 / 20))
    data["failures"]["collinear_3d"] = {"locations": line, "region_est_hull": attempt(lambda: pd_line.region_est_hull(level=0.9)[1].shape[0]), "region_est_ellipsoid": attempt(lambda: pd_line.region_est_ellipsoid(level=0.9)[1])}
    for d in range(1, 7):
        for level in [0.5, 0.9, 0.95, 0.99]:
            data["chi2_ppf"].append({"d": d, "level": level, "ppf": float(st.chi2.ppf(level, d))})
    write(
        "parity_regions.json",
        "mvee (Khachiyan) outputs and how in_ellipsoid treats them (#155); est_credible_region, region_est_hull, region_est_ellipsoid, in_credible_region (pce, hpd-hull, hpd-mvee) on fixed clouds; QInfer's failures on flat and affinely dependent point sets (#83, #155); chi2.ppf",
        True,
        [
            "A, c = qinfer.utils.mvee(points, tol); in_ellipsoid(points, A, c); in_ellipsoid(points, inv(A), c)",
            "pd = ParticleDistribution(locations, weights); pd.est_credible_region(0.9); pd.region_est_hull(0.9); pd.region_est_ellipsoid(0.9, tol=1e-4); pd.in_credible_region(test_points, 0.9, method=...)",
            "the same on a cloud with one coordinate ~1e-17 (issue #83), on 7 points in 8 dimensions (issue #155) and on collinear points in 3-D",
            "scipy.stats.chi2.ppf(level, d)",
        ],
        {},
        data,
        [
            "mvee returns A with the ellipsoid (x-c)^T A (x-c) <= 1; in_ellipsoid(x, A, c) tests (c-x)^T A^-1 (c-x) <= 1, so passing mvee's A is wrong (issue #155: 'in_ellipsoid_with_A_qinfer_issue155'). Even with inv(A) a finite tol leaves points outside ('max_form' > 1).",
            "mvee is iterative (hundreds of steps of a matrix inverse): reproduce A and c to ~1e-9 relative, not 1e-12.",
            "region_est_hull returns faces and vertices; the vertex SET is compared (Qhull's order is arbitrary). hpd-hull membership uses Delaunay.find_simplex.",
            "failures: 'ok': false with QInfer's exception; qinfer-rx handles these cases (flat hulls and ellipsoids in the points' span).",
        ],
        tolerance="exact IEEE results unless a note says otherwise (mvee: ~1e-9 relative)",
    )

# --------------------------------------------------------------------------------------------
# Liu-West on near-singular and non-PSD covariances (QInfer issues #108, #151)
# --------------------------------------------------------------------------------------------

class AllValid4(qi.FiniteOutcomeModel):
    """Any 4-parameter vector is valid (QInfer's TomographyModel.are_models_valid does the same)."""

    @property
    def n_modelparams(self):
        return 4

    @property
    def expparams_dtype(self):
        return [("x", float)]

    @property
    def is_n_outcomes_constant(self):
        return True

    def n_outcomes(self, expparams):
        return 2

    def are_models_valid(self, modelparams):
        return np.ones((modelparams.shape[0],), dtype=bool)

    def likelihood(self, outcomes, modelparams, expparams):
        return qi.FiniteOutcomeModel.pr0_to_likelihood_array(outcomes, np.full((modelparams.shape[0], expparams.shape[0]), 0.5))


def section_liu_west_robust():
    import scipy.linalg as sla
    from qinfer.utils import sqrtm_psd
    rng = np.random.RandomState(108)
    data = {}

    def attempt(f):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                r = f()
                return {"ok": True, "result": r, "warnings": [str(x.message)[:160] for x in w]}
            except Exception as e:
                return {"ok": False, "type": type(e).__name__, "message": str(e)[:200], "warnings": [str(x.message)[:160] for x in w]}

    def cloud(n, mean, sds, seed):
        r = np.random.RandomState(seed)
        R, _ = np.linalg.qr(r.randn(len(mean), len(mean)))
        z = r.randn(n, len(mean)) * np.asarray(sds)
        x = np.asarray(mean) + z @ R.T
        w = r.rand(n) + 0.5
        return x, w / w.sum()

    def two_pass(x, w):
        mu = w @ x
        y = x - mu
        return (w[:, None] * y).T @ y

    # #108: a posterior dominated by a one-dimensional subspace (one direction of spread 1, three of 1e-9)
    x108, w108 = cloud(2000, [0.3, -0.2, 0.5, 0.1], [1.0, 1e-9, 1e-9, 1e-9], 1108)
    pd108 = qi.ParticleDistribution(particle_locations=x108, particle_weights=w108)
    C108 = pd108.est_covariance_mtx()

    def scipy_sqrtm():
        S = sla.sqrtm(C108)
        return {"finite": bool(np.all(np.isfinite(S))), "error": float(np.linalg.norm(np.real(S @ S) - C108, "fro")) if np.all(np.isfinite(S)) else "NaN", "imag_norm": float(np.linalg.norm(np.imag(S)))}

    data["issue108_low_dim_subspace"] = {
        "locations": x108, "weights": w108, "one_pass_covariance": C108, "two_pass_covariance": two_pass(x108, w108),
        "eigenvalues_one_pass": np.linalg.eigvalsh(C108),
        "scipy_linalg_sqrtm": attempt(scipy_sqrtm),
        "qinfer_sqrtm_psd": attempt(lambda: {"S": sqrtm_psd(C108)[0], "error": float(sqrtm_psd(C108)[1])}),
    }

    # #151: a narrow, correlated posterior far from the origin (a near-pure qubit state in the Pauli basis)
    x151, w151 = cloud(2000, [0.7071067811865476, 0.55, -0.3, 0.3], [3e-9, 2e-9, 1e-9, 5e-10], 1151)
    pd151 = qi.ParticleDistribution(particle_locations=x151, particle_weights=w151)
    true_cov = two_pass(x151, w151)

    def qinfer_resample():
        np.random.seed(151)
        new = qi.LiuWestResampler(a=0.98)(AllValid4(), pd151)
        return {"mean": new.est_mean(), "covariance_two_pass": two_pass(new.particle_locations, new.particle_weights), "finite": bool(np.all(np.isfinite(new.particle_locations)))}

    data["issue151_narrow_correlated"] = {
        "locations": x151, "weights": w151, "two_pass_covariance": true_cov,
        "one_pass_covariance": attempt(lambda: pd151.est_covariance_mtx()),
        "eigenvalues_one_pass": np.linalg.eigvalsh(pd151.est_covariance_mtx()),
        "eigenvalues_two_pass": np.linalg.eigvalsh(true_cov),
        "qinfer_liu_west": attempt(qinfer_resample),
    }

    # an indefinite precomputed covariance and a non-finite one
    Cneg = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 0.25]])
    data["indefinite"] = {"cov": Cneg, "qinfer_sqrtm_psd": attempt(lambda: {"S": sqrtm_psd(Cneg)[0], "error": float(sqrtm_psd(Cneg)[1])})}
    Cnan = np.array([[1.0, 0.0], [0.0, np.nan]])
    data["non_finite"] = {"qinfer_sqrtm_psd": attempt(lambda: sqrtm_psd(Cnan)[0])}
    write(
        "parity_liu_west_robust.json",
        "Liu-West on near-singular (#108) and narrow correlated (#151) posteriors, indefinite and non-finite covariances: QInfer's one-pass covariance, scipy's sqrtm, QInfer's sqrtm_psd and LiuWestResampler",
        False,
        [
            "clouds: mean + z R^T with z ~ N(0, diag(sd^2)) and a random rotation R (numpy RandomState seeds 1108, 1151), weights rand+0.5 normalised",
            "ParticleDistribution(x, w).est_covariance_mtx() (QInfer's one pass) and the two-pass sum w (x - mu)(x - mu)^T",
            "scipy.linalg.sqrtm(C) (what QInfer used before issue #108) and qinfer.utils.sqrtm_psd(C)",
            "np.random.seed(151); LiuWestResampler(a=0.98)(AllValid4(), ParticleDistribution(x151, w151))",
        ],
        {},
        data,
        [
            "issue108: the one-pass covariance of a cloud spread in one direction has eigenvalues ~±1e-17 in the other three; scipy's sqrtm of it is complex / inaccurate (the reported 'infinite error'); qinfer-rx's robustSqrtmPsd clips them and is exact on the two-pass covariance.",
            "issue151: a cloud of spread 1e-9 around a mean of norm ~1: the one-pass covariance E[xx^T] - mu mu^T cancels catastrophically (negative eigenvalues, the ApproximationWarning of #151) and QInfer's Liu-West jitters with that noise; qinfer-rx uses the two-pass covariance.",
            "statistical: QInfer's resampled moments depend on numpy's RNG; compare orders of magnitude, not values.",
        ],
    )

# --------------------------------------------------------------------------------------------
# simple_est_prec / simple_est_rb on fixed data sets (also written to examples/*.csv)
# --------------------------------------------------------------------------------------------

class FixedCloud(qi.Distribution):
    """A 'prior' whose samples are a fixed particle cloud (so that the update is deterministic)."""

    def __init__(self, cloud):
        self.cloud = np.array(cloud, dtype=float)

    @property
    def n_rvs(self):
        return self.cloud.shape[1]

    def sample(self, n=1):
        assert n == self.cloud.shape[0]
        return self.cloud.copy()


def exact_rb_posterior(rows, interleaved, grids):
    """Posterior mean / sd of the RB parameters under the uniform, postselected prior, by summing
    the likelihood over a grid (log-sum-exp, one slice of the first parameter at a time)."""
    from scipy.stats import binom
    k, m, n = rows[:, 0], rows[:, 1], rows[:, 2]
    ref = rows[:, 3] if interleaved else None
    g0 = grids[0]
    rest = np.meshgrid(*grids[1:], indexing="ij")
    logs, moments = [], []
    for a in g0:
        ll = np.zeros(rest[0].shape)
        if interleaved:
            pr, A, B = rest
            valid = (A + B <= 1) & (A * pr + B <= 1) & (A * pr * a + B <= 1)
        else:
            A, B = rest
            valid = (A + B <= 1) & (A * a + B <= 1)
        for i in range(len(k)):
            if interleaved:
                p = pr if ref[i] else pr * a
            else:
                p = a
            s = np.clip(A * p ** m[i] + B, 1e-300, 1 - 1e-16)
            ll = ll + binom.logpmf(k[i], n[i], s)
        ll = np.where(valid, ll, -np.inf)
        mx = ll.max()
        w = np.exp(ll - mx) if np.isfinite(mx) else np.zeros_like(ll)
        vals = [np.full_like(ll, a)] + list(rest)
        logs.append(mx)
        moments.append((w.sum(), [(w * v).sum() for v in vals], [(w * v * v).sum() for v in vals]))
    top = max(logs)
    W, S1, S2 = 0.0, np.zeros(len(grids)), np.zeros(len(grids))
    for mx, (w, s1, s2) in zip(logs, moments):
        if not np.isfinite(mx):
            continue
        f = np.exp(mx - top)
        W += f * w
        S1 += f * np.array(s1)
        S2 += f * np.array(s2)
    mean = S1 / W
    return {"mean": mean, "sd": np.sqrt(np.maximum(S2 / W - mean ** 2, 0)), "grids": [[float(g[0]), float(g[-1]), len(g)] for g in grids]}


def section_simple_est():
    from qinfer.simple_est import data_to_params, load_data_or_txt
    rs = np.random.RandomState(2718)
    sets = {}
    # precession: omega = 0.37, counts of outcome 1 among 50 shots
    t = np.arange(1, 21) * 1.5
    p1 = 1 - np.cos(0.37 * t / 2) ** 2
    sets["prec"] = {"columns": ["counts", "t", "n_shots"], "rows": [[int(rs.binomial(50, p)), float(tt), 50] for p, tt in zip(p1, t)], "truth": [0.37]}
    m = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]
    surv = 0.48 * 0.995 ** np.array(m) + 0.5
    sets["rb"] = {"columns": ["counts", "m", "n_shots"], "rows": [[int(rs.binomial(100, s)), mm, 100] for s, mm in zip(surv, m)], "truth": [0.995, 0.48, 0.5]}
    rows = []
    for mm in m[:11]:
        for ref in [1, 0]:
            p = 0.995 if ref else 0.995 * 0.99
            rows.append([int(rs.binomial(100, 0.48 * p ** mm + 0.5)), mm, 100, ref])
    sets["irb"] = {"columns": ["counts", "m", "n_shots", "reference"], "rows": rows, "truth": [0.99, 0.995, 0.48, 0.5]}

    notes = {
        "prec": "precession counts: omega = 0.37, t = 1.5 k, 50 shots; counts of outcome 1",
        "rb": "randomized benchmarking survival counts: p = 0.995 (F = 0.9975), A = 0.48, B = 0.5, 100 sequences per length",
        "irb": "interleaved RB survival counts: p_ref = 0.995, p_tilde = 0.99, A = 0.48, B = 0.5, 100 sequences per length and kind",
    }
    names = {"prec": "precession-counts.csv", "rb": "rb-counts.csv", "irb": "irb-counts.csv"}
    for key, s in sets.items():
        path = os.path.join(ROOT, "examples", names[key])
        with open(path, "w") as f:
            f.write("# " + notes[key] + "\n# written by scripts/qinfer/gen_parity_fixtures.py (section simple_est); columns as QInfer's simple_est\n")
            f.write(",".join(s["columns"]) + "\n")
            for r in s["rows"]:
                f.write(",".join(str(v) for v in r) + "\n")
        print("wrote", os.path.relpath(path, ROOT))

    out = {}
    for key, s in sets.items():
        arr = np.array(s["rows"], dtype=float)
        if key == "prec":
            model = qi.BinomialModel(qi.SimplePrecessionModel(0.0))
            prior = qi.UniformDistribution([0, 1.0])
            outcomes, eps = data_to_params(load_data_or_txt(arr, None), model.expparams_dtype, cols_expparams={"x": (1, "t"), "n_meas": (2, "n_shots")})
        else:
            il = key == "irb"
            model = qi.BinomialModel(qi.RandomizedBenchmarkingModel(interleaved=il))
            prior = qi.PostselectedDistribution(qi.UniformDistribution([[0, 1], [0, 1], [0, 1]] if not il else [[0, 1], [0, 1], [0, 1], [0, 1]]), model)
            cols = {"m": (1, "m"), "n_meas": (2, "n_shots")}
            if il:
                cols["reference"] = (3, "reference")
            outcomes, eps = data_to_params(load_data_or_txt(arr, None), model.expparams_dtype, cols_expparams=cols)
        np.random.seed(31)
        cloud = prior.sample(2000)
        up = qi.SMCUpdater(model, 2000, FixedCloud(cloud), resample_thresh=0)
        means, used = [], 0
        for o, e in zip(outcomes, eps):
            if up.n_ess < 3:  # stop before the fixed cloud degenerates (no resampling here)
                break
            up.update(o, e[np.newaxis], check_for_resample=False)
            means.append(up.est_mean())
            used += 1
        # the full QInfer estimator (random: numpy's RNG)
        print("simple_est", key, "rows used with the fixed cloud:", used)
        np.random.seed(11)
        if key == "prec":
            mean, cov, extra = qi.simple_est_prec(arr, return_all=True)
            mean, cov = np.atleast_1d(mean), np.atleast_2d(cov)
        else:
            mean, cov, extra = qi.simple_est_rb(arr, interleaved=(key == "irb"), return_all=True)
        if key == "prec":
            from scipy.stats import binom
            w_grid = np.linspace(0, 1, 200001)
            ll = sum(binom.logpmf(int(r[0]), int(r[2]), 1 - np.cos(w_grid * r[1] / 2) ** 2) for r in arr)
            wt = np.exp(ll - ll.max())
            mu = (wt * w_grid).sum() / wt.sum()
            exact = {"mean": [mu], "sd": [float(np.sqrt((wt * (w_grid - mu) ** 2).sum() / wt.sum()))], "grids": [[0.0, 1.0, 200001]]}
        elif key == "rb":
            exact = exact_rb_posterior(arr, False, [np.linspace(0.97, 1, 601), np.linspace(0, 1, 201), np.linspace(0, 1, 201)])
        else:
            exact = exact_rb_posterior(arr, True, [np.linspace(0.9, 1, 101), np.linspace(0.985, 1, 61), np.linspace(0, 1, 81), np.linspace(0, 1, 81)])
        print("simple_est", key, "exact posterior", exact["mean"], exact["sd"])
        out[key] = {
            "rows": arr, "columns": s["columns"], "truth": s["truth"], "csv": names[key], "exact_posterior": exact,
            "outcomes": outcomes, "expparams": eps,
            "fixed_cloud": cloud, "rows_used_with_fixed_cloud": used, "n_ess": up.n_ess, "weights": up.particle_weights, "mean_after_each": np.array(means),
            "mean": up.est_mean(), "covariance": up.est_covariance_mtx(),
            "normalization_record": np.array(up.normalization_record, dtype=float).ravel(),
            "qinfer_simple_est": {"seed": 11, "n_particles": extra["updater"].n_particles, "mean": mean, "covariance": cov, "resample_count": extra["updater"].resample_count},
        }
    write(
        "parity_simple_est.json",
        "simple_est_prec / simple_est_rb (standard and interleaved) on fixed data sets: QInfer's data_to_params, the updates from a fixed 2000-particle cloud with resampling off (exact), and the full estimators (statistical)",
        False,
        [
            "model, prior and data_to_params exactly as qinfer.simple_est.simple_est_prec / simple_est_rb build them",
            "np.random.seed(31); cloud = prior.sample(2000); up = SMCUpdater(model, 2000, FixedCloud(cloud), resample_thresh=0); up.update(o, e) for each row",
            "np.random.seed(11); qinfer.simple_est_prec(rows, return_all=True) / qinfer.simple_est_rb(rows, interleaved=..., return_all=True)",
        ],
        {},
        out,
        [
            "'weights', 'mean', 'covariance', 'normalization_record', 'mean_after_each' are deterministic given 'fixed_cloud' (1e-12); they use the first 'rows_used_with_fixed_cloud' rows (until n_ess < 3: no resampling).",
            "'qinfer_simple_est' uses numpy's RNG (8000 / 6000 particles, Liu-West resampling): compare within a fraction of the posterior standard deviation.",
            "'exact_posterior': mean and sd under the same (uniform, postselected) prior by summing the likelihood on a grid ('grids': [lo, hi, points] per parameter; p restricted to where the likelihood is not negligible). On rb, QInfer's simple_est_rb lands ~2.5 exact posterior sd below the exact p (Liu-West with a = 0.98 near the A + B <= 1 boundary).",
            "The data rows are also in examples/<csv> (with a header line).",
        ],
    )

# --------------------------------------------------------------------------------------------
# SMCUpdaterBCRB: the Bayesian information matrices
# --------------------------------------------------------------------------------------------

class FixedNormalCloud(FixedCloud):
    """A fixed cloud standing for samples of N(mean, diag(var)): grad_log_pdf of that normal."""

    def __init__(self, cloud, mean, var):
        super().__init__(cloud)
        self.mean, self.var = np.asarray(mean, float), np.asarray(var, float)

    def grad_log_pdf(self, x):
        return -(x - self.mean) / self.var


def section_bcrb():
    out = {}
    rs = np.random.RandomState(77)
    # one parameter: SimplePrecessionModel (I = t^2), prior N(0.5, 0.01)
    c1 = 0.5 + 0.1 * rs.randn(300, 1)
    c1 = np.abs(c1) + 1e-3  # valid (omega > 0)
    eps1 = [1.0, 2.5, 4.0, 7.5]
    model1 = qi.SimplePrecessionModel()
    np.random.seed(5)
    outs1 = [int(model1.simulate_experiment(np.array([[0.47]]), np.array([t]))) for t in eps1]
    up = qi.SMCUpdaterBCRB(model=model1, n_particles=300, prior=FixedNormalCloud(c1, [0.5], [0.01]), adaptive=True, resample_thresh=0)
    rec = {"initial_bim": up.current_bim, "current": [], "adaptive": [], "prior_bi": [], "posterior_bi": []}
    for o, t in zip(outs1, eps1):
        e = np.array([t])
        rec["prior_bi"].append(up.prior_bayes_information(e)[:, :, 0])
        rec["posterior_bi"].append(up.posterior_bayes_information(e)[:, :, 0])
        up.update(o, e)
        rec["current"].append(up.current_bim)
        rec["adaptive"].append(up.adaptive_bim)
    out["simple_precession"] = {"cloud": c1, "prior_mean": [0.5], "prior_var": [0.01], "expparams": eps1, "outcomes": outs1, **rec, "weights": up.particle_weights}
    # three parameters: DifferentiableBinomialModel(RandomizedBenchmarkingModel), N((0.98, 0.5, 0.45), diag(1e-4, 4e-3, 4e-3))
    rbm = qi.DifferentiableBinomialModel(qi.RandomizedBenchmarkingModel())
    mean, var = np.array([0.98, 0.48, 0.47]), np.array([1e-4, 4e-3, 4e-3])
    c3 = mean + np.sqrt(var) * rs.randn(400, 3)
    c3 = c3[rbm.are_models_valid(c3)][:300]
    eps3 = rec_dtype = np.array([(1, 50), (8, 50), (32, 50), (128, 50)], dtype=rbm.expparams_dtype)
    np.random.seed(6)
    outs3 = [int(rbm.simulate_experiment(np.array([[0.985, 0.5, 0.45]]), eps3[k:k + 1])) for k in range(len(eps3))]
    up3 = qi.SMCUpdaterBCRB(model=rbm, n_particles=c3.shape[0], prior=FixedNormalCloud(c3, mean, var), adaptive=True, resample_thresh=0)
    rec3 = {"initial_bim": up3.current_bim, "current": [], "adaptive": []}
    for k, o in enumerate(outs3):
        up3.update(o, eps3[k:k + 1])
        rec3["current"].append(up3.current_bim)
        rec3["adaptive"].append(up3.adaptive_bim)
    out["binomial_rb"] = {"cloud": c3, "prior_mean": mean, "prior_var": var, "expparams": eps3, "outcomes": outs3, **rec3, "weights": up3.particle_weights}
    write(
        "parity_bcrb.json",
        "SMCUpdaterBCRB: initial, current and adaptive Bayesian information matrices after each update, prior/posterior_bayes_information, on SimplePrecessionModel and DifferentiableBinomialModel(RandomizedBenchmarkingModel), from fixed clouds",
        True,
        [
            "prior = FixedNormalCloud(cloud, mean, var): sample(n) returns the fixed cloud, grad_log_pdf(x) = -(x - mean)/var",
            "up = SMCUpdaterBCRB(model=m, n_particles=len(cloud), prior=prior, adaptive=True, resample_thresh=0)",
            "for each datum: up.prior_bayes_information(e), up.posterior_bayes_information(e), up.update(o, e); up.current_bim, up.adaptive_bim",
        ],
        {},
        out,
        [
            "QInfer draws n_particles fresh prior samples for prior_bayes_information at every datum; with a fixed cloud every draw is the cloud, so the matrices are deterministic (1e-12).",
            "outcomes were simulated once (np.random seeds 5, 6) and are data here.",
            "QInfer's __init__ keeps only the kwargs 'resampler_a' (sic), 'resampler', 'resample_thresh', 'model', 'prior', 'n_particles': other SMCUpdater options are dropped silently.",
        ],
    )


SECTIONS = {
    "distributions": section_distributions,
    "rb": section_rb,
    "derived": section_derived,
    "poisson": section_poisson,
    "regions": section_regions,
    "liu_west_robust": section_liu_west_robust,
    "simple_est": section_simple_est,
    "bcrb": section_bcrb,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(SECTIONS)
    for n in names:
        SECTIONS[n]()
