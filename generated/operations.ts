// Generated from openapi/hero-public-api.yaml by scripts/generate.ts. Do not edit by hand:
// change the spec and run `npm run generate` (CI fails when this file is stale).

/** Every operation in the spec: its operationId, HTTP method and path template. */
export const operations = [

] as const;

/** An operationId of the Hero API. */
export type OperationId = (typeof operations)[number]['operationId'];
