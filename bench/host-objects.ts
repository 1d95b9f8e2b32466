/**
 * The script host's own objects (src/host/objects), each measured against the plain JavaScript
 * it stands in for, in the same run (measurePaired interleaves the two in short slices):
 *
 *  - Dictionary.Item through IDispatch        vs Map.get
 *  - RegExp.Execute (+ Count, Item(0).Value)  vs RegExp.exec
 *  - MSXML loadXML + selectSingleNode (XPath with SelectionNamespaces) of a Win32_Service Get
 *    reply                                    vs this library's own XML parser and a child lookup
 *  - MSXML transformNode (text XSLT, a worker thread) of the same reply
 *                                             vs the same library parse
 *
 *   BENCH_SUITE=host-objects npm run bench, or: npx ts-node bench/host-objects.ts
 * BENCH_SECONDS, BENCH_FILTER and BENCH_JSON as for the other benchmarks (config.ts). No timed assertions.
 */
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT, DISPID_VALUE, type SyncDispatch, type Variant } from '../src/automation/dispatch/contract';
import { child, parseXml, textContent } from '../src/core/protocol/xml';
import { createHostObject, createRegExp } from '../src/host/objects/registry';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { environment, fmtRate, table, writeResultsJson } from './format';
import { measurePaired, type Operation, type PairedOptions, type Summary } from './stats';

const PAIRED: PairedOptions = { warmupOps: 20, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 50, minOps: 20 };
const READ = DISPATCH_METHOD | DISPATCH_PROPERTYGET;
const SERVICE_NS = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';

/** A Get reply for one service, as the endpoint writes it (~1.5 KB). */
const SERVICE_XML =
  `<p:Win32_Service xmlns:p="${SERVICE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="p:Win32_Service_Type" xml:lang="en-US">` +
  '<p:AcceptPause>false</p:AcceptPause><p:AcceptStop>true</p:AcceptStop><p:Caption>Windows Remote Management (WS-Management)</p:Caption>' +
  '<p:CheckPoint>0</p:CheckPoint><p:CreationClassName>Win32_Service</p:CreationClassName><p:DelayedAutoStart>false</p:DelayedAutoStart>' +
  '<p:Description>Windows Remote Management (WinRM) service implements the WS-Management protocol for remote management.</p:Description>' +
  '<p:DesktopInteract>false</p:DesktopInteract><p:DisplayName>Windows Remote Management (WS-Management)</p:DisplayName><p:ErrorControl>Normal</p:ErrorControl>' +
  '<p:ExitCode>0</p:ExitCode><p:InstallDate xsi:nil="true"/><p:Name>WinRM</p:Name><p:PathName>C:\\Windows\\system32\\svchost.exe -k NetworkService -p</p:PathName>' +
  '<p:ProcessId>3240</p:ProcessId><p:ServiceSpecificExitCode>0</p:ServiceSpecificExitCode><p:ServiceType>Share Process</p:ServiceType><p:Started>true</p:Started>' +
  '<p:StartMode>Auto</p:StartMode><p:StartName>NT AUTHORITY\\NetworkService</p:StartName><p:State>Running</p:State><p:Status>OK</p:Status>' +
  '<p:SystemCreationClassName>Win32_ComputerSystem</p:SystemCreationClassName><p:SystemName>BENCH-HOST</p:SystemName><p:TagId>0</p:TagId><p:WaitHint>0</p:WaitHint></p:Win32_Service>';

const TEXT_XSLT =
  '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="text"/>' +
  '<xsl:template match="/"><xsl:for-each select="/*/*"><xsl:value-of select="concat(local-name(), \' = \', .)"/><xsl:text>&#10;</xsl:text></xsl:for-each></xsl:template>' +
  '</xsl:stylesheet>';

export interface HostObjectRow {
  readonly name: string;
  readonly baselineName: string;
  /** Calls per timed op. */
  readonly batch: number;
  readonly meanUsPerCall: number;
  readonly p50UsPerCall: number;
  readonly baselineUsPerCall: number;
  /** meanUsPerCall ÷ baselineUsPerCall. */
  readonly ratio: number;
}

function call(object: SyncDispatch, name: string, ...args: Variant[]): any {
  return object.Invoke(object.GetIDsOfNames([name])[0], READ, args);
}

function batchOf(batch: number, body: () => void): Operation {
  return async () => {
    for (let i = 0; i < batch; i++) body();
  };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`unexpected result: ${what}`);
}

interface Pair {
  readonly name: string;
  readonly baselineName: string;
  readonly batch: number;
  readonly target: () => void;
  readonly baseline: () => void;
}

function pairs(): Pair[] {
  const dictionary = createHostObject('Scripting.Dictionary', {})!;
  const map = new Map<string, number>();
  for (let i = 0; i < 100; i++) {
    dictionary.Invoke(DISPID_VALUE, DISPATCH_PROPERTYPUT, [`key${i}`, i]);
    map.set(`key${i}`, i);
  }
  // A script engine binds a name once and then invokes by DISPID.
  const itemId = dictionary.GetIDsOfNames(['Item'])[0];

  const regex = createRegExp({});
  regex.Invoke(regex.GetIDsOfNames(['Pattern'])[0], DISPATCH_PROPERTYPUT, ['(https?)://([^:/]+):(\\d+)']);
  const native = /(https?):\/\/([^:/]+):(\d+)/;
  const url = 'connect to https://server01.contoso.com:5986/wsman now';

  const doc = createHostObject('MSXML2.DOMDocument.6.0', {})!;
  call(doc, 'setProperty', 'SelectionNamespaces', `xmlns:p='${SERVICE_NS}'`);
  const style = createHostObject('MSXML2.DOMDocument.6.0', {})!;
  check(call(style, 'loadXML', TEXT_XSLT) === true, 'stylesheet');
  call(doc, 'loadXML', SERVICE_XML);
  const libraryParse = () => check(textContent(child(parseXml(SERVICE_XML), SERVICE_NS, 'State')!) === 'Running', 'library parse');

  return [
    {
      name: 'Dictionary.Item(key) through IDispatch',
      baselineName: 'Map.get',
      batch: 1_000,
      target: () => check(dictionary.Invoke(itemId, READ, ['key42']) === 42, 'Item'),
      baseline: () => check(map.get('key42') === 42, 'Map.get'),
    },
    {
      name: 'RegExp.Execute + Count + Item(0).Value',
      baselineName: 'RegExp.exec',
      batch: 100,
      target: () => {
        const matches = call(regex, 'Execute', url);
        check(call(matches, 'Count') === 1 && call(call(matches, 'Item', 0), 'Value') === 'https://server01.contoso.com:5986', 'Execute');
      },
      baseline: () => check(native.exec(url)?.[0] === 'https://server01.contoso.com:5986', 'exec'),
    },
    {
      name: 'MSXML loadXML + selectSingleNode("/p:Win32_Service/p:State").text',
      baselineName: 'library parseXml + child',
      batch: 10,
      target: () => {
        call(doc, 'loadXML', SERVICE_XML);
        check(call(call(doc, 'selectSingleNode', '/p:Win32_Service/p:State'), 'text') === 'Running', 'selectSingleNode');
      },
      baseline: libraryParse,
    },
    {
      name: 'MSXML transformNode (text XSLT, worker thread)',
      baselineName: 'library parseXml + child',
      batch: 5,
      target: () => check((call(doc, 'transformNode', style) as string).includes('State = Running\n'), 'transformNode'),
      baseline: libraryParse,
    },
  ];
}

function perCallUs(summary: Summary, batch: number): { mean: number; p50: number } {
  return { mean: (summary.meanMs * 1000) / batch, p50: (summary.p50Ms * 1000) / batch };
}

export async function runHostObjectsBench(): Promise<HostObjectRow[]> {
  console.log(`Host objects benchmark: the script host's WSH objects against plain JavaScript; ${SECONDS} s per measurement after warm-up, interleaved with the baseline\n`);
  const rows: HostObjectRow[] = [];
  for (const pair of pairs()) {
    if (!selected(pair.name)) continue;
    progress(pair.name);
    const { target, baseline } = await measurePaired(batchOf(pair.batch, pair.target), batchOf(pair.batch, pair.baseline), PAIRED);
    const measured = perCallUs(target, pair.batch);
    const reference = perCallUs(baseline, pair.batch);
    rows.push({ name: pair.name, baselineName: pair.baselineName, batch: pair.batch, meanUsPerCall: measured.mean, p50UsPerCall: measured.p50, baselineUsPerCall: reference.mean, ratio: measured.mean / reference.mean });
  }
  console.log('\nCost per call (op = a batch of calls; µs per call = op time ÷ batch)');
  console.log(
    table(
      ['call', 'batch', 'mean µs/call', 'p50 µs/call', 'baseline', 'baseline µs/call', 'vs baseline'],
      rows.map((row) => [row.name, String(row.batch), fmtRate(row.meanUsPerCall), fmtRate(row.p50UsPerCall), row.baselineName, fmtRate(row.baselineUsPerCall), `${row.ratio.toFixed(1)}×`]),
    ),
  );
  return rows;
}

// `ts-node bench/host-objects.ts`: this benchmark alone.
if (require.main === module) {
  const env = environment();
  console.log(`wsman-automation host objects benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);
  runHostObjectsBench()
    .then((hostObjects) => {
      writeResultsJson({ suite: 'host-objects', hostObjects });
      // The XSLT worker thread is unref'd; nothing else keeps the process.
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    });
}
