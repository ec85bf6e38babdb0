/**
 * `npm run mutation`: StrykerJS mutates the shared contracts and the pure domain modules and runs only the unit
 * tests (test/unit) against each mutant, with per-test coverage so a mutant runs only the tests that reach it.
 * Slow (tens of minutes on two cores), so it is not part of `npm test`; MUTATION.md holds the last score.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The tests run in a sandbox copy of the tree, where the city data beside the checkout is no longer `../shared`.
process.env.CITY_DATA_DIR ??= path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'harbin');

export default {
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    // Unit tests need no database: no global set-up (which would re-import the city before every run).
    // The configuration tests check defaults relative to the checkout, which the sandbox copy moves; they reach none
    // of the mutated files.
    config: {
      roots: ['<rootDir>/test/unit'],
      testPathIgnorePatterns: ['/node_modules/', '/test/unit/config-safety\\.test\\.ts$'],
      globalSetup: null,
      maxWorkers: 1,
    },
  },
  coverageAnalysis: 'perTest',
  // A static mutant (a schema or table built at import) would re-run every unit test; they are reported as ignored.
  ignoreStatic: true,
  mutate: [
    'contracts/**/*.ts',
    'gateway/incidents/fusion.ts',
    'geo/ogc/cql2/*.ts',
    'gateway/cases/sla.ts',
    'gateway/cases/calendar.ts',
    // The pure parts of evaluation: the period, the grade and the weighted score (the rest is SQL).
    'gateway/cases/evaluation.ts:38-48',
    'gateway/cases/evaluation.ts:132-145',
    'gateway/policy/scope.ts',
  ],
  ignorePatterns: ['dist', 'test-output', '.data', 'coverage', 'reports'],
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
