/** One jest run for unit (*.spec.ts), medium (*.medium-spec.ts) and e2e (*.e2e-spec.ts) tests. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|medium-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // content-disposition (via @fastify/static) ships ESM only; jest's CommonJS runtime needs it transpiled,
  // as it does the OpenTelemetry modules that load `http` and the host's machine id by dynamic import().
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@opentelemetry/(otlp-exporter-base|resources))/)'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@app/(core|auth|tenancy|queue|ai|memories|filters|webhooks)$': '<rootDir>/libs/$1/src',
    '^@app/(core|auth|tenancy|queue|ai|memories|filters|webhooks)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 30000,
};
