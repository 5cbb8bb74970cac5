import { describe, expect, it } from 'vitest';
import { HeroDriftSetupError, importTool } from './optional-import.js';

describe('importTool', () => {
  it('returns the module when it is installed', async () => {
    const module = await importTool('openapi-diff', () => import('openapi-diff'));
    expect(typeof module.default.diffSpecs).toBe('function');
  });

  it('says what to install when the package is missing', async () => {
    const missing: string = 'hero-drift-package-that-does-not-exist';
    const failure = importTool('typescript', () => import(missing));
    await expect(failure).rejects.toBeInstanceOf(HeroDriftSetupError);
    await expect(failure).rejects.toThrow('hero-drift needs the typescript package: npm install --save-dev typescript@5');
  });

  it('rethrows other failures unchanged', async () => {
    const boom = new Error('syntax error in module');
    await expect(importTool('typescript', () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
