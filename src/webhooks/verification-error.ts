// The class lives with every other error type in src/errors.ts; kept here so webhook code imports from its own folder.
export { HeroWebhookVerificationError, type WebhookVerificationFailureReason } from '../errors.js';
