/** The spec the contract tests run from: HERO_CONTRACT_SPEC, else the vendored openapi/ document. */
import { resolve } from 'node:path';
import { specPath } from '../../scripts/lib/paths.js';

export const contractSpecPath: string = process.env.HERO_CONTRACT_SPEC ? resolve(process.env.HERO_CONTRACT_SPEC) : specPath;
