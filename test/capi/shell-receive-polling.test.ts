/**
 * WSManReceiveShellOutput polling (no delay flag): the next Receive is issued as soon as a reply
 * has arrived, before that reply's callbacks run, and the wire still carries one Receive at a time.
 */
import { WSMAN_CMDSHELL_URI, WSManCallbackFlags as F, type WSMAN_RESPONSE_DATA } from '../../src/core/capi/constants';
import type { ShellAsync } from '../../src/core/capi/shell-api';
import { ShellOperations } from '../../src/core/shell/shell-operations';
import { openShellSession } from '../core/shell/shell-session';
import { startScriptedShellServer, type ScriptedShellServer } from '../helpers/scripted-shell-server';

const REPLIES = 4;
let server: ScriptedShellServer;
let url: string;
let receives = 0;
let outstanding = 0;
let mostOutstanding = 0;

beforeAll(async () => {
  server = await startScriptedShellServer((reply) => {
    const n = ++receives;
    mostOutstanding = Math.max(mostOutstanding, ++outstanding);
    // Answered a little later, so that an overlapping Receive would be seen.
    setTimeout(() => {
      outstanding--;
      const data = `<rsp:Stream Name="stdout" CommandId="C1">${Buffer.from(`reply ${n}\n`).toString('base64')}</rsp:Stream>`;
      const state =
        n < REPLIES
          ? '<rsp:CommandState CommandId="C1" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"/>'
          : '<rsp:CommandState CommandId="C1" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState>';
      reply(`<rsp:ReceiveResponse>${data}${state}</rsp:ReceiveResponse>`);
    }, 20);
  });
  url = server.url;
});

afterAll(() => server.close());

function completed(start: (async: ShellAsync) => { value?: unknown }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const result = start({
      completionFunction: (_c, flags, error) => {
        if (error.code !== 0) reject(new Error(`error ${error.code}`));
        else if (flags & F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION) resolve(result.value);
      },
    });
  });
}

it('issues the next Receive before the callbacks of a reply; one Receive on the wire at a time; none after Done', async () => {
  const wire = jest.spyOn(ShellOperations.prototype, 'receive');
  try {
    const s = openShellSession(url);
    const shell = await completed((a) => s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
    const command = await completed((a) => s.shells.WSManRunShellCommand(shell as never, 0, 'x', null, null, a));
    const seen: { text: string; issued: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      s.shells.WSManReceiveShellOutput(shell as never, command as never, 0, null, {
        completionFunction: (_c, flags, error, _s, _cmd, _op, data) => {
          if (error.code !== 0) return reject(new Error(`error ${error.code}`));
          const binary = (data as WSMAN_RESPONSE_DATA).receiveData!.streamData.binary!;
          seen.push({ text: Buffer.from(binary).toString(), issued: wire.mock.calls.length });
          if (flags & F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION) resolve();
        },
      });
    });
    expect(seen).toEqual([
      { text: 'reply 1\n', issued: 2 },
      { text: 'reply 2\n', issued: 3 },
      { text: 'reply 3\n', issued: 4 },
      { text: 'reply 4\n', issued: 4 },
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(receives).toBe(REPLIES);
    expect(mostOutstanding).toBe(1);
  } finally {
    wire.mockRestore();
  }
});
