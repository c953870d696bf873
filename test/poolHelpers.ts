import { Rng } from '../src/rng/Rng.js';

/** Bitwise equality of two float arrays (tells -0 from 0 and NaN payloads apart, unlike toEqual). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return ua.every((v, i) => v === ub[i]);
}

/** `n` seeded particles in (0.01, 2.01). */
export function randomParticles(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => 0.01 + 2 * rng.uniform());
}
