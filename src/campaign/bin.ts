#!/usr/bin/env node
/**
 * The `hero-campaign` command: runs {@link main} and hands its exit code to the process.
 * Setting `exitCode` instead of calling `process.exit()` lets piped stdout finish writing.
 */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
