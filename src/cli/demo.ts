/**
 * The main job (`npm start`): a legacy WinRM script's day, through the WSMan.Automation object
 * model, against the embedded endpoint started in-process — Identify, winrm/config, services and
 * processes, a service stopped and started with Invoke, and a fault with its HRESULT, message
 * and Error XML. No Windows host needed.
 */
import { createObject } from '../index';
import { formatHResult, toSigned, type ComResult } from '../core/hresult';
import { NS } from '../core/protocol/namespaces';
import { childElements, parseXml, textContent, type XmlElement } from '../core/protocol/xml';
import { WSManSessionFlags as F } from '../automation/flags';
import type { Session } from '../automation/session';
import { startEndpoint } from '../server/endpoint';

const SERVICE_URI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';

/** A child element's text, by local name (the resource namespace differs per class). */
function field(element: XmlElement, name: string): string {
  const found = childElements(element).find((e) => e.localName === name);
  return found ? textContent(found) : '';
}

function checked<T>(result: ComResult<T>, what: string): T {
  if (result.error) throw new Error(`${what} failed: ${formatHResult(result.hr)} ${result.error.description}`);
  return result.value;
}

async function readAll(session: Session, resourceUri: string, filter = ''): Promise<XmlElement[]> {
  const enumerator = checked(await session.Enumerate(resourceUri, filter), `Enumerate ${resourceUri}`);
  const items: XmlElement[] = [];
  while (!enumerator.get_AtEndOfStream().value) items.push(parseXml(checked(await enumerator.ReadItem(), 'ReadItem')));
  return items;
}

export async function runDemo(print: (line: string) => void): Promise<void> {
  // Like a Windows host as shipped: Negotiate only, unencrypted traffic refused.
  const endpoint = await startEndpoint({ port: 0, users: ['demo:Demo#Passw0rd'], machineName: 'WIN-DEMO' });
  try {
    print(`wsman-automation: WSMan.Automation against the embedded endpoint at ${endpoint.url} (Negotiate, sealed messages)`);
    print('');
    const wsman = createObject('WSMan.Automation');
    const options = checked(wsman.CreateConnectionOptions(), 'CreateConnectionOptions');
    options.put_UserName('demo');
    options.put_Password('Demo#Passw0rd');
    // The Windows default: Negotiate (NTLM), every message sealed over HTTP.
    const flags = F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword;
    const session = checked(wsman.CreateSession(endpoint.url, flags, options), 'CreateSession');
    session.put_BatchItems(10);

    const identity = parseXml(checked(await session.Identify(), 'Identify'));
    print(`Identify: ${field(identity, 'ProductVendor')}, ${field(identity, 'ProductVersion')}`);

    const config = parseXml(checked(await session.Get('winrm/config'), 'Get winrm/config'));
    const service = childElements(config).find((e) => e.namespace === NS.config && e.localName === 'Service')!;
    print(
      `winrm/config: MaxEnvelopeSizekb ${field(config, 'MaxEnvelopeSizekb')}, MaxTimeoutms ${field(config, 'MaxTimeoutms')}, ` +
        `MaxBatchItems ${field(config, 'MaxBatchItems')}, Service/AllowUnencrypted ${field(service, 'AllowUnencrypted')}`,
    );
    print('');

    const services = await readAll(session, 'wmicimv2/Win32_Service');
    print(`Win32_Service: ${services.length} services`);
    for (const item of services.slice(0, 8)) {
      print(`  ${field(item, 'Name').padEnd(20)} ${field(item, 'State').padEnd(8)} ${field(item, 'StartMode').padEnd(8)} ${field(item, 'DisplayName')}`);
    }
    const running = await readAll(session, 'wmicimv2/*', "SELECT Name FROM Win32_Service WHERE State = 'Running'");
    print(`  WQL "State = 'Running'": ${running.length} of ${services.length}`);

    const processes = await readAll(session, 'wmicimv2/Win32_Process');
    print(`Win32_Process: ${processes.length} processes of this machine, e.g. ${processes.slice(0, 3).map((p) => `${field(p, 'Name')} (${field(p, 'ProcessId')})`).join(', ')}`);
    print('');

    for (const method of ['StopService', 'StartService']) {
      const output = parseXml(checked(await session.Invoke(method, 'wmicimv2/Win32_Service?Name=Spooler', `<p:${method}_INPUT xmlns:p="${SERVICE_URI}"/>`), method));
      const state = parseXml(checked(await session.Get('wmicimv2/Win32_Service?Name=Spooler'), 'Get Spooler'));
      print(`Invoke ${method} Spooler: ReturnValue ${field(output, 'ReturnValue')}, State now ${field(state, 'State')}`);
    }
    const again = parseXml(checked(await session.Invoke('StartService', 'wmicimv2/Win32_Service?Name=Spooler', `<p:StartService_INPUT xmlns:p="${SERVICE_URI}"/>`), 'StartService'));
    print(`Invoke StartService Spooler again: ReturnValue ${field(again, 'ReturnValue')} (Service Already Running)`);
    print('');

    const missing = await session.Get('wmicimv2/Win32_Service?Name=NoSuchService');
    print(`Get Win32_Service?Name=NoSuchService: Error number ${toSigned(missing.hr)} ${formatHResult(missing.hr)}`);
    print(`  ${missing.error?.description}`);
    print(`  Session.Error: ${session.get_Error().value}`);
  } finally {
    await endpoint.close();
  }
}
