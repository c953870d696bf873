#!/usr/bin/env node
/**
 * Generates the WebAssembly update kernels (src/util/wasm/updateKernelsBinary.ts) from the text
 * below, assembled with wabt (a devDependency; the library itself needs only the bytes).
 *
 *   node scripts/wasm/build-kernels.mjs           (rewrite the binary module)
 *   node scripts/wasm/build-kernels.mjs --check   (exit 1 when the checked-in bytes are stale)
 *
 * The arithmetic is the JavaScript kernels' operation for operation (src/util/cosSquared.ts and
 * the two passes of SMCUpdater.applyLikelihood), so the results are bit-identical: cos² runs two
 * particles at a time in f64x2 lanes (IEEE add/mul/floor, no fused multiply-add), and every sum
 * runs in scalar f64 in index order (Neumaier's compensated sum, as src/util/compensatedSum.ts).
 * test/wasm-kernels.test.ts checks the identity against the JavaScript kernels.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

// The constants of src/util/cosSquared.ts, as written there.
const PI_A = '3.141592025756836', PI_B = '6.278328328335192e-7', PI_C = '1.2446744343793227e-13', INV_PI = '0.3183098861837907';
const LIMIT = '1.3e10'; // as cosSquared's LIMIT
const C = ['1', '-0.5', '0.041666666666666664', '-0.001388888888888889', '2.48015873015873e-5', '-2.755731922398589e-7',
  '2.08767569878681e-9', '-1.1470745597729725e-11', '4.779477332387385e-14', '-1.5619206968586225e-16', '4.110317623312165e-19'];
const TOL = '1e-12'; // LIKELIHOOD_TOLERANCE

/** Binary op in the lane type T ('f64x2' or 'f64'). */
const op = (T, name, a, b) => `(${T}.${name} ${a} ${b})`;
/**
 * A constant of lane type T. Vector constants live in locals set once per call ($K0, $K1, …):
 * measured 1.4× faster than v128.const operands in the loop, which V8 rematerialises each time.
 */
const vecConsts = new Map();
const cst = (T, v) => {
  if (T === 'f64') return `(f64.const ${v})`;
  if (!vecConsts.has(v)) vecConsts.set(v, `$K${vecConsts.size}`);
  return `(local.get ${vecConsts.get(v)})`;
};
const vecConstLocals = () => [...vecConsts.values()].map((n) => `(local ${n} v128)`).join(' ');
const vecConstInits = () => [...vecConsts.entries()].map(([v, n]) => `(local.set ${n} (v128.const f64x2 ${v} ${v}))`).join('\n    ');

/**
 * cos²(y) for y in local `$y<s>` (type T), leaving it on the stack; locals $k,$r,$z,$z2,$z4<s>.
 * The same evaluation order as cosSquared(): k = floor(y/π + ½), r = ((y − kA) − kB) − kC,
 * Estrin: q03 = (C0 + C1 z) + (C2 + C3 z) z², q47 likewise, q810 = (C8 + C9 z) + C10 z²,
 * c = (q03 + q47 z⁴) + q810 z⁸, cos² = c·c.
 */
function cos2(T, s) {
  const g = (n) => `(local.get $${n}${s})`;
  const mul = (a, b) => op(T, 'mul', a, b), add = (a, b) => op(T, 'add', a, b), sub = (a, b) => op(T, 'sub', a, b);
  const c = (i) => cst(T, C[i]);
  return `
      (local.set $k${s} (${T}.floor ${add(mul(g('y'), cst(T, INV_PI)), cst(T, '0.5'))}))
      (local.set $r${s} ${sub(sub(sub(g('y'), mul(g('k'), cst(T, PI_A))), mul(g('k'), cst(T, PI_B))), mul(g('k'), cst(T, PI_C)))})
      (local.set $z${s} ${mul(g('r'), g('r'))})
      (local.set $z2${s} ${mul(g('z'), g('z'))})
      (local.set $z4${s} ${mul(g('z2'), g('z2'))})
      (local.set $c${s} ${add(
        add(
          add(add(c(0), mul(c(1), g('z'))), mul(add(c(2), mul(c(3), g('z'))), g('z2'))),
          mul(add(add(c(4), mul(c(5), g('z'))), mul(add(c(6), mul(c(7), g('z'))), g('z2'))), g('z4')),
        ),
        mul(add(add(c(8), mul(c(9), g('z'))), mul(c(10), g('z2'))), mul(g('z4'), g('z4'))),
      )})
      ${mul(g('c'), g('c'))}`;
}

const laneLocals = (T, s) => ['y', 'k', 'r', 'z', 'z2', 'z4', 'c'].map((n) => `(local $${n}${s} ${T === 'f64' ? 'f64' : 'v128'})`).join(' ');

/**
 * One particle's likelihood into the compensated sum: l = flip ? 1 − c² : c² (c² in local $sq), clipped at 0 (flag 1) when negative, flag 2 when not in [0, 1 + TOL] (NaN
 * included); v = w·l stored at $vp + off; then t = N + v, comp += (N ≥ v ? (N − t) + v : (v − t) + N).
 */
const accumulate = (wOff) => `
      (local.set $l (select (f64.sub (f64.const 1) (local.get $sq)) (local.get $sq) (local.get $flip)))
      (if (f64.lt (local.get $l) (f64.const 0))
        (then (local.set $flags (i32.or (local.get $flags) (select (i32.const 1) (i32.const 2) (f64.ge (local.get $l) (f64.const -${TOL})))))
              (local.set $l (f64.const 0))))
      (if (i32.eqz (f64.le (local.get $l) (f64.const ${1 + Number(TOL)})))
        (then (local.set $flags (i32.or (local.get $flags) (i32.const 2)))))
      (local.set $v (f64.mul (f64.load offset=${wOff} (i32.add (local.get $wp) (local.get $i))) (local.get $l)))
      (f64.store offset=${wOff} (i32.add (local.get $vp) (local.get $i)) (local.get $v))
      ${neumaier()}`;

/** N += v by Neumaier: t = N + v, comp += (N ≥ v ? (N − t) + v : (v − t) + N), N = t. */
const neumaier = () => `
      (local.set $t (f64.add (local.get $N) (local.get $v)))
      (local.set $comp (f64.add (local.get $comp)
        (select (f64.add (f64.sub (local.get $N) (local.get $t)) (local.get $v))
                (f64.add (f64.sub (local.get $v) (local.get $t)) (local.get $N))
                (f64.ge (local.get $N) (local.get $v)))))
      (local.set $N (local.get $t))`;

/** y = h·(x − off) of the particle at byte offset $i + o, out of range (or NaN) → flag 2. */
const ySetScalar = (o) => `
      (local.set $ys (f64.mul (local.get $h) (f64.sub (f64.load offset=${o} (i32.add (local.get $xp) (local.get $i))) (local.get $off))))
      (if (i32.eqz (f64.lt (f64.abs (local.get $ys)) (f64.const ${LIMIT}))) (then (local.set $flags (i32.or (local.get $flags) (i32.const 2)))))`;

/** The locals of one pair of particles (suffix s). */
const pairLocals = (s) => `${laneLocals('f64x2', s)} (local $pair${s} v128) (local $lv${s} v128) (local $vv${s} v128)`;

/**
 * cos² of the pair at byte offset $i + o into $pair<s>, and l = flip ? 1 − c² : c² into $lv<s>
 * (flag 2 when some |y| ≥ LIMIT or is NaN).
 */
const pairCompute = (s, o) => `
      (local.set $y${s} (f64x2.mul (local.get $hv) (f64x2.sub (v128.load offset=${o} (i32.add (local.get $xp) (local.get $i))) (local.get $offv))))
      (if (i32.eqz (i64x2.all_true (f64x2.lt (f64x2.abs (local.get $y${s})) ${cst('f64x2', LIMIT)})))
        (then (local.set $flags (i32.or (local.get $flags) (i32.const 2)))))
      (local.set $pair${s} ${cos2('f64x2', s)})
      (local.set $lv${s} (v128.bitselect (f64x2.sub ${cst('f64x2', '1')} (local.get $pair${s})) (local.get $pair${s}) (local.get $flipv)))`;

/**
 * The pair's v = w·l stored and summed in index order; the common case (both l in [0, 1 + TOL])
 * has no branch, the other one checks and clips lane by lane.
 */
const pairAccumulate = (s, o) => `
      (if (i64x2.all_true (v128.and (f64x2.ge (local.get $lv${s}) ${cst('f64x2', '0')}) (f64x2.le (local.get $lv${s}) ${cst('f64x2', String(1 + Number(TOL)))})))
        (then
          (local.set $vv${s} (f64x2.mul (v128.load offset=${o} (i32.add (local.get $wp) (local.get $i))) (local.get $lv${s})))
          (v128.store offset=${o} (i32.add (local.get $vp) (local.get $i)) (local.get $vv${s}))
          (local.set $v (f64x2.extract_lane 0 (local.get $vv${s})))
          ${neumaier()}
          (local.set $v (f64x2.extract_lane 1 (local.get $vv${s})))
          ${neumaier()})
        (else
          (local.set $sq (f64x2.extract_lane 0 (local.get $pair${s})))
          ${accumulate(o)}
          (local.set $sq (f64x2.extract_lane 1 (local.get $pair${s})))
          ${accumulate(o + 8)}))`;

// The loop bodies first: they register the vector constants the function's locals must declare.
const quadBody = [pairCompute('a', 0), pairCompute('b', 16), pairAccumulate('a', 0), pairAccumulate('b', 16)].join('');
const pairBody = pairCompute('a', 0) + pairAccumulate('a', 0);

const wat = `(module
  (memory (export "memory") 1)
  ;; Bit 0: a likelihood in [−TOL, 0) was clipped to 0; bit 1: the JavaScript path must redo this
  ;; datum (|y| beyond the exact reduction, NaN, or a likelihood outside [−TOL, 1 + TOL]).
  (global $flagsOut (export "flags") (mut i32) (i32.const 0))
  (global $meanOut (export "mean") (mut f64) (f64.const 0))

  ;; v_i = w_i · L_i with L_i = cos²(h (x_i − off)) (flip = 0) or 1 − cos² (flip = 1) for i < n;
  ;; returns N = Σ v_i (Neumaier, index order). Byte offsets xp, wp, vp (8-aligned).
  (func (export "cos2Weights") (param $xp i32) (param $wp i32) (param $vp i32) (param $n i32) (param $h f64) (param $off f64) (param $flip i32) (result f64)
    (local $i i32) (local $end i32) (local $flags i32)
    (local $N f64) (local $comp f64) (local $t f64) (local $v f64) (local $l f64) (local $sq f64) (local $flipv v128) (local $hv v128) (local $offv v128)
    ${pairLocals('a')} ${pairLocals('b')} ${laneLocals('f64', 's')} ${vecConstLocals()}
    ${vecConstInits()}
    (local.set $hv (f64x2.splat (local.get $h)))
    (local.set $offv (f64x2.splat (local.get $off)))
    (local.set $flipv (i64x2.splat (i64.extend_i32_s (i32.sub (i32.const 0) (local.get $flip)))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    ;; Four particles per round (two pairs, their cos² overlapping), then one pair, then one particle.
    (block $done4 (loop $quads
      (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 32)) (local.get $end)))
      ${quadBody}
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $quads)))
    (if (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $end))
      (then
        ${pairBody}
        (local.set $i (i32.add (local.get $i) (i32.const 16)))))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then
        ${ySetScalar(0)}
        (local.set $sq ${cos2('f64', 's')})
        ${accumulate(0)}))
    (global.set $flagsOut (local.get $flags))
    (f64.add (local.get $N) (local.get $comp)))

  ;; w_i = v_i / div for i < n; returns Σ w_i² (Neumaier, index order) and leaves Σ w_i x_i
  ;; (plain sum, index order: estMean for one parameter) in the global "mean".
  (func (export "normalize") (param $vp i32) (param $wp i32) (param $xp i32) (param $n i32) (param $div f64) (result f64)
    (local $i i32) (local $end i32) (local $ss f64) (local $cc f64) (local $t f64) (local $q f64) (local $wi f64) (local $m f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $wi (f64.div (f64.load (i32.add (local.get $vp) (local.get $i))) (local.get $div)))
      (f64.store (i32.add (local.get $wp) (local.get $i)) (local.get $wi))
      (local.set $q (f64.mul (local.get $wi) (local.get $wi)))
      (local.set $t (f64.add (local.get $ss) (local.get $q)))
      (local.set $cc (f64.add (local.get $cc)
        (select (f64.add (f64.sub (local.get $ss) (local.get $t)) (local.get $q))
                (f64.add (f64.sub (local.get $q) (local.get $t)) (local.get $ss))
                (f64.ge (local.get $ss) (local.get $q)))))
      (local.set $ss (local.get $t))
      (local.set $m (f64.add (local.get $m) (f64.mul (local.get $wi) (f64.load (i32.add (local.get $xp) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $each)))
    (global.set $meanOut (local.get $m))
    (f64.add (local.get $ss) (local.get $cc)))
)
`;

const wabt = await wabtInit();
const mod = wabt.parseWat('updateKernels.wat', wat, { simd: true, mutable_globals: true });
mod.validate();
const { buffer } = mod.toBinary({});
mod.destroy();
const b64 = Buffer.from(buffer).toString('base64');
const lines = b64.match(/.{1,100}/g).map((l) => `  '${l}'`).join(' +\n');
const ts = `// Generated by scripts/wasm/build-kernels.mjs from the WebAssembly text there: do not edit.
// ${buffer.length} bytes; regenerate with \`node scripts/wasm/build-kernels.mjs\`.

/** The update kernels' WebAssembly module (base64). */
export const UPDATE_KERNELS_WASM =
${lines};
`;
const target = fileURLToPath(new URL('../../src/util/wasm/updateKernelsBinary.ts', import.meta.url));
if (process.argv.includes('--check')) {
  const old = readFileSync(target, 'utf8');
  if (old !== ts) {
    console.error(`${target} is stale: run node scripts/wasm/build-kernels.mjs`);
    process.exit(1);
  }
  console.log('up to date');
} else {
  writeFileSync(target, ts);
  console.log(`wrote ${target} (${buffer.length} bytes)`);
}
