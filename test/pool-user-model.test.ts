import { describe, expect, it } from 'vitest';
import { runUserModelExample } from '../examples/user-model/main.js';

describe('examples/user-model: a user-defined model module on a worker pool', () => {
  it('is registered in the workers, computes the serial likelihood bit for bit and estimates ω', async () => {
    const lines: string[] = [];
    const r = await runUserModelExample(0.7, 2, (l) => lines.push(l));
    expect(r.sameAsSerial).toBe(true);
    expect(r.engines).toBe(2);
    expect(r.sd).toBeLessThan(0.02);
    expect(Math.abs(r.estimate - 0.7)).toBeLessThan(5 * r.sd);
    expect(lines[0]).toMatch(/identical to the serial model/);
    expect(lines).toHaveLength(2);
  });
});
