#!/usr/bin/env python3
# The coefficients of cos(r) ≈ Σ Cₙ r²ⁿ, n ≤ 8, on [−π/2, π/2] used by src/util/cosSquared.ts and
# the WebAssembly kernel (scripts/wasm/build-kernels.mjs): the minimax polynomial for the absolute
# error (weighted Remez in z = r², mpmath at 60 digits) with C0 = 1 and C1 = −1/2 held exact, the
# other coefficients fixed as doubles one at a time, the rest re-fitted after each (a simple
# fpminimax). Prints the error bound after each step and the final list. Run: python3 cosMinimax.py
from mpmath import mp, mpf, cos, sqrt, pi, matrix, lu_solve
mp.dps = 60
m = 8
Z = (pi / 2) ** 2
def remez(fixed):
    j = len(fixed)  # cos = 1 + Σ_{k<j} fixed[k] z^(k+1) + z^(j+1) q(z), q of degree m-1-j
    n = m - j
    def g(z):
        s = cos(sqrt(z)) - 1
        for k, a in enumerate(fixed): s -= mpf(a) * z ** (k + 1)
        return s / z ** (j + 1)
    W = lambda z: z ** (j + 1)
    pts = [Z / 2 * (1 - cos(pi * (i + 0.5) / (n + 1))) for i in range(n + 1)]
    def err(c, z):
        q = mpf(0)
        for a in reversed(c): q = q * z + a
        return W(z) * (g(z) - q)
    for it in range(40):
        A = matrix(n + 1, n + 1); b = matrix(n + 1, 1)
        for i, z in enumerate(pts):
            for k in range(n): A[i, k] = W(z) * z ** k
            A[i, n] = (-1) ** i
            b[i] = W(z) * g(z)
        sol = lu_solve(A, b)
        c = [sol[k] for k in range(n)]; E = sol[n]
        N = 3000
        grid = [Z * (i + 0.001) / N for i in range(N + 1)]
        ev = [err(c, z) for z in grid]
        cand = [0] + [i for i in range(1, N) if (ev[i] - ev[i-1]) * (ev[i+1] - ev[i]) <= 0] + [N]
        sel = []
        for i in cand:
            if sel and (ev[i] > 0) == (ev[sel[-1]] > 0):
                if abs(ev[i]) > abs(ev[sel[-1]]): sel[-1] = i
            else: sel.append(i)
        while len(sel) > n + 1:
            if abs(ev[sel[0]]) < abs(ev[sel[-1]]): sel.pop(0)
            else: sel.pop()
        mx = max(abs(e) for e in ev)
        if len(sel) < n + 1: break
        pts = [grid[i] for i in sel]
        if abs(mx - abs(E)) < abs(E) * mpf('1e-4'): break
    return c, mx
fixed = [-0.5]
for step in range(m - 1):
    c, mx = remez(fixed)
    fixed.append(float(c[0]))
    print(step, 'max', mp.nstr(mx, 4), 'fixed', fixed[-1])
print([1] + fixed)
