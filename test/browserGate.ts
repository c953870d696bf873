/**
 * Gate of the browser tests: a Chromium binary (Debian's /usr/bin/chromium, or QINFER_CHROMIUM).
 * Without one the suite skips with the reason in its title and a warning on stderr — unless
 * `QINFER_REQUIRE_BROWSER=1` (CI), in which case it runs and fails.
 */
import { existsSync } from 'node:fs';

/** The Chromium executable the tests drive (through playwright-core, no bundled browser). */
export const CHROMIUM = process.env.QINFER_CHROMIUM ?? '/usr/bin/chromium';
const required = process.env.QINFER_REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);

/** True when the browser suites should run (a Chromium, or QINFER_REQUIRE_BROWSER=1). */
export const RUN_BROWSER = available || required;
/** A suffix for suite titles: `in <path>` or `SKIPPED: …`. */
export const BROWSER_WHERE = available
  ? `in ${CHROMIUM}`
  : `${required ? 'FAILING (QINFER_REQUIRE_BROWSER=1)' : 'SKIPPED'}: no Chromium at ${CHROMIUM} (apt-get install chromium, or set QINFER_CHROMIUM)`;
if (!RUN_BROWSER) console.warn(`browser tests ${BROWSER_WHERE}`);

/** The flags every test browser starts with: headless, no sandbox, no GPU, nothing phoning home. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
