/**
 * The wire reader (src/core/protocol/wire-reader.ts) against parseXml (fast-xml-parser behind the
 * well-formedness gate), interleaved in the same run (measurePaired), on the documents of the wire
 * hot paths:
 *
 *  - a Win32_Service Get reply (~2.5 KB)              the client's every Get
 *  - a PullResponse of 100 Win32_Service items        an enumeration page
 *  - a ReceiveResponse with 500 KB of base64          WinRS output
 *  - a 1.1 KB Get request                             the endpoint's every request
 *
 * each read alone, and read and handed on as the client does (the result or items as text:
 * standaloneXml's slices against serializeXml). Then the memory of each reader on a 480 KB
 * document of 120,000 elements, each in a child process of its own (heap held by the tree, RSS).
 *
 *   BENCH_SUITE=reader npm run bench, or: npx ts-node bench/reader.ts
 * BENCH_SECONDS, BENCH_FILTER and BENCH_JSON as for the other benchmarks (config.ts). No timed assertions.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildRequestEnvelope, buildResponseEnvelope } from '../src/core/protocol/envelope';
import { ACTION, NS } from '../src/core/protocol/namespaces';
import { readWireXml } from '../src/core/protocol/wire-reader';
import { child, childElements, parseXml, serializeXml, standaloneXml, type XmlElement } from '../src/core/protocol/xml';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { environment, fmtRate, table, writeResultsJson } from './format';
import { measurePaired, type PairedOptions } from './stats';

const PAIRED: PairedOptions = { warmupOps: 20, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 50, baselineSliceMs: 50, minOps: 20 };
const SERVICE_NS = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';

function serviceXml(name: string): string {
  return (
    `<p:Win32_Service xmlns:p="${SERVICE_NS}" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:xsi="${NS.xsi}" xsi:type="p:Win32_Service_Type" xml:lang="en-US">` +
    '<p:AcceptPause>false</p:AcceptPause><p:AcceptStop>true</p:AcceptStop><p:Caption>Windows Remote Management (WS-Management)</p:Caption>' +
    '<p:CheckPoint>0</p:CheckPoint><p:CreationClassName>Win32_Service</p:CreationClassName><p:DelayedAutoStart>false</p:DelayedAutoStart>' +
    '<p:Description>Windows Remote Management (WinRM) service implements the WS-Management protocol for remote management.</p:Description>' +
    '<p:DesktopInteract>false</p:DesktopInteract><p:DisplayName>Windows Remote Management (WS-Management)</p:DisplayName><p:ErrorControl>Normal</p:ErrorControl>' +
    `<p:ExitCode>0</p:ExitCode><p:InstallDate xsi:nil="true"/><p:Name>${name}</p:Name><p:PathName>C:\\Windows\\system32\\svchost.exe -k NetworkService -p</p:PathName>` +
    '<p:ProcessId>3240</p:ProcessId><p:ServiceSpecificExitCode>0</p:ServiceSpecificExitCode><p:ServiceType>Share Process</p:ServiceType><p:Started>true</p:Started>' +
    '<p:StartMode>Auto</p:StartMode><p:StartName>NT AUTHORITY\\NetworkService</p:StartName><p:State>Running</p:State><p:Status>OK</p:Status>' +
    '<p:SystemCreationClassName>Win32_ComputerSystem</p:SystemCreationClassName><p:SystemName>BENCH-HOST</p:SystemName><p:TagId>0</p:TagId><p:WaitHint>0</p:WaitHint></p:Win32_Service>'
  );
}

const RELATES_TO = 'uuid:6B4A3C1E-0000-4000-8000-00000000BE9C';

function getReply(): string {
  return buildResponseEnvelope({ action: `${ACTION.get}Response`, relatesTo: RELATES_TO, bodyXml: serviceXml('WinRM') });
}

function pullPage(items: number): string {
  const bodyXml =
    `<n:PullResponse><n:EnumerationContext>uuid:0A1B2C3D-0000-0000-0000-000000000002</n:EnumerationContext><n:Items>` +
    Array.from({ length: items }, (_, i) => serviceXml(`Service${i}`)).join('') +
    '</n:Items></n:PullResponse>';
  return buildResponseEnvelope({ action: `${ACTION.pull}Response`, relatesTo: RELATES_TO, bodyXml, extraNamespaces: ['enumeration'] });
}

function receiveResponse(base64Bytes: number): string {
  const data = Buffer.alloc((base64Bytes / 4) * 3, 'output line\r\n').toString('base64');
  const bodyXml =
    `<rsp:ReceiveResponse xmlns:rsp="${NS.shell}"><rsp:Stream Name="stdout" CommandId="C0FFEE00-0000-0000-0000-000000000000">${data}</rsp:Stream>` +
    `<rsp:CommandState CommandId="C0FFEE00-0000-0000-0000-000000000000" State="${NS.shell}/CommandState/Running"/></rsp:ReceiveResponse>`;
  return buildResponseEnvelope({ action: `${NS.shell}/ReceiveResponse`, relatesTo: RELATES_TO, bodyXml });
}

function getRequest(): string {
  return buildRequestEnvelope(
    {
      to: 'http://bench-host:5985/wsman',
      resourceUri: SERVICE_NS,
      action: ACTION.get,
      maxEnvelopeSize: 512000,
      messageId: 'uuid:6B4A3C1E-0000-4000-8000-00000000BE9C',
      locale: 'en-US',
      dataLocale: 'en-US',
      sessionId: 'uuid:11111111-2222-4333-8444-555555555555',
      operationTimeoutMs: 60000,
      selectors: [{ name: 'Name', value: 'WinRM' }],
      options: [{ name: '__cimnamespace', value: 'root/cimv2' }],
    },
    '',
  );
}

/** The first element of s:Body, as the client takes it. */
function bodyElement(root: XmlElement): XmlElement {
  return childElements(child(root, NS.soap, 'Body')!)[0];
}

/** The result texts the client hands on: the Get resource, or every item of a page. */
function resultTexts(root: XmlElement, write: (element: XmlElement) => string): number {
  const body = bodyElement(root);
  const items = child(body, NS.enumeration, 'Items');
  if (!items) return write(body).length;
  let length = 0;
  for (const item of childElements(items)) length += write(item).length;
  return length;
}

interface Case {
  readonly name: string;
  readonly bytes: number;
  /** Documents parsed per timed op (small documents are batched to rise above timer noise). */
  readonly batch: number;
  readonly wire: () => unknown;
  readonly general: () => unknown;
}

function cases(): Case[] {
  const documents = [
    { name: 'Get reply', text: getReply(), batch: 50, results: true },
    { name: '100-item Pull page', text: pullPage(100), batch: 1, results: true },
    { name: '500 KB base64 ReceiveResponse', text: receiveResponse(500 * 1024), batch: 1, results: false },
    { name: '1.1 KB Get request (endpoint)', text: getRequest(), batch: 50, results: false },
  ];
  const list: Case[] = [];
  for (const doc of documents) {
    const bytes = Buffer.byteLength(doc.text);
    // The two readers must agree before they are timed.
    if (doc.results && resultTexts(readWireXml(doc.text), standaloneXml) !== resultTexts(parseXml(doc.text), serializeXml)) {
      throw new Error(`${doc.name}: the readers' results differ in length`);
    }
    const repeat = (body: () => unknown) => () => {
      for (let i = 0; i < doc.batch; i++) body();
    };
    list.push({ name: `read: ${doc.name}`, bytes, batch: doc.batch, wire: repeat(() => readWireXml(doc.text)), general: repeat(() => parseXml(doc.text)) });
    if (doc.results) {
      list.push({
        name: `read + result text: ${doc.name}`,
        bytes,
        batch: doc.batch,
        wire: repeat(() => resultTexts(readWireXml(doc.text), standaloneXml)),
        general: repeat(() => resultTexts(parseXml(doc.text), serializeXml)),
      });
    }
  }
  return list;
}

export interface ReaderRow {
  readonly name: string;
  readonly bytes: number;
  /** Mean time per document (garbage collection included: each reader pays for what it allocates). */
  readonly wireUs: number;
  readonly parseXmlUs: number;
  /** Median time per document, over the timed ops. */
  readonly wireP50Us: number;
  readonly parseXmlP50Us: number;
  /** parseXml's mean time ÷ the wire reader's: how many times faster the wire reader is. */
  readonly speedup: number;
  readonly wireMBps: number;
}

export interface MemoryRow {
  readonly reader: string;
  /** Heap held by the tree after a full GC, MB. */
  readonly heapMB: number;
  /** Peak RSS of the child process over its baseline before parsing, MB. */
  readonly peakRssMB: number;
  readonly parseMs: number;
}

export interface ReaderResults {
  readonly rows: readonly ReaderRow[];
  readonly memory: readonly MemoryRow[];
}

const MEMORY_ELEMENTS = 120_000;

/** 480 KB: a root and 119,999 empty children (`<a/>`, four bytes each). */
function memoryDocument(): string {
  return `<r>${'<a/>'.repeat(MEMORY_ELEMENTS - 1)}</r>`;
}

/** In a child process: read the memory document with one reader, report heap held and RSS. */
function measureMemoryHere(reader: string): void {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const text = memoryDocument();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const root = reader === 'wire' ? readWireXml(text) : parseXml(text);
  const parseMs = Number(process.hrtime.bigint() - started) / 1e6;
  gc();
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const peakRssMB = (process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20;
  if (root.children.length !== MEMORY_ELEMENTS - 1) throw new Error('unexpected tree');
  process.stdout.write(JSON.stringify({ heapMB, peakRssMB, parseMs }));
}

function measureMemory(reader: 'wire' | 'parseXml'): MemoryRow {
  const output = execFileSync(process.execPath, ['--expose-gc', '-r', join(__dirname, '..', 'fuzz', 'swc-register.js'), __filename, '--memory', reader], { encoding: 'utf8' });
  const { heapMB, peakRssMB, parseMs } = JSON.parse(output) as { heapMB: number; peakRssMB: number; parseMs: number };
  return { reader: reader === 'wire' ? 'wire reader' : 'parseXml', heapMB, peakRssMB, parseMs };
}

export async function runReaderBench(): Promise<ReaderResults> {
  console.log('\nThe wire reader against parseXml (fast-xml-parser + gate + tree), interleaved slices, same run');
  const rows: ReaderRow[] = [];
  for (const c of cases()) {
    if (!selected(c.name)) continue;
    progress(c.name);
    const { target, baseline } = await measurePaired(async () => c.wire(), async () => c.general(), PAIRED);
    const perDocument = (ms: number): number => (ms * 1000) / c.batch;
    const wireUs = perDocument(target.meanMs);
    const parseXmlUs = perDocument(baseline.meanMs);
    rows.push({
      name: c.name,
      bytes: c.bytes,
      wireUs,
      parseXmlUs,
      wireP50Us: perDocument(target.p50Ms),
      parseXmlP50Us: perDocument(baseline.p50Ms),
      speedup: parseXmlUs / wireUs,
      wireMBps: c.bytes / wireUs,
    });
  }
  console.log(
    table(
      ['document', 'bytes', 'wire µs', 'parseXml µs', 'wire p50', 'parseXml p50', 'wire speed-up (means)', 'wire MB/s'],
      rows.map((row) => [
        row.name,
        String(row.bytes),
        fmtRate(row.wireUs),
        fmtRate(row.parseXmlUs),
        fmtRate(row.wireP50Us),
        fmtRate(row.parseXmlP50Us),
        `${row.speedup.toFixed(2)}×`,
        fmtRate(row.wireMBps),
      ]),
    ),
  );
  const memory: MemoryRow[] = [];
  if (selected('memory')) {
    progress('memory: 480 KB, 120,000 elements');
    memory.push(measureMemory('wire'), measureMemory('parseXml'));
    console.log(`\nMemory of one 480 KB document of ${MEMORY_ELEMENTS.toLocaleString('en-US')} elements (a child process per reader)`);
    console.log(
      table(
        ['reader', 'heap held by the tree MB', 'peak RSS growth MB', 'parse ms'],
        memory.map((row) => [row.reader, row.heapMB.toFixed(1), row.peakRssMB.toFixed(1), row.parseMs.toFixed(1)]),
      ),
    );
  }
  return { rows, memory };
}

if (require.main === module) {
  const memoryArg = process.argv.indexOf('--memory');
  if (memoryArg !== -1) {
    measureMemoryHere(process.argv[memoryArg + 1]);
  } else {
    const env = environment();
    console.log(`wsman-automation reader benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
    console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);
    runReaderBench()
      .then((reader) => writeResultsJson({ suite: 'reader', reader }))
      .catch((error: unknown) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : error);
        process.exitCode = 1;
      });
  }
}
