// One flat config for the whole workspace. Each project's `lint` target runs
// `eslint --max-warnings 0 src` from its own root; ESLint finds this file by walking up.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// I/O that `libs/domain` must never reach (STYLE.md point 1): time and ids arrive on the command.
// Nx's bannedExternalImports only sees npm packages, so the Node built-ins are banned again,
// with the I/O packages, by `no-restricted-imports` below, which needs no project graph.
const DOMAIN_BANNED_PACKAGES = ['@nestjs/*', 'kafkajs', 'typeorm', 'pg', 'express'];
const DOMAIN_BANNED_BUILTINS = ['node:*', 'fs', 'net', 'http', 'child_process', 'crypto'];
const EXTRA_BANNED_BUILTINS = ['https', 'http2', 'dgram', 'dns', 'tls', 'os', 'worker_threads', 'timers'];

// STYLE.md point 8: a lib is used through its index only.
const NO_DEEP_LIB_IMPORTS = {
  group: ['@jobledger/*/*'],
  message: 'Import a workspace lib by its package name only; its index.ts is the public API.',
};

const domainImportBans = {
  group: [...DOMAIN_BANNED_PACKAGES, ...DOMAIN_BANNED_BUILTINS, ...EXTRA_BANNED_BUILTINS].flatMap((name) =>
    name.endsWith('*') ? [name] : [name, `${name}/*`],
  ),
  message: 'libs/domain is pure: no I/O, framework, broker or database modules.',
};

const DOMAIN_CLOCK_AND_RANDOMNESS = [
  {
    selector: "MemberExpression[property.name='now']:matches([object.name='Date'], [object.property.name='Date'])",
    message: 'No clock in libs/domain: take the time from the command (`at`).',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'No clock in libs/domain: `new Date()` reads the time; take it from the command.',
  },
  {
    selector: "CallExpression[callee.name='Date']",
    message: 'No clock in libs/domain: `Date()` returns the current time.',
  },
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'No randomness in libs/domain: decide must be deterministic.',
  },
  {
    selector: "MemberExpression[property.name=/^(randomUUID|getRandomValues|randomBytes)$/]",
    message: 'No id generation in libs/domain: ids arrive on the command.',
  },
  {
    selector: 'ImportExpression',
    message: 'No dynamic import in libs/domain: it would slip past the module bans.',
  },
];

export default defineConfig([
  globalIgnores([
    '**/dist/**',
    '**/node_modules/**',
    '.nx/**',
    '.jobledger/**',
    // tools/local and deploy scripts have their own `node --check` lint.
    '**/*.js',
    '**/*.cjs',
    '**/*.mjs',
    '!eslint.config.mjs',
  ]),

  {
    files: ['eslint.config.mjs'],
    extends: [js.configs.recommended],
  },

  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { '@nx': nx, 'import-x': importX },
    languageOptions: {
      parserOptions: {
        // Each file gets the nearest tsconfig.json (its project's), whatever the cwd.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    settings: {
      // Only TypeScript sources are parsed for cycles: workspace libs resolve (through the npm
      // workspace symlinks) to their built dist/*.js, which is not followed; cross-project
      // cycles are @nx/enforce-module-boundaries' job.
      'import-x/extensions': ['.ts', '.tsx', '.cts', '.mts'],
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.d.ts', '.js', '.json', '.node'],
          conditionNames: ['types', 'require', 'node', 'default'],
          mainFields: ['main'],
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      'no-restricted-imports': ['error', { patterns: [NO_DEEP_LIB_IMPORTS] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // Circular dependencies between projects are reported by this rule as well.
          depConstraints: [
            {
              sourceTag: 'scope:domain',
              onlyDependOnLibsWithTags: ['scope:domain'],
              bannedExternalImports: [...DOMAIN_BANNED_PACKAGES, ...DOMAIN_BANNED_BUILTINS],
            },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:lib'] },
            // tests/e2e drives the built services over HTTP and uses libs for topics and clients.
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },

  {
    files: ['libs/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_DEEP_LIB_IMPORTS, domainImportBans] }],
      'no-restricted-globals': [
        'error',
        { name: 'crypto', message: 'No id generation in libs/domain: ids arrive on the command.' },
        { name: 'performance', message: 'No clock in libs/domain.' },
        { name: 'process', message: 'No environment or process access in libs/domain.' },
        { name: 'setTimeout', message: 'No timers in libs/domain.' },
        { name: 'setInterval', message: 'No timers in libs/domain.' },
        { name: 'setImmediate', message: 'No timers in libs/domain.' },
      ],
      'no-restricted-syntax': ['error', ...DOMAIN_CLOCK_AND_RANDOMNESS],
    },
  },
]);
