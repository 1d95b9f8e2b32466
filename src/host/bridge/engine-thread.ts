/**
 * Starts the automation engine in a worker thread and connects a blocking channel to it.
 *
 * A Worker needs JavaScript it can load: from the built package that is engine-worker.js next
 * to this file; from the TypeScript sources (ts-node, jest) the worker first registers ts-node
 * itself, since require hooks are per thread. tsc copies no .js files into dist, so the few
 * lines that decide this are handed to the Worker as source.
 */
import { extname, join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { NO_LOGON_IDENTITY, type LogonIdentity } from '../../automation/logon-identity';
import type { EngineReply, EngineRequest, EngineWorkerData } from './protocol';
import { createSignal, SignalState, SyncChannel } from './sync-channel';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
// First of all, so that even a failed start wakes the script thread instead of leaving it waiting.
process.on('exit', () => {
  Atomics.store(workerData.signal, 0, ${SignalState.CLOSED});
  Atomics.notify(workerData.signal, 0);
});
const { typescript, entry, hostArgv } = workerData.bootstrap;
// The engine is part of the script's process: IWSManEx.CommandLine reports that process's command line.
process.argv.splice(0, process.argv.length, ...hostArgv);
// Inherited -r ts-node/register already covers this thread.
if (typescript && !process[Symbol.for('ts-node.register.instance')]) {
  require(typescript.tsNode).register({ project: typescript.project, transpileOnly: true });
}
require(entry).serveEngine(workerData);
`;

interface Bootstrap {
  readonly entry: string;
  /** The script host's process.argv (a worker has its own). */
  readonly hostArgv: readonly string[];
  readonly typescript?: { readonly tsNode: string; readonly project: string };
}

function bootstrap(): Bootstrap {
  const extension = extname(__filename);
  const entry = join(__dirname, `engine-worker${extension}`);
  if (extension !== '.ts') return { entry, hostArgv: process.argv };
  return { entry, hostArgv: process.argv, typescript: { tsNode: require.resolve('ts-node'), project: join(__dirname, '..', '..', '..', 'tsconfig.json') } };
}

export interface EngineThread {
  readonly channel: SyncChannel<EngineRequest, EngineReply>;
  /** Stops the worker; the engine's objects and connections go with it. */
  close(): Promise<void>;
}

/** onError: the engine thread died of an uncaught error (reported once the script thread is idle again). */
export function startEngineThread(onError: (error: Error) => void, logonIdentity: LogonIdentity = NO_LOGON_IDENTITY): EngineThread {
  const { port1, port2 } = new MessageChannel();
  const signal = createSignal();
  const workerData: EngineWorkerData & { bootstrap: Bootstrap } = { port: port2, signal, logonIdentity, bootstrap: bootstrap() };
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData, transferList: [port2] });
  // The script thread is the program; an idle engine must not keep the process alive.
  worker.unref();
  worker.on('error', onError);
  const channel = new SyncChannel<EngineRequest, EngineReply>(port1, signal);
  return {
    channel,
    close: async () => {
      channel.close();
      await worker.terminate();
    },
  };
}
