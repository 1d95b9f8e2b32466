/**
 * WinRS shell messages (wire.md §3.8, MS-WSMV §3.1.4.5–3.1.4.17): the bodies and options the
 * Windows client writes for Create, Command, Receive, Send, Signal, Disconnect, Reconnect and
 * Connect, and readers for the service's answers. Bodies declare `rsp` on their own element; no
 * whitespace between elements.
 */
import { escapeXmlAttribute, escapeXmlText } from '../errors/fault-xml';
import { wsmanError } from '../errors/wsman-error';
import { formatDuration } from '../protocol/duration';
import type { OptionEntry } from '../protocol/envelope';
import { readSelectors } from '../protocol/message';
import { NS } from '../protocol/namespaces';
import { WSMAN_CMDSHELL_OPTION_KEEPALIVE } from '../protocol/shell-protocol';
import { attribute, child, childElements, standaloneXml, textContent, type XmlElement } from '../protocol/xml';


/** The Receive option every Windows Receive carries (MS-WSMV §3.2.4.1.20; wire.md's example). */
export const RECEIVE_OPTIONS: readonly OptionEntry[] = [{ name: WSMAN_CMDSHELL_OPTION_KEEPALIVE, value: 'TRUE' }];

const RSP = `xmlns:rsp="${NS.shell}"`;

export interface ShellCreateRequest {
  /** Client-chosen ShellId (WSManCreateShellEx), sent as the Shell's attribute. */
  readonly shellId?: string;
  readonly name?: string;
  readonly environment?: ReadonlyArray<readonly [string, string]>;
  readonly workingDirectory?: string;
  /** 0 or absent: the server's IdleTimeout. */
  readonly idleTimeoutMs?: number;
  readonly inputStreams: readonly string[];
  readonly outputStreams: readonly string[];
  /** Extra XML inside rsp:Shell after the streams (WSManCreateShell's createXml). */
  readonly extraXml?: string;
}

/** `<rsp:Shell>` with its children in schema order (MS-WSMV §2.2.4.37). */
export function shellCreateBody(request: ShellCreateRequest): string {
  const id = request.shellId !== undefined ? ` ShellId="${escapeXmlAttribute(request.shellId)}"` : '';
  const name = request.name ? `<rsp:Name>${escapeXmlText(request.name)}</rsp:Name>` : '';
  const environment = request.environment?.length
    ? `<rsp:Environment>${request.environment.map(([k, v]) => `<rsp:Variable Name="${escapeXmlAttribute(k)}">${escapeXmlText(v)}</rsp:Variable>`).join('')}</rsp:Environment>`
    : '';
  const directory = request.workingDirectory ? `<rsp:WorkingDirectory>${escapeXmlText(request.workingDirectory)}</rsp:WorkingDirectory>` : '';
  const idle = request.idleTimeoutMs ? `<rsp:IdleTimeOut>${formatDuration(request.idleTimeoutMs)}</rsp:IdleTimeOut>` : '';
  return (
    `<rsp:Shell ${RSP}${id}>${name}${environment}${directory}${idle}` +
    `<rsp:InputStreams>${escapeXmlText(request.inputStreams.join(' '))}</rsp:InputStreams>` +
    `<rsp:OutputStreams>${escapeXmlText(request.outputStreams.join(' '))}</rsp:OutputStreams>` +
    `${request.extraXml ?? ''}</rsp:Shell>`
  );
}

/** `<rsp:CommandLine>`: the command, then one rsp:Arguments per argument (MS-WSMV §2.2.4.7). */
export function commandBody(command: string, args: readonly string[], commandId?: string): string {
  const id = commandId !== undefined ? ` CommandId="${escapeXmlAttribute(commandId)}"` : '';
  return (
    `<rsp:CommandLine ${RSP}${id}><rsp:Command>${escapeXmlText(command)}</rsp:Command>` +
    `${args.map((a) => `<rsp:Arguments>${escapeXmlText(a)}</rsp:Arguments>`).join('')}</rsp:CommandLine>`
  );
}

/** `<rsp:Receive>`: the desired streams, of one command or (without an id) of the shell. */
export function receiveBody(streams: readonly string[], commandId?: string): string {
  const id = commandId !== undefined ? ` CommandId="${escapeXmlAttribute(commandId)}"` : '';
  return `<rsp:Receive ${RSP}><rsp:DesiredStream${id}>${escapeXmlText(streams.join(' '))}</rsp:DesiredStream></rsp:Receive>`;
}

/** `<rsp:Send>`: one stream's bytes in base64, `End="true"` on the last. */
export function sendBody(stream: string, data: Uint8Array, end: boolean, commandId?: string): string {
  const id = commandId !== undefined ? ` CommandId="${escapeXmlAttribute(commandId)}"` : '';
  return (
    `<rsp:Send ${RSP}><rsp:Stream Name="${escapeXmlAttribute(stream)}"${id}${end ? ' End="true"' : ''}>` +
    `${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}</rsp:Stream></rsp:Send>`
  );
}

export function signalBody(code: string, commandId?: string): string {
  const id = commandId !== undefined ? ` CommandId="${escapeXmlAttribute(commandId)}"` : '';
  return `<rsp:Signal ${RSP}${id}><rsp:Code>${escapeXmlText(code)}</rsp:Code></rsp:Signal>`;
}

export type BufferMode = 'Drop' | 'Block';

/** `<rsp:Disconnect>` with the optional new idle timeout and buffering mode (MS-PSRP §3.1.5.3.16). */
export function disconnectBody(idleTimeoutMs: number | undefined, bufferMode: BufferMode | undefined): string {
  const idle = idleTimeoutMs ? `<rsp:IdleTimeOut>${formatDuration(idleTimeoutMs)}</rsp:IdleTimeOut>` : '';
  const mode = bufferMode ? `<rsp:BufferMode>${bufferMode}</rsp:BufferMode>` : '';
  return idle || mode ? `<rsp:Disconnect ${RSP}>${idle}${mode}</rsp:Disconnect>` : `<rsp:Disconnect ${RSP}/>`;
}

/** `<rsp:Connect>` with the caller's connect XML inside (Connect is a shell operation, MS-WSMV §3.1.4.17). */
export function connectBody(extraXml: string | undefined): string {
  return extraXml ? `<rsp:Connect ${RSP}>${extraXml}</rsp:Connect>` : `<rsp:Connect ${RSP}/>`;
}

// ---- replies ------------------------------------------------------------------------------------

export interface CreatedShell {
  /** The ShellId selector of the ResourceCreated EPR, exactly as the server wrote it. */
  readonly shellId: string;
  /** The rsp:Shell the server added (Windows 2012+), as XML; '' when absent. */
  readonly shellXml: string;
}

export function readCreateResponse(body: XmlElement): CreatedShell {
  const created = child(body, NS.transfer, 'ResourceCreated');
  const parameters = created ? child(created, NS.addressing, 'ReferenceParameters') : undefined;
  const selector = readSelectors(parameters ? child(parameters, NS.wsman, 'SelectorSet') : undefined).find((s) => s.name.toLowerCase() === 'shellid');
  if (!selector || selector.value === '') throw wsmanError('ERROR_WSMAN_CREATE_RESPONSE_NO_EPR');
  const shell = child(body, NS.shell, 'Shell');
  return { shellId: selector.value, shellXml: shell ? standaloneXml(shell) : '' };
}

export function readCommandResponse(body: XmlElement): string {
  const response = child(body, NS.shell, 'CommandResponse');
  if (!response) throw wsmanError('ERROR_WSMAN_NO_COMMAND_RESPONSE');
  const id = child(response, NS.shell, 'CommandId');
  const text = id ? textContent(id).trim() : '';
  if (text === '') throw wsmanError('ERROR_WSMAN_NO_COMMANDID');
  return text;
}

export interface StreamChunk {
  readonly name: string;
  readonly commandId: string | undefined;
  readonly data: Buffer;
  readonly end: boolean;
}

export interface CommandStateReport {
  readonly commandId: string | undefined;
  readonly state: string;
  /** Present with the Done state. */
  readonly exitCode: number | undefined;
}

export interface ReceivedOutput {
  readonly streams: readonly StreamChunk[];
  readonly commandState: CommandStateReport | undefined;
}

const TRUE_VALUES = new Set(['true', '1']);

/** rsp:ReceiveResponse: the stream chunks in order (base64 decoded) and the command state. */
export function readReceiveResponse(body: XmlElement): ReceivedOutput {
  const response = child(body, NS.shell, 'ReceiveResponse');
  if (!response) throw wsmanError('ERROR_WSMAN_NO_RECEIVE_RESPONSE');
  const streams: StreamChunk[] = [];
  let commandState: CommandStateReport | undefined;
  for (const element of childElements(response)) {
    if (element.namespace !== NS.shell) continue;
    if (element.localName === 'Stream') {
      const name = attribute(element, 'Name');
      if (!name) throw wsmanError('ERROR_WSMAN_NO_RECEIVE_RESPONSE');
      streams.push({
        name,
        commandId: attribute(element, 'CommandId'),
        data: Buffer.from(textContent(element), 'base64'),
        end: TRUE_VALUES.has((attribute(element, 'End') ?? '').trim().toLowerCase()),
      });
    } else if (element.localName === 'CommandState') {
      const state = attribute(element, 'State');
      if (!state) throw wsmanError('ERROR_WSMAN_NO_RECEIVE_RESPONSE');
      const exit = child(element, NS.shell, 'ExitCode');
      const exitCode = exit ? Number(textContent(exit).trim()) : undefined;
      commandState = {
        commandId: attribute(element, 'CommandId'),
        state,
        exitCode: exitCode !== undefined && Number.isFinite(exitCode) ? exitCode >>> 0 : undefined,
      };
    }
  }
  return { streams, commandState };
}

export interface ConnectedShell {
  /** The rsp:ConnectResponse as XML, for WSMAN_CONNECT_DATA; '' when the body was empty. */
  readonly xml: string;
  readonly inputStreams: readonly string[] | undefined;
  readonly outputStreams: readonly string[] | undefined;
}

/** rsp:ConnectResponse (or nothing): the streams of the shell taken over, and the XML for the caller. */
export function readConnectResponse(body: XmlElement): ConnectedShell {
  const response = child(body, NS.shell, 'ConnectResponse');
  const streams = (name: string): string[] | undefined => {
    const element = response ? child(response, NS.shell, name) : undefined;
    const names = element ? textContent(element).trim().split(/\s+/).filter(Boolean) : [];
    return names.length ? names : undefined;
  };
  return { xml: response ? standaloneXml(response) : '', inputStreams: streams('InputStreams'), outputStreams: streams('OutputStreams') };
}
