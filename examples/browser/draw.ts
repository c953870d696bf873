import { powerOfTen } from '../../src/index.js';

/** The drawing surface of one chart: a 2-D canvas context with its CSS size. */
export interface Chart {
  readonly ctx: CanvasRenderingContext2D;
  readonly width: number;
  readonly height: number;
}

const M = { left: 64, right: 16, top: 12, bottom: 40 };

/** Prepares a canvas for crisp drawing at the device pixel ratio. */
export function chart(canvas: HTMLCanvasElement): Chart {
  const dpr = globalThis.devicePixelRatio ?? 1;
  const width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height };
}

function frame(c: Chart, xTitle: string, yTitle: string): { x0: number; x1: number; y0: number; y1: number } {
  const { ctx, width, height } = c;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const box = { x0: M.left, x1: width - M.right, y0: height - M.bottom, y1: M.top };
  ctx.strokeStyle = '#888';
  ctx.strokeRect(box.x0, box.y1, box.x1 - box.x0, box.y0 - box.y1);
  ctx.fillStyle = '#222';
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(xTitle, (box.x0 + box.x1) / 2, height - 6);
  ctx.save();
  ctx.translate(14, (box.y0 + box.y1) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yTitle, 0, 0);
  ctx.restore();
  return box;
}

/** Nice linear tick values over [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  const step0 = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/**
 * The posterior marginal density over the parameter axis, offset by `offset` (the axis shows
 * x − offset, in units of `scale`), with the true value and the mean as vertical rules.
 */
export function drawPosterior(c: Chart, d: { ps: Float64Array; pr: Float64Array; truth: number; mean: number; lo: number; hi: number; xTitle: string; offset: number; scale: number }): void {
  const box = frame(c, d.xTitle, 'posterior density');
  const { ctx } = c;
  const x = (v: number): number => box.x0 + ((v - d.lo) / (d.hi - d.lo)) * (box.x1 - box.x0);
  let top = 0;
  for (const p of d.pr) top = Math.max(top, p);
  const y = (p: number): number => box.y0 - (p / (top || 1)) * (box.y0 - box.y1) * 0.95;
  ctx.fillStyle = 'rgba(31, 95, 160, 0.3)';
  ctx.strokeStyle = '#1f5fa0';
  ctx.beginPath();
  ctx.moveTo(x(d.ps[0]!), box.y0);
  for (let i = 0; i < d.ps.length; i++) ctx.lineTo(x(d.ps[i]!), y(d.pr[i]!));
  ctx.lineTo(x(d.ps[d.ps.length - 1]!), box.y0);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  for (const [v, colour] of [[d.truth, '#d62728'], [d.mean, '#1f5fa0']] as const) {
    if (v < d.lo || v > d.hi) continue;
    ctx.strokeStyle = colour;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x(v), box.y0);
    ctx.lineTo(x(v), box.y1);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.textAlign = 'left';
  ctx.fillStyle = '#d62728';
  ctx.fillText('┆ true value', box.x0 + 8, box.y1 + 16);
  ctx.fillStyle = '#1f5fa0';
  ctx.fillText('┆ posterior mean', box.x0 + 8, box.y1 + 32);
  ctx.fillStyle = '#222';
  ctx.textAlign = 'center';
  for (const t of ticks((d.lo - d.offset) / d.scale, (d.hi - d.offset) / d.scale)) {
    const px = x(t * d.scale + d.offset);
    ctx.fillText(Number(t.toPrecision(6)).toString(), px, box.y0 + 14);
  }
}

/** The posterior standard deviation after each experiment, on a log axis labelled 10ⁿ. */
export function drawWidth(c: Chart, sd: readonly number[], nExperiments: number): void {
  const box = frame(c, 'number of experiments', 'posterior σ');
  const { ctx } = c;
  const positive = sd.filter((s) => s > 0);
  if (positive.length === 0) return;
  const a = Math.floor(Math.log10(Math.min(...positive))), b = Math.max(a + 1, Math.ceil(Math.log10(Math.max(...positive))));
  const x = (k: number): number => box.x0 + (k / Math.max(1, nExperiments)) * (box.x1 - box.x0);
  const y = (s: number): number => box.y0 - ((Math.log10(s) - a) / (b - a)) * (box.y0 - box.y1);
  ctx.fillStyle = '#222';
  ctx.textAlign = 'right';
  for (let e = a; e <= b; e++) {
    ctx.fillText(powerOfTen(e), box.x0 - 6, y(10 ** e) + 4);
    ctx.strokeStyle = '#eee';
    ctx.beginPath();
    ctx.moveTo(box.x0, y(10 ** e));
    ctx.lineTo(box.x1, y(10 ** e));
    ctx.stroke();
  }
  ctx.textAlign = 'center';
  for (const t of ticks(0, nExperiments)) ctx.fillText(String(t), x(t), box.y0 + 14);
  ctx.strokeStyle = '#e45756';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  sd.forEach((s, k) => (k === 0 ? ctx.moveTo(x(k + 1), y(s)) : ctx.lineTo(x(k + 1), y(s))));
  ctx.stroke();
  ctx.lineWidth = 1;
}
