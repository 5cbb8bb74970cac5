import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledSpecPath, startHeroMock } from './testing.js';

const fixture = fileURLToPath(new URL('../contract-tests/fixtures/appointments.yaml', import.meta.url));

describe('startHeroMock', () => {
  it('resolves the bundled spec relative to the package root', () => {
    expect(bundledSpecPath.endsWith('/openapi/hero-public-api.yaml')).toBe(true);
    expect(existsSync(bundledSpecPath)).toBe(true);
  });

  it('returns a URL that answers requests and a stop() that closes it', async () => {
    const mock = await startHeroMock({ specPath: fixture });
    try {
      const response = await fetch(`${mock.url}/v1/appointments/1`, { headers: { 'x-api-key': 'k', 'x-practice-group-id': '1' } });
      expect(response.status).toBe(200);
    } finally {
      await mock.stop();
    }
    await expect(fetch(`${mock.url}/`)).rejects.toThrow();
  });
});
