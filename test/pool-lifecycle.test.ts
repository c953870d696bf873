import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./poolExitChild.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('pool lifecycle', () => {
  it('after close() the process exits on its own, with code 0', async () => {
    const proc = spawn(process.execPath, ['--import', tsx, child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // Bounded: a process kept alive by a worker would be killed here and fail the test.
    const killer = setTimeout(() => proc.kill('SIGKILL'), 45_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    expect(signal, out).toBeNull();
    expect(code, out).toBe(0);
    expect(out).toContain('computed 4000; in-flight call: ERR_CLOSED; closed');
  });
});
