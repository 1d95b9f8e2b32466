/**
 * A light `.ts` require hook for the fuzz children: @swc/core (already a dev dependency, for jest)
 * compiles each file on load, with the options jest uses. ts-node would load the TypeScript
 * compiler into every child and add some 80 MB to the RSS the fuzz run reports.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
