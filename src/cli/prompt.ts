/** A line read from a terminal without echo (password prompts). */
import type { CliIo } from './io';

export function promptHidden(io: CliIo, question: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(question);
  return new Promise((resolve) => {
    let answer = '';
    const wasRaw = (stdin as { isRaw?: boolean }).isRaw === true;
    stdin.setRawMode?.(true);
    stdin.resume();
    const finish = () => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      stderr.write('\n');
      resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') {
          stdin.setRawMode?.(wasRaw);
          process.kill(process.pid, 'SIGINT');
          return;
        }
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}
