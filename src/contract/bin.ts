#!/usr/bin/env node
/**
 * The `hero-contract` command. ajv and ajv-formats are optional peer dependencies (the
 * client does not need them), so they are looked up before the suite is loaded and a missing
 * one is named with the command that installs it. Setting `exitCode` instead of calling
 * `process.exit()` lets piped stdout finish writing.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const missing = ['ajv', 'ajv-formats'].filter((name) => {
  try {
    require.resolve(name);
    return false;
  } catch {
    return true;
  }
});

if (missing.length > 0) {
  process.stderr.write(
    `hero-contract needs ${missing.join(' and ')}, optional peer dependencies of @hero-sdk/hero-health: npm install --save-dev ajv@8 ajv-formats@3\n`,
  );
  process.exitCode = 2; // usage/set-up: nothing was run (the exit-code table every command shares)
} else {
  const { main } = await import('./cli.js');
  process.exitCode = await main(process.argv.slice(2));
}
