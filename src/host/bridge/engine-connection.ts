/**
 * The script thread's connection to the automation engine: the worker starts at the first
 * request (a script that creates no object never pays for it), and the host's checkpoint runs
 * before every request.
 */
import { errorNamed, plainMessageText } from '../../core/errors/error-table';
import { NO_LOGON_IDENTITY, type LogonIdentity } from '../../automation/logon-identity';
import type { EngineReply, EngineRequest, WireError } from './protocol';
import type { EngineLink } from './remote-objects';
import { ChannelClosedError } from './sync-channel';
import { startEngineThread, type EngineThread } from './engine-thread';

/** What COM reports for an object whose server went away. */
const disconnected = errorNamed('RPC_E_DISCONNECTED');
const DISCONNECTED: WireError = { hresult: disconnected.hresult, message: plainMessageText(disconnected), source: '', faultXml: '' };

export class EngineConnection implements EngineLink {
  #thread: EngineThread | undefined;

  constructor(
    /** Runs before every request (the host stops a script that ignored WScript.Quit here). */
    private readonly beforeEachRequest: () => void,
    private readonly onEngineCrash: (error: Error) => void,
    private readonly logonIdentity: LogonIdentity = NO_LOGON_IDENTITY,
  ) {}

  request(request: EngineRequest): EngineReply {
    this.beforeEachRequest();
    this.#thread ??= startEngineThread(this.onEngineCrash, this.logonIdentity);
    try {
      return this.#thread.channel.call(request);
    } catch (error) {
      if (error instanceof ChannelClosedError) return { ok: false, error: DISCONNECTED };
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#thread?.close();
  }
}
