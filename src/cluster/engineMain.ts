/**
 * Entry point of an engine process: `node --import tsx src/cluster/engineMain.ts --redis URL`
 * (or `node dist/cluster/engineMain.js …` once built; `qinfer-rx engine …` runs the same).
 */
import { runEngineCli } from './runEngineCli.js';

process.exitCode = await runEngineCli(process.argv.slice(2));
