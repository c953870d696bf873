import type { Model } from './Model.js';

const GREEK: Readonly<Record<string, string>> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', vartheta: 'ϑ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', upsilon: 'υ',
  phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  hbar: 'ℏ', infty: '∞', pm: '±', cdot: '·', times: '×',
};
/** Combining accents for \tilde, \hat, \bar and \dot over one character. */
const ACCENT: Readonly<Record<string, string>> = { tilde: '\u0303', hat: '\u0302', bar: '\u0304', dot: '\u0307' };
const SUB: Readonly<Record<string, string>> = {
  ...Object.fromEntries([...'0123456789'].map((d, i) => [d, '₀₁₂₃₄₅₆₇₈₉'[i]!])),
  '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎',
  a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ',
};
const SUP: Readonly<Record<string, string>> = {
  ...Object.fromEntries([...'0123456789'].map((d, i) => [d, '⁰¹²³⁴⁵⁶⁷⁸⁹'[i]!])),
  '+': '⁺', '-': '⁻', '−': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', i: 'ⁱ', n: 'ⁿ', '*': '*', '†': '†', "'": '′',
};

function script(text: string, table: Readonly<Record<string, string>>, mark: '_' | '^'): string {
  const chars = [...text];
  if (chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join('');
  return chars.length === 1 ? `${mark}${text}` : `${mark}(${text})`; // no Unicode form: keep it readable
}

/**
 * A parameter name written in LaTeX (QInfer's `modelparam_names`) turned into plain Unicode for
 * axes and terminals: Greek letters by name, sub- and superscripts as Unicode sub/superscript
 * characters where they exist (`_(…)` / `^(…)` otherwise), accents over one character (`\tilde`,
 * `\hat`, `\bar`, `\dot` as combining marks), braces, `$`, `\mathrm{…}` and spacing
 * commands removed.
 *
 * @example
 * ```ts
 * import { unicodeName } from 'qinfer-rx';
 * unicodeName('T_2^{-1}'); // 'T₂⁻¹'
 * unicodeName('\\omega');  // 'ω'
 * unicodeName('x_{0}');    // 'x₀'
 * unicodeName('\\tilde{p}'); // 'p̃'
 * ```
 */
export function unicodeName(latex: string): string {
  let s = latex.replace(/\$/g, '').replace(/\\(?:mathrm|mathit|text|operatorname)\{([^{}]*)\}/g, '$1').replace(/\\[,;: !]/g, ' ');
  s = s.replace(/\\(tilde|hat|bar|dot)\{(.)\}/gu, (_, accent: string, c: string) => c + ACCENT[accent]!); // \tilde{p} → p̃
  s = s.replace(/\\([a-zA-Z]+)/g, (whole, w: string) => GREEK[w] ?? w);
  s = s.replace(/([_^])(?:\{([^{}]*)\}|(.))/gu, (_, mark: '_' | '^', braced: string | undefined, single: string | undefined) =>
    script(braced ?? single ?? '', mark === '_' ? SUB : SUP, mark),
  );
  return s.replace(/[{}]/g, '').trim();
}

/**
 * A unit string with the experiment-time placeholder `[t]` replaced by `timeUnit` when one is
 * given (`'rad/[t]'` with `'µs'` → `'rad/µs'`, `'[t]⁻¹'` → `'µs⁻¹'`); unchanged otherwise, where
 * `[t]` reads "the unit of t".
 *
 * @example
 * ```ts
 * import { formatUnit } from 'qinfer-rx';
 * formatUnit('rad/[t]', 'µs'); // 'rad/µs'
 * ```
 */
export function formatUnit(unit: string, timeUnit?: string): string {
  return timeUnit === undefined || timeUnit === '' ? unit : unit.replace(/\[t\]/g, timeUnit);
}

/** Options of {@link modelparamLabel}. */
export interface ModelparamLabelOptions {
  /** The unit of the experiment time `t`, replacing `[t]` in the model's units (e.g. `'µs'`). */
  readonly timeUnit?: string;
}

/**
 * The display label of parameter `p` of a model: its Unicode name, followed by its unit in
 * parentheses when the model gives one (`modelparamUnits`).
 *
 * @example
 * ```ts
 * import { modelparamLabel, UnknownT2Model } from 'qinfer-rx';
 * modelparamLabel(new UnknownT2Model(), 1);                       // 'T₂⁻¹ ([t]⁻¹)'
 * modelparamLabel(new UnknownT2Model(), 1, { timeUnit: 'µs' });   // 'T₂⁻¹ (µs⁻¹)'
 * ```
 */
export function modelparamLabel(model: Pick<Model, 'modelparamNames' | 'modelparamUnits'>, p: number, options: ModelparamLabelOptions = {}): string {
  const name = unicodeName(model.modelparamNames[p] ?? `x_{${p}}`);
  const unit = model.modelparamUnits?.[p] ?? '';
  return unit === '' ? name : `${name} (${formatUnit(unit, options.timeUnit)})`;
}
