/**
 * `npm run drift`: the hero-drift CLI run from source (see src/drift/cli.ts and docs/drift.md).
 * Arguments after `--` are passed on, e.g. `npm run drift -- --against ./new.yaml`.
 */
import { main } from '../src/drift/cli.js';

process.exitCode = await main(process.argv.slice(2));
