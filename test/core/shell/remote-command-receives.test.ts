/**
 * How RemoteCommand paces its Receives, over a C API whose replies the test hands out one at a
 * time: the next Receive is issued as soon as a reply arrives, before its data reaches the
 * consumer; a consumer that stops reading stops the Receives once a stream holds its
 * highWaterMark, with at most two replies more buffered; reading again resumes them.
 */
import type { ShellAsync, WSManShellApi, WSMAN_COMMAND_HANDLE, WSMAN_SHELL_HANDLE } from '../../../src/core/capi/shell-api';
import {
  WSMAN_COMMAND_STATE_DONE,
  WSMAN_COMMAND_STATE_RUNNING,
  WSMAN_STREAM_ID_STDOUT,
  WSManCallbackFlags as Callback,
  WSManDataType,
  type WSMAN_RECEIVE_DATA_RESULT,
} from '../../../src/core/capi/constants';
import { RemoteCommand } from '../../../src/core/shell/remote-shell';

const NO_ERROR = { code: 0, errorDetail: '', language: '', machineName: '', pluginName: '' };
const REPLY_BYTES = 380 * 1024;

/** WSManReceiveShellOutput calls waiting for the test's reply. */
class ScriptedReceives {
  readonly waiting: ShellAsync[] = [];
  issued = 0;
  readonly api = {
    WSManReceiveShellOutput: (_shell: unknown, _command: unknown, _flags: number, _streams: unknown, async: ShellAsync) => {
      this.issued++;
      this.waiting.push(async);
      return { hr: 0, value: {} };
    },
  } as unknown as WSManShellApi;

  /** Answers the oldest waiting Receive with one stdout element (Done: the last reply, exit code 0). */
  reply(bytes: number, done = false): void {
    const async = this.waiting.shift();
    if (!async) throw new Error('no Receive is waiting');
    const result: WSMAN_RECEIVE_DATA_RESULT = {
      streamId: WSMAN_STREAM_ID_STDOUT,
      streamData: { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: Buffer.alloc(bytes, 0x61) },
      commandState: done ? WSMAN_COMMAND_STATE_DONE : WSMAN_COMMAND_STATE_RUNNING,
      exitCode: 0,
    };
    const flags = Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION | (done ? 0 : Callback.WSMAN_FLAG_CALLBACK_RECEIVE_DELAY_STREAM_REQUEST_PROCESSED);
    async.completionFunction(undefined, flags, NO_ERROR, null, null, null, result);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function commandOver(receives: ScriptedReceives): RemoteCommand {
  return new RemoteCommand(receives.api, {} as WSMAN_SHELL_HANDLE, {} as WSMAN_COMMAND_HANDLE);
}

describe('RemoteCommand Receives', () => {
  it('issues the next Receive when a reply arrives, before the consumer sees its data; one at a time', async () => {
    const receives = new ScriptedReceives();
    const command = commandOver(receives);
    const issuedAtData: number[] = [];
    command.stdout.on('data', () => issuedAtData.push(receives.issued));
    command.stderr.resume();
    await tick();
    expect(receives.issued).toBe(1);
    for (let i = 0; i < 3; i++) {
      receives.reply(REPLY_BYTES);
      await tick();
      expect(receives.waiting.length).toBe(1);
    }
    expect(issuedAtData).toEqual([2, 3, 4]);
    receives.reply(10, true);
    expect(await command.exitCode).toBe(0);
    await tick();
    expect(receives.issued).toBe(4);
  });

  it('a consumer that stops reading stops the Receives (two replies past highWaterMark at most); reading resumes them', async () => {
    const receives = new ScriptedReceives();
    const command = commandOver(receives);
    command.stderr.resume();
    command.stdout.read(0);
    await tick();
    while (receives.waiting.length > 0) {
      receives.reply(REPLY_BYTES);
      await tick();
      expect(receives.issued).toBeLessThan(10);
    }
    expect(command.stdout.readableLength).toBeGreaterThanOrEqual(command.stdout.readableHighWaterMark);
    // Below highWaterMark when the last Receive went out: that reply and the one it overtook on top.
    expect(command.stdout.readableLength).toBeLessThan(command.stdout.readableHighWaterMark + 2 * REPLY_BYTES);
    const issued = receives.issued;
    let read = 0;
    command.stdout.on('data', (chunk: Buffer) => (read += chunk.length));
    await tick();
    expect(receives.issued).toBe(issued + 1);
    receives.reply(10, true);
    expect(await command.exitCode).toBe(0);
    expect(read).toBe(issued * REPLY_BYTES + 10);
  });
});
