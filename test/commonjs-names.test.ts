/**
 * The build (tsc, CommonJS) rewrites a module's own exported constants to `exports.X`: a local
 * named `exports` (or `module`, `require`) shadows that object and breaks the built package only
 * (twice the built client's NTLM handshake failed this way while every test of the sources
 * passed). No source file may declare such a name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..', 'src');
const SHADOWING = /\b(?:const|let|var|function|class)\s+(exports|module|require)\b|[(,]\s*(exports|module|require)\s*[:,)=]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

it('no source file declares a local named exports, module or require', () => {
  const found = sourceFiles(SRC).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (SHADOWING.test(line) && !line.trimStart().startsWith('*') && !line.trimStart().startsWith('//') ? [`${relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [])),
  );
  expect(found).toEqual([]);
});
