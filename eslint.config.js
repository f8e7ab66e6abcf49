// One lint config for both workspaces: type-aware typescript-eslint plus eslint-plugin-security, and the
// architecture's import boundaries (see "Import boundaries" below; lint-boundaries.test.ts shows each one fail).
import js from '@eslint/js';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

// Import boundaries. Each is an import pattern with the reason it is forbidden; the config objects after the
// rules above bind them to the files they apply to. ESLint keeps only the last matching options of a rule for a
// file, so each group of files lists every boundary that binds it (no-restricted-imports cannot merge them).
const boundary = (regex, message) => ({ regex, message });
const STRIPE_SDK = boundary(
  '^stripe(/|$)',
  'Only service/src/stripe/ imports the stripe SDK; use the gateway and the types of stripe/stripe-objects.ts.',
);
// stripe/'s public modules; every other file there faces the SDK (error mapping, the client) and stays inside.
const STRIPE_INTERNALS = boundary(
  '^(\\./|(\\.\\./)+)stripe/(?!(gateway|stripe-objects|stripe-params|event-payloads|call-outcomes|stripe-list-paging|stripe-readiness|webhook-signature)\\.js$)',
  "This module of stripe/ faces the SDK; use stripe/'s public modules (listed in eslint.config.js).",
);
const ANY_REPO = boundary('\\.repo\\.js$', "Routes never reach a repo: go through the feature's service.");
const OTHER_FEATURES_REPO = boundary(
  '^(\\.\\./)+[^/]+/.*\\.repo\\.js$',
  'One feature uses another through its service, never its repo.',
);
// The inbox's SQL operations (one per file, webhooks/inbox/<verb>-events.ts) are the webhooks feature's repo.
const INBOX_SQL = boundary(
  '^(\\./|(\\.\\./)+)webhooks/inbox/(?!(inbox-event|inbox-statuses|inbox\\.service)\\.js$)',
  "The inbox's SQL stays inside webhooks/: use the InboxService (or the inbox's types and statuses).",
);
const COMPOSITION_ROOT = boundary(
  '^(\\.{1,2}/)+deps\\.js$',
  'Only entry points (server, worker, launcher, CLI, process/start-*, npm run openapi) and test-support import the composition root.',
);
const EMULATOR = boundary(
  '^(stripe-emulator(/|$)|(\\.\\./)+emulator/)',
  'The service never imports the emulator (only test-support and the dev launcher start it).',
);
const SERVICE = boundary(
  '^(billing-service(/|$)|(\\.\\./)+service/)',
  'The emulator never imports the service.',
);
const restrictImports = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});
// The process entries, and the two halves of an entry that take the whole composition: app.ts builds the app from
// it, cli-context.ts hands it to the CLI's commands.
const SERVICE_ENTRY_POINTS = [
  'service/src/server.ts',
  'service/src/worker.ts',
  'service/src/launcher.ts',
  'service/src/process/start-*.ts',
  'service/src/cli/main.ts',
  'service/src/http/openapi-cli.ts',
  'service/src/app.ts',
  'service/src/cli/cli-context.ts',
];
const importBoundaries = [
  {
    files: ['service/src/**/*.ts'],
    rules: restrictImports(
      STRIPE_SDK,
      STRIPE_INTERNALS,
      OTHER_FEATURES_REPO,
      INBOX_SQL,
      COMPOSITION_ROOT,
      EMULATOR,
    ),
  },
  {
    files: ['service/src/**/*.routes.ts'],
    rules: restrictImports(STRIPE_SDK, STRIPE_INTERNALS, ANY_REPO, INBOX_SQL, COMPOSITION_ROOT, EMULATOR),
  },
  {
    files: ['service/src/stripe/**/*.ts'],
    rules: restrictImports(OTHER_FEATURES_REPO, INBOX_SQL, COMPOSITION_ROOT, EMULATOR),
  },
  {
    files: SERVICE_ENTRY_POINTS,
    rules: restrictImports(STRIPE_SDK, STRIPE_INTERNALS, OTHER_FEATURES_REPO, INBOX_SQL, EMULATOR),
  },
  {
    files: ['service/src/dev/**/*.ts'],
    rules: restrictImports(STRIPE_SDK, STRIPE_INTERNALS, OTHER_FEATURES_REPO, INBOX_SQL, COMPOSITION_ROOT),
  },
  // Tests may use the SDK as a Stripe client, start the emulator and read any table; they still keep to
  // stripe/'s public modules. test-support builds whole worlds (composition root, emulator, SDK).
  { files: ['service/src/**/*.test.ts'], rules: restrictImports(STRIPE_INTERNALS) },
  {
    files: ['service/src/test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  { files: ['emulator/src/**/*.ts'], rules: restrictImports(SERVICE) },
  {
    files: ['service/src/**/*.ts'],
    ignores: ['service/src/config/**', 'service/src/test-support/**', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only the config module reads process.env.' },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/.data/**',
      '**/*.js',
      '!eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  security.configs.recommended,
  {
    languageOptions: {
      // The root vitest.config.ts belongs to no workspace tsconfig; lint it with the default project.
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      // Bracket access with computed keys is everywhere in a Stripe emulator and a config parser; the rule
      // flags every one of them and finds no real injection in code that never evals.
      'security/detect-object-injection': 'off',
      'no-console': 'error',
    },
  },
  {
    files: [
      '**/*.test.ts',
      'bench/**/*.ts',
      'chaos/**/*.ts',
      '**/test-support/**/*.ts',
      'emulator/scripts/**/*.ts',
      'service/test/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      'security/detect-non-literal-fs-filename': 'off',
      'no-console': 'off',
    },
  },
  ...importBoundaries,
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
