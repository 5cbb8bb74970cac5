/**
 * `npm run mock`: the `hero-mock` command run from source (src/mock-cli/): serves the Hero spec
 * with Prism on 127.0.0.1 until Ctrl-C or SIGTERM. Port from `--port <n>`, else `PORT`, else 4010.
 */
import { main } from '../src/mock-cli/cli.js';

process.exitCode = await main(process.argv.slice(2));
