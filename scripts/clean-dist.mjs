// Removes dist/ before a build, so a renamed or deleted source leaves no stale module behind.
import { rmSync } from 'node:fs';
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
