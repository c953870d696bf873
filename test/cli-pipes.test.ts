import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `qinfer-rx ARGS | head -N` through bash with pipefail: the status is the worse of both. */
function piped(args: string, lines: number): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `node bin/qinfer-rx.js ${args} | head -${lines}`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('output into a pipe that closes early (| head)', () => {
  it('qinfer-rx perf --help | head -1 ends cleanly', () => {
    const r = piped('perf --help', 1);
    expect(r.stdout).toBe('Usage: qinfer-rx perf [options]\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('qinfer-rx estimate | head -2 stops the run quietly when head exits', () => {
    // 300 experiments print a line every 15, long after head has read its two lines: the later
    // writes hit the closed pipe (EPIPE), which must end the run without a stack trace.
    const r = piped('estimate -e 300 -p 2000', 2);
    expect(r.stdout.split('\n')).toHaveLength(3);
    expect(r.stdout).toMatch(/^qinfer-rx estimate: SimplePrecessionModel/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
