/**
 * A light `.ts` require hook for the fuzz run and its children: @swc/core (already a dev
 * dependency, for jest) compiles each file on load, with the options jest uses. ts-node would load
 * the TypeScript compiler into every child and add some 80 MB to the RSS the fuzz run reports.
 *
 * The children do not load the compiler at all: the driver compiles every file they may load
 * beforehand (precompile) and names the directory in FUZZ_PRECOMPILED, so that the RSS a child
 * reports is the client's or the endpoint's, not swc's (its native module and its work add some
 * 45 MB to a process). A file missing there is compiled here as before.
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

function compile(filename) {
  return require('@swc/core').transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code;
}

/** Where the compiled form of a source file goes in a precompiled directory. */
function compiledName(filename) {
  return `${createHash('sha1').update(filename).digest('hex')}.js`;
}

/** Every `.ts` file under the directories (absolute paths). */
function sources(directories) {
  return directories.flatMap((directory) =>
    readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name)),
  );
}

/** Compiles every `.ts` file under the directories into a new directory, and returns it (remove it with discardPrecompiled). */
function precompile(directories) {
  const output = mkdtempSync(join(tmpdir(), 'wsman-fuzz-js-'));
  for (const filename of sources(directories)) writeFileSync(join(output, compiledName(filename)), compile(filename));
  return output;
}

function discardPrecompiled(directory) {
  rmSync(directory, { recursive: true, force: true });
}

const precompiled = process.env.FUZZ_PRECOMPILED;

require.extensions['.ts'] = (module, filename) => {
  let code;
  if (precompiled) {
    try {
      code = readFileSync(join(precompiled, compiledName(filename)), 'utf8');
    } catch {
      code = undefined;
    }
  }
  module._compile(code ?? compile(filename), filename);
};

module.exports = { precompile, discardPrecompiled };
