/** Jest runs TypeScript through SWC; ESM-only dependencies are transformed too. */
const esmOnly = [
  'flatqueue',
  'flatbush',
  'vt-pbf',
  'pmtiles',
  'opencc-js',
  'pbf',
  '@mapbox/vector-tile',
  '@mapbox/point-geometry',
  'aedes',
  'supercluster',
  'kdbush',
];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Requests to the gateway are sent as the web client's same-origin fetch sends them (Origin, Sec-Fetch-Site).
  moduleNameMapper: { '^supertest$': '<rootDir>/test/support/browser-supertest.ts' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
