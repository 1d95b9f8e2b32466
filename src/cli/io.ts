/**
 * The streams a command talks to. `main` gets the process's by default; tests pass captured
 * ones so the CLI runs in-process.
 */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface InStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: InStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

let pipeWatched = false;

export function processIo(): CliIo {
  // `wsman e … | head`: a reader that leaves early is not an error of ours; end quietly.
  if (!pipeWatched) {
    pipeWatched = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** winrm.vbs writes lines with WriteLine / WScript.Echo. */
export function writeLine(stream: OutStream, text = ''): void {
  stream.write(`${text}\n`);
}
