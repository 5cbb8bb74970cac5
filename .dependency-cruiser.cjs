/**
 * The layering rules `npm run lint:deps` enforces (part of `npm test`): no import cycles;
 * the client core never imports the shipped tools, tests or benchmarks; src/ ships, so
 * nothing in it (tests aside) imports test/ or bench/.
 */
const TOOLS = '^src/(contract|drift|testing|webhooks-cli|mock-cli)/|^src/testing[.]ts$|^src/campaign/(cli|bin)[.]ts$';
const TEST_FILE = '[.](test|test-d|fleet)[.]ts$';
const NOT_SHIPPED = '^(test|bench|scripts|contract-tests|examples)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', comment: 'An import cycle: split the shared part into its own module.', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-not-tools',
      comment: 'The client core (config, transport, errors, resources, validation, webhooks, rate-limit, openapi, url) must not import the tools (contract, drift, testing, webhooks-cli, mock-cli, the hero-campaign command), tests or benchmarks.',
      severity: 'error',
      from: { path: '^src/', pathNot: [TOOLS, TEST_FILE] },
      to: { path: [TOOLS, NOT_SHIPPED] },
    },
    {
      name: 'shipped-not-test-code',
      comment: 'Code that ships (src/, tests aside) must not import test helpers, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST_FILE },
      to: { path: NOT_SHIPPED },
    },
    {
      name: 'src-tests-not-bench',
      comment: 'Tests share helpers through test/helpers, not bench/.',
      severity: 'error',
      from: { path: '^(src|test)/' },
      to: { path: '^bench/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.d.ts'] },
    cache: false,
  },
};
