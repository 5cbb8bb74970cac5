/** One redacted line per attempt: method, path template, status, duration, attempt, retry reason. */
import { createHeroClient, type HeroLogger } from '@hero-sdk/hero-health';

export function loggingClient(baseUrl: string, logger: HeroLogger = console) {
  // Also: HERO_DEBUG=1 logs to stderr without any code change. pino loggers work as they are.
  return createHeroClient({ baseUrl, apiKey: 'test', practiceGroupId: '1', logger });
}
