import cliProgress from 'cli-progress';
import type { PerfProgress } from '../perf/PerfProgress.js';
import type { CliWriter } from './CliIo.js';

/** How progress is shown: a bar (terminal), plain periodic lines (CI, pipes) or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'none';

/** Receives progress; `stop()` finishes the display. */
export interface ProgressReporter {
  /** Shows `progress` (the bar redraws; plain lines print at every tenth and at the end). */
  update(progress: PerfProgress): void;
  /** Finishes the display (the last line, or the bar's final state). */
  stop(): void;
}

/**
 * Seconds as `1m05s` / `12s`.
 *
 * @example
 * ```ts
 * formatDuration(65); // '1m05s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * The line of the plain mode: `label: 40/100 trials (1 failed), 12.3 trials/s, ETA 5s`.
 *
 * @example
 * ```ts
 * progressLine('1000 particles', p); // '1000 particles: 40/100 trials (0 failed), 120.3 trials/s, ETA 0s\n'
 * ```
 */
export function progressLine(label: string, p: PerfProgress): string {
  const done = p.completed + p.failed;
  const eta = p.trialsPerSecond > 0 ? formatDuration((p.total - done) / p.trialsPerSecond) : '?';
  return `${label}: ${done}/${p.total} trials (${p.failed} failed), ${p.trialsPerSecond.toFixed(1)} trials/s, ${done === p.total ? `done in ${formatDuration(p.elapsedSeconds)}` : `ETA ${eta}`}\n`;
}

/**
 * A progress display for a performance test: on a terminal a cli-progress bar with trials/s and
 * ETA; otherwise a plain line every `intervalSeconds` (default 2) and at every tenth of the work,
 * plus the last one — readable in CI logs.
 *
 * @example
 * ```ts
 * const progress = createProgressReporter(process.stderr, 'bar', '1000 particles');
 * perfTestMultiple(100, options, { onProgress: (p) => progress.update(p) }).subscribe({ complete: () => progress.stop() });
 * ```
 */
export function createProgressReporter(out: CliWriter, mode: ProgressMode, label: string, intervalSeconds = 2): ProgressReporter {
  if (mode === 'none') return { update: () => {}, stop: () => {} };
  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {value}/{total} trials | {failed} failed | {rate} trials/s | ETA {eta_formatted}`,
        stream: out as NodeJS.WritableStream,
        hideCursor: true,
        etaBuffer: 20,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        const payload = { failed: p.failed, rate: p.trialsPerSecond.toFixed(1) };
        if (!started) {
          bar.start(p.total, p.completed + p.failed, payload);
          started = true;
        } else bar.update(p.completed + p.failed, payload);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let lastTime = -Infinity, lastTenth = -1, last: PerfProgress | undefined, printedLast = false;
  return {
    update: (p) => {
      last = p;
      const done = p.completed + p.failed;
      const tenth = p.total === 0 ? 10 : Math.floor((10 * done) / p.total);
      if (done === 0 && lastTenth >= 0) return;
      if (tenth > lastTenth || p.elapsedSeconds - lastTime >= intervalSeconds || done === p.total) {
        out.write(progressLine(label, p));
        lastTime = p.elapsedSeconds;
        lastTenth = tenth;
        printedLast = done === p.total;
      }
    },
    stop: () => {
      if (last !== undefined && !printedLast && last.completed + last.failed === last.total) out.write(progressLine(label, last));
    },
  };
}
