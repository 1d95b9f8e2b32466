// swc keeps the test run fast and still emits legacy decorators; type-checking is `npm run typecheck`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.(t|j)s$': swc },
  // inversify 8 ships ESM only; jest on Node 20 must compile it.
  transformIgnorePatterns: ['/node_modules/(?!(inversify|@inversifyjs)/)'],
};
