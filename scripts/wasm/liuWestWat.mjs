/**
 * The WebAssembly text of the Liu–West kernels, included in the update kernels' module by
 * build-kernels.mjs. Each function computes exactly what its JavaScript counterpart computes
 * (same operations in the same order, no fused multiply-add), so the results are bit-identical:
 *
 * - fill: xoshiro128** uniforms, `Rng.fillUniform`'s stream (the state in memory at $STATE);
 * - prepare: `MultinomialGuide.prepare` (running sum, guide table, sentinel, last positive weight);
 * - mean<d>, cov<d>: `weightedMean` and `centeredCovariance` (d = 1 … 4, one pass each with the
 *   d or d(d+1)/2 sums in registers, every sum over the particles in index order);
 * - move<d>: the fused pass of `guideDrawMove1` / `zigguratMove` (the parents by the guide's
 *   walk, their rows gathered, the ziggurat's fast path, `x' = a x_j + (1 − a)μ + hS z`), leaving
 *   the rows with a rejected normal untouched and listed for JavaScript.
 *
 * test/liu-west-kernels.test.ts checks the identity against the JavaScript path.
 */

/** Largest parameter count with generated kernels. */
export const LW_MAX_D = 4;

/** Byte offsets of the static area (before the particle arrays, which start at 4096). */
export const ZX = 0; // the ziggurat's X table, 257 f64
export const STATE = 2064; // xoshiro128** state, 4 i32
export const HS = 2080; // hS (d·d f64) then μ (d f64): 20 f64 at most
export const MOMENTS = 2240; // cov<d> / mean<d> output: d·d f64, then d f64 scratch

const lg = (n) => `(local.get $${n})`;
const ls = (n, v) => `(local.set $${n} ${v})`;
const f = (v) => `(f64.const ${v})`;
const i = (v) => `(i32.const ${v})`;
/** Address of element `idx` (an i32 expression) of the array at byte offset local `$base`, element size 2^shift. */
const at = (base, idx, shift = 3) => `(i32.add ${lg(base)} (i32.shl ${idx} ${i(shift)}))`;
const ld = (base, idx) => `(f64.load ${at(base, idx)})`;

/** One xoshiro128** step: output into local $r (the scrambled old b), state in $a0 $b $c $d. */
const step = (r) => `
    ${ls(r, `(i32.mul (i32.rotl (i32.mul ${lg('b')} ${i(5)}) ${i(7)}) ${i(9)})`)}
    ${ls('t', `(i32.shl ${lg('b')} ${i(9)})`)}
    ${ls('c', `(i32.xor ${lg('c')} ${lg('a0')})`)}
    ${ls('d', `(i32.xor ${lg('d')} ${lg('b')})`)}
    ${ls('b', `(i32.xor ${lg('b')} ${lg('c')})`)}
    ${ls('a0', `(i32.xor ${lg('a0')} ${lg('d')})`)}
    ${ls('c', `(i32.xor ${lg('c')} ${lg('t')})`)}
    ${ls('d', `(i32.rotl ${lg('d')} ${i(11)})`)}`;

const fill = `
  ;; p[0..n) = uniforms, u = ((r1 >>> 0)·2^21 + (r2 >>> 11))·2^-53, the state at STATE (Rng.fillUniform).
  (func (export "fill") (param $p i32) (param $n i32)
    (local $a0 i32) (local $b i32) (local $c i32) (local $d i32) (local $t i32) (local $r1 i32) (local $r2 i32) (local $end i32)
    ${ls('a0', `(i32.load (i32.const ${STATE}))`)} ${ls('b', `(i32.load (i32.const ${STATE + 4}))`)}
    ${ls('c', `(i32.load (i32.const ${STATE + 8}))`)} ${ls('d', `(i32.load (i32.const ${STATE + 12}))`)}
    ${ls('end', `(i32.add ${lg('p')} (i32.shl ${lg('n')} ${i(3)}))`)}
    (block $done (loop $each
      (br_if $done (i32.ge_u ${lg('p')} ${lg('end')}))
      ${step('r1')}
      ${step('r2')}
      (f64.store ${lg('p')} (f64.mul (f64.add (f64.mul (f64.convert_i32_u ${lg('r1')}) ${f(2097152)}) (f64.convert_i32_u (i32.shr_u ${lg('r2')} ${i(11)}))) ${f('0x1p-53')}))
      ${ls('p', `(i32.add ${lg('p')} ${i(8)})`)}
      (br $each)))
    (i32.store (i32.const ${STATE}) ${lg('a0')}) (i32.store (i32.const ${STATE + 4}) ${lg('b')})
    (i32.store (i32.const ${STATE + 8}) ${lg('c')}) (i32.store (i32.const ${STATE + 12}) ${lg('d')}))`;

const prepare = `
  ;; MultinomialGuide.prepare: cdf[j] = Σ_{i≤j} w_i, guide[min(⌈cdf[j]·g⌉, g)] = j + 1 (the last j wins),
  ;; carried forward by a running maximum over the g buckets; cdf[n] = +∞; returns the last index of
  ;; positive weight (0 when there is none).
  (func (export "prepare") (param $wp i32) (param $cdfp i32) (param $gp i32) (param $n i32) (param $g i32) (result i32)
    (local $j i32) (local $s f64) (local $bf f64) (local $gf f64) (local $k i32) (local $c i32) (local $m i32) (local $last i32)
    (memory.fill ${lg('gp')} ${i(0)} (i32.shl (i32.add ${lg('g')} ${i(1)}) ${i(2)}))
    ${ls('gf', `(f64.convert_i32_u ${lg('g')})`)}
    (block $done (loop $each
      (br_if $done (i32.ge_u ${lg('j')} ${lg('n')}))
      ${ls('s', `(f64.add ${lg('s')} ${ld('wp', lg('j'))})`)}
      (f64.store ${at('cdfp', lg('j'))} ${lg('s')})
      ${ls('bf', `(f64.ceil (f64.mul ${lg('s')} ${lg('gf')}))`)}
      ${ls('j', `(i32.add ${lg('j')} ${i(1)})`)}
      (i32.store ${at('gp', `(select (i32.trunc_sat_f64_s ${lg('bf')}) ${lg('g')} (f64.lt ${lg('bf')} ${lg('gf')}))`, 2)} ${lg('j')})
      (br $each)))
    (block $done2 (loop $carry
      (br_if $done2 (i32.ge_u ${lg('k')} ${lg('g')}))
      ${ls('m', `(i32.load ${at('gp', lg('k'), 2)})`)}
      ${ls('c', `(select ${lg('m')} ${lg('c')} (i32.gt_s ${lg('m')} ${lg('c')}))`)}
      (i32.store ${at('gp', lg('k'), 2)} ${lg('c')})
      ${ls('k', `(i32.add ${lg('k')} ${i(1)})`)}
      (br $carry)))
    (f64.store ${at('cdfp', lg('n'))} ${f('inf')})
    ${ls('last', `(i32.sub ${lg('n')} ${i(1)})`)}
    (block $found (loop $back
      (br_if $found (i32.le_s ${lg('last')} ${i(0)}))
      (br_if $found (f64.gt ${ld('wp', lg('last'))} ${f(0)}))
      ${ls('last', `(i32.sub ${lg('last')} ${i(1)})`)}
      (br $back)))
    ${lg('last')})`;

/** Local names of component p, and of the pair (p, q). */
const range = (d) => Array.from({ length: d }, (_, p) => p);
const pairs = (d) => range(d).flatMap((p) => range(d).filter((q) => q >= p).map((q) => [p, q]));

/**
 * mean<d>: μ_p = Σ_i w_i x_{i,p} in index order (weightedMean: every particle, zero weights too),
 * into MOMENTS + 8·d·d.
 */
function mean(d) {
  const x = (p) => `(f64.load offset=${8 * p} ${lg('row')})`;
  return `
  (func (export "mean${d}") (param $xp i32) (param $wp i32) (param $n i32)
    (local $i i32) (local $row i32) (local $wi f64) ${range(d).map((p) => `(local $m${p} f64)`).join(' ')}
    ${ls('row', lg('xp'))}
    (block $done (loop $each
      (br_if $done (i32.ge_u ${lg('i')} ${lg('n')}))
      ${ls('wi', ld('wp', lg('i')))}
      ${range(d).map((p) => ls(`m${p}`, `(f64.add ${lg(`m${p}`)} (f64.mul ${lg('wi')} ${x(p)}))`)).join('\n      ')}
      ${ls('row', `(i32.add ${lg('row')} ${i(8 * d)})`)}
      ${ls('i', `(i32.add ${lg('i')} ${i(1)})`)}
      (br $each)))
    ${range(d).map((p) => `(f64.store (i32.const ${MOMENTS + 8 * d * d + 8 * p}) ${lg(`m${p}`)})`).join(' ')})`;
}

/**
 * cov<d>: centeredCovariance — shift r (the first particle of positive weight, at most n − 1),
 * μ'_p = Σ_{w≠0} w (x_p − r_p), C_pq = Σ_{w≠0} (w (x_p − r_p − μ'_p)) (x_q − r_q − μ'_q), the full
 * symmetric matrix into MOMENTS.
 */
function cov(d) {
  const x = (p) => `(f64.load offset=${8 * p} ${lg('row')})`;
  const loop = (body) => `
    ${ls('row', lg('xp'))} ${ls('i', i(0))}
    (block $done (loop $each
      (br_if $done (i32.ge_u ${lg('i')} ${lg('n')}))
      ${ls('wi', ld('wp', lg('i')))}
      (if (f64.ne ${lg('wi')} ${f(0)}) (then ${body}))
      ${ls('row', `(i32.add ${lg('row')} ${i(8 * d)})`)}
      ${ls('i', `(i32.add ${lg('i')} ${i(1)})`)}
      (br $each)))`;
  const e = (p) => `(f64.sub (f64.sub ${x(p)} ${lg(`s${p}`)}) ${lg(`m${p}`)})`;
  return `
  (func (export "cov${d}") (param $xp i32) (param $wp i32) (param $n i32)
    (local $i i32) (local $r i32) (local $row i32) (local $wi f64)
    ${range(d).map((p) => `(local $s${p} f64) (local $m${p} f64) (local $e${p} f64)`).join(' ')}
    ${pairs(d).map(([p, q]) => `(local $c${p}_${q} f64)`).join(' ')}
    (block $found (loop $first
      (br_if $found (i32.ge_s ${lg('r')} (i32.sub ${lg('n')} ${i(1)})))
      (br_if $found (f64.gt ${ld('wp', lg('r'))} ${f(0)}))
      ${ls('r', `(i32.add ${lg('r')} ${i(1)})`)}
      (br $first)))
    ${ls('row', `(i32.add ${lg('xp')} (i32.mul ${lg('r')} ${i(8 * d)}))`)}
    ${range(d).map((p) => ls(`s${p}`, x(p))).join(' ')}
    ${loop(range(d).map((p) => ls(`m${p}`, `(f64.add ${lg(`m${p}`)} (f64.mul ${lg('wi')} (f64.sub ${x(p)} ${lg(`s${p}`)})))`)).join('\n        '))}
    ${loop(`${range(d).map((p) => ls(`e${p}`, e(p))).join(' ')}
        ${pairs(d).map(([p, q]) => ls(`c${p}_${q}`, `(f64.add ${lg(`c${p}_${q}`)} (f64.mul (f64.mul ${lg('wi')} ${lg(`e${p}`)}) ${lg(`e${q}`)}))`)).join('\n        ')}`)}
    ${pairs(d).flatMap(([p, q]) => [[p, q], ...(p === q ? [] : [[q, p]])].map(([a, b]) => `(f64.store (i32.const ${MOMENTS + 8 * (a * d + b)}) ${lg(`c${p}_${q}`)})`)).join(' ')})`;
}

/**
 * move<d>: for each row i, the parent j from the guide table (its whole walk, into parents[i]),
 * its row x_j gathered into u[i·d …] (the parents' uniforms are spent by then), the d normals'
 * fast path from the uniforms in out[i·d …], and, when none is rejected, out row i =
 * a x_j + (1 − a) μ + hS z (z from the fast path; the sum Σ_q hS_pq z_q from 0 in q order, as
 * shrinkAndJitter). Otherwise the row keeps its uniforms and is listed in rows (ascending), for
 * JavaScript to finish its normals in index order. hS and μ at HS. Returns the count of listed rows.
 */
function move(d) {
  const cdf = (idx) => ld('cdfp', idx);
  const zx = (off) => `(f64.load offset=${off} ${lg('zl')})`;
  const normal = (q) => `
      ${ls('t', `(f64.mul (f64.load offset=${8 * q} ${lg('orow')}) ${f(512)})`)}
      ${ls('bi', `(i32.trunc_f64_u ${lg('t')})`)}
      ${ls('zl', `(i32.add (i32.const ${ZX}) (i32.shl (i32.and ${lg('bi')} ${i(255)}) ${i(3)}))`)}
      ${ls('v', `(f64.mul (f64.sub ${lg('t')} (f64.convert_i32_u ${lg('bi')})) ${zx(0)})`)}
      ${ls('bad', `(i32.or ${lg('bad')} (i32.eqz (f64.lt ${lg('v')} ${zx(8)})))`)}
      ${ls(`z${q}`, `(f64.mul ${lg('v')} (f64.convert_i32_s (i32.sub ${i(1)} (i32.shl (i32.shr_u ${lg('bi')} ${i(8)}) ${i(1)}))))`)}`;
  const xj = (p) => `(f64.load offset=${8 * p} ${lg('xrow')})`;
  const moved = (p) => {
    // d = 1 as guideDrawMove1: h·z itself; d > 1 as shrinkAndJitter: the sum from 0 in q order.
    let s = d === 1 ? `(f64.mul ${lg('h0_0')} ${lg('z0')})` : f(0);
    if (d > 1) for (const q of range(d)) s = `(f64.add ${s} (f64.mul ${lg(`h${p}_${q}`)} ${lg(`z${q}`)}))`;
    return `(f64.store offset=${8 * p} ${lg('orow')} (f64.add (f64.add (f64.mul ${lg('a')} ${xj(p)}) (f64.mul ${lg('b1')} ${lg(`mu${p}`)})) ${s}))`;
  };
  return `
  (func (export "move${d}") (param $up i32) (param $outp i32) (param $xp i32) (param $cdfp i32) (param $gp i32) (param $parp i32) (param $rowp i32)
      (param $n i32) (param $g f64) (param $last i32) (param $a f64) (result i32)
    (local $i i32) (local $nf i32) (local $ui f64) (local $j i32) (local $t f64) (local $bi i32) (local $zl i32) (local $v f64) (local $bad i32)
    (local $orow i32) (local $xrow i32) (local $b1 f64)
    ${range(d).map((q) => `(local $z${q} f64) (local $mu${q} f64)`).join(' ')}
    ${range(d).flatMap((p) => range(d).map((q) => `(local $h${p}_${q} f64)`)).join(' ')}
    ${range(d).flatMap((p) => range(d).map((q) => ls(`h${p}_${q}`, `(f64.load (i32.const ${HS + 8 * (p * d + q)}))`))).join(' ')}
    ${range(d).map((p) => ls(`mu${p}`, `(f64.load (i32.const ${HS + 8 * (d * d + p)}))`)).join(' ')}
    ${ls('b1', `(f64.sub ${f(1)} ${lg('a')})`)}
    ${ls('orow', lg('outp'))}
    ;; The parents in three loops of one random load each — the guide's buckets, the walk over the
    ;; running sum (two branch-free steps, then a loop in the few rows that need more), the rows
    ;; gathered — so that each keeps many rows' independent loads in flight, which matters once
    ;; the cloud leaves the caches (~1e5 particles); the move below then reads in sequence.
    (block $bdone (loop $buckets
      (br_if $bdone (i32.ge_u ${lg('i')} ${lg('n')}))
      (i32.store ${at('parp', lg('i'), 2)} (i32.load ${at('gp', `(i32.trunc_f64_u (f64.mul ${ld('up', lg('i'))} ${lg('g')}))`, 2)}))
      ${ls('i', `(i32.add ${lg('i')} ${i(1)})`)}
      (br $buckets)))
    ${ls('i', i(0))}
    (block $wdone (loop $walk
      (br_if $wdone (i32.ge_u ${lg('i')} ${lg('n')}))
      ${ls('ui', ld('up', lg('i')))}
      ${ls('j', `(i32.load ${at('parp', lg('i'), 2)})`)}
      ${ls('j', `(i32.add ${lg('j')} (f64.le ${cdf(lg('j'))} ${lg('ui')}))`)}
      ${ls('j', `(i32.add ${lg('j')} (f64.le ${cdf(lg('j'))} ${lg('ui')}))`)}
      (if (f64.le ${cdf(lg('j'))} ${lg('ui')})
        (then (loop $more
          ${ls('j', `(i32.add ${lg('j')} ${i(1)})`)}
          (br_if $more (f64.le ${cdf(lg('j'))} ${lg('ui')})))))
      ${ls('j', `(select ${lg('j')} ${lg('last')} (i32.lt_s ${lg('j')} ${lg('last')}))`)}
      (i32.store ${at('parp', lg('i'), 2)} ${lg('j')})
      ${ls('i', `(i32.add ${lg('i')} ${i(1)})`)}
      (br $walk)))
    ;; The parents' rows, in order, over the spent uniforms (u has room for n·d values).
    ${ls('i', i(0))} ${ls('xrow', lg('up'))}
    (block $gdone (loop $gather
      (br_if $gdone (i32.ge_u ${lg('i')} ${lg('n')}))
      ${ls('j', `(i32.add ${lg('xp')} (i32.mul (i32.load ${at('parp', lg('i'), 2)}) ${i(8 * d)}))`)}
      ${range(d).map((p) => `(f64.store offset=${8 * p} ${lg('xrow')} (f64.load offset=${8 * p} ${lg('j')}))`).join(' ')}
      ${ls('xrow', `(i32.add ${lg('xrow')} ${i(8 * d)})`)}
      ${ls('i', `(i32.add ${lg('i')} ${i(1)})`)}
      (br $gather)))
    ${ls('i', i(0))} ${ls('xrow', lg('up'))}
    (block $done (loop $each
      (br_if $done (i32.ge_u ${lg('i')} ${lg('n')}))
      ${ls('bad', i(0))}
      ${range(d).map(normal).join('')}
      (if (i32.eqz ${lg('bad')})
        (then ${range(d).map(moved).join('\n          ')})
        (else
          (i32.store ${at('rowp', lg('nf'), 2)} ${lg('i')})
          ${ls('nf', `(i32.add ${lg('nf')} ${i(1)})`)}))
      ${ls('orow', `(i32.add ${lg('orow')} ${i(8 * d)})`)}
      ${ls('xrow', `(i32.add ${lg('xrow')} ${i(8 * d)})`)}
      ${ls('i', `(i32.add ${lg('i')} ${i(1)})`)}
      (br $each)))
    ${lg('nf')})`;
}

/** The Liu–West functions of the module (to be placed inside its `(module …)`). */
export function liuWestFunctions() {
  const ds = range(LW_MAX_D).map((p) => p + 1);
  return [fill, prepare, ...ds.map(mean), ...ds.map(cov), ...ds.map(move)].join('\n');
}
