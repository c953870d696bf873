import { Observable, type OperatorFunction } from 'rxjs';
import { isTrialFailure, type TrialOutcome } from './TrialFailure.js';
import { PerformanceTable, type PerfTableLayout } from './PerformanceTable.js';

const EMPTY_LAYOUT: PerfTableLayout = { nEst: 0, nTrue: 0, nExp: 0, expSchema: { kind: 'scalar' } };

/**
 * Collects trial outcomes (in any order) into one {@link PerformanceTable} `[nTrials × nExp]`,
 * emitted when the source completes. Rows are placed by trial index; failures are masked
 * with their errors kept; trials that never arrive stay masked. The layout comes from
 * `layout` when given, else from the first successful trial (a table of failures only has no
 * columns).
 *
 * @example
 * ```ts
 * import { perfTestMultiple, toPerformanceTable } from 'qinfer-rx';
 * const table$ = perfTestMultiple(50, options, { seed: 3 }).pipe(toPerformanceTable(50));
 * ```
 */
export function toPerformanceTable(nTrials: number, layout?: PerfTableLayout): OperatorFunction<TrialOutcome, PerformanceTable> {
  return (source) =>
    new Observable<PerformanceTable>((subscriber) => {
      let table: PerformanceTable | undefined = layout === undefined ? undefined : new PerformanceTable(nTrials, layout);
      const pending: TrialOutcome[] = [];
      return source.subscribe({
        next: (t) => {
          try {
            if (table === undefined) {
              if (isTrialFailure(t)) return void pending.push(t);
              table = new PerformanceTable(nTrials, PerformanceTable.layoutOf(t));
              for (const f of pending.splice(0)) table.add(f);
            }
            table.add(t);
          } catch (e) {
            subscriber.error(e);
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          try {
            if (table === undefined) {
              table = new PerformanceTable(nTrials, EMPTY_LAYOUT);
              for (const f of pending) table.add(f);
            }
            subscriber.next(table);
            subscriber.complete();
          } catch (e) {
            subscriber.error(e);
          }
        },
      });
    });
}
