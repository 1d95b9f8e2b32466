/**
 * The client under fuzzing, in its own process so that a crash is observed, not fatal: each `op`
 * opens a session through the COM object model against the hostile server and runs one operation.
 */
import { createObject } from '../src/index';
import { WSManSessionFlags as F } from '../src/automation/flags';
import type { Enumerator } from '../src/automation/enumerator';
import type { ComResult } from '../src/core/hresult';
import { familyStart, peakRssKb } from './memory';
import { FUZZ_USER, type ChildReply, type ChildRequest, type ClientOperation } from './protocol';

let rejections = 0;
process.on('unhandledRejection', () => {
  rejections += 1;
});

const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';

async function run(op: ClientOperation): Promise<ComResult<unknown>> {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName(FUZZ_USER.name);
  options.put_Password(FUZZ_USER.password);
  const flags =
    op.auth === 'basic'
      ? F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption
      : F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword;
  const created = wsman.CreateSession(op.url, flags, options);
  if (created.error) return created;
  const session = created.value!;
  session.put_Timeout(op.timeoutMs);
  switch (op.method) {
    case 'Identify':
      return session.Identify();
    case 'Get':
      return session.Get(`${CIMV2}/Win32_Service?Name=WinRM`);
    case 'Put':
      return session.Put('winrm/config/client', '<cfg:Client xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config"><cfg:TrustedHosts>x</cfg:TrustedHosts></cfg:Client>');
    case 'Delete':
      return session.Delete(`${CIMV2}/Win32_Environment?Name=X+UserName=<SYSTEM>`);
    case 'Invoke':
      return session.Invoke('StopService', `${CIMV2}/Win32_Service?Name=Spooler`, `<p:StopService_INPUT xmlns:p="${CIMV2}/Win32_Service"/>`);
    case 'Enumerate': {
      const started = await session.Enumerate(`${CIMV2}/Win32_Service`);
      if (started.error) return started;
      const enumerator = started.value as Enumerator;
      const item = await enumerator.ReadItem();
      await enumerator.Close();
      return item;
    }
  }
}

process.on('message', (message: ChildRequest) => {
  if (message.type === 'family-start') process.send!(familyStart(message.id));
  if (message.type !== 'op') return;
  const answer = (hr: number, description: string): void => {
    const reply: ChildReply = { type: 'result', id: message.id, hr, description, rejections, peakRssKb: peakRssKb() };
    process.send!(reply);
  };
  run(message.op).then(
    (result) => answer(result.hr, result.error?.description ?? ''),
    // A thrown error (not a ComResult) is a defect of its own: reported with an impossible hr.
    (error: unknown) => answer(-1, `threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
  );
});

process.send!({ type: 'ready', id: 0, url: '' } satisfies ChildReply);
