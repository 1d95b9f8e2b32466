/**
 * The WinRS cmd shell (`…/windows/shell/cmd`, wire.md §3.8): Create, Delete, Get and Enumerate
 * of shells, and the shell actions Command, Send, Receive, Signal, Disconnect, Reconnect and
 * Connect, running real processes through the shell registry.
 */
import { homedir } from 'node:os';
import { inject, injectable } from 'inversify';
import { wsmanError, type WSManError } from '../../core/errors/wsman-error';
import { escapeXmlAttribute, escapeXmlText } from '../../core/errors/fault-xml';
import { parseDuration } from '../../core/protocol/duration';
import { buildResponseEnvelope } from '../../core/protocol/envelope';
import { NS } from '../../core/protocol/namespaces';
import {
  SHELL_ACTION,
  WSMAN_CMDSHELL_OPTION_CODEPAGE,
  WSMAN_CMDSHELL_OPTION_SKIP_CMD_SHELL,
  WSMAN_CMDSHELL_URI,
  WSMAN_COMMAND_STATE_DONE,
  WSMAN_COMMAND_STATE_RUNNING,
  WSMAN_SHELL_OPTION_NOPROFILE,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_BREAK,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_C,
  WSMAN_SIGNAL_SHELL_CODE_TERMINATE,
  WSMAN_STREAM_ID_STDIN,
} from '../../core/protocol/shell-protocol';
import { attribute, child, children, textContent, type XmlElement } from '../../core/protocol/xml';
import type { ProviderInfo } from '../../core/protocol/faults';
import type { WSManRequest } from '../service/wsman-request';
import { base64Pieces } from '../shell/base64-pieces';
import { readCodepage } from '../shell/codepage';
import type { Shell } from '../shell/shell';
import { OUTPUT_STREAMS, type BufferMode, type OutputStreamName, type ReceiveBudget, type ShellSignal } from '../shell/shell-command';
import { invalidParameter, shellFaultProvider, unknownCommand } from '../shell/shell-faults';
import { ShellRegistry } from '../shell/shell-registry';
import type { CreatedResource, EnumerationFilter, EnumerationItem, ReplyBody, ResourceProvider, ResourceReference, StagedChange } from './resource-provider';

/** The largest exit code text an rsp:ExitCode may carry. */
const WIDEST_EXIT_CODE = -2147483648;

const SIGNALS: Readonly<Record<string, ShellSignal>> = {
  [WSMAN_SIGNAL_SHELL_CODE_TERMINATE.toLowerCase()]: 'terminate',
  [WSMAN_SIGNAL_SHELL_CODE_CTRL_C.toLowerCase()]: 'ctrl_c',
  [WSMAN_SIGNAL_SHELL_CODE_CTRL_BREAK.toLowerCase()]: 'ctrl_break',
};

const SHELL_ACTIONS: readonly string[] = Object.values(SHELL_ACTION);

function isCmdShell(resourceUri: string): boolean {
  return resourceUri.toLowerCase() === WSMAN_CMDSHELL_URI.toLowerCase();
}

/** Boolean options are read case-insensitively (pypsrp sends `True`/`False`, Windows `TRUE`/`FALSE`). */
function optionFlag(request: WSManRequest, name: string): boolean {
  const option = request.options.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
  return option?.value?.trim().toLowerCase() === 'true';
}

function optionValue(request: WSManRequest, name: string): string | undefined {
  return request.options.find((entry) => entry.name.toLowerCase() === name.toLowerCase())?.value ?? undefined;
}

function shellElement(element: XmlElement | undefined, localName: string): XmlElement | undefined {
  return element ? child(element, NS.shell, localName) : undefined;
}

function streamList(element: XmlElement | undefined, fallback: readonly string[]): string[] {
  if (!element) return [...fallback];
  return textContent(element).trim().split(/\s+/).filter((name) => name !== '');
}

function durationOf(element: XmlElement | undefined): number | undefined {
  if (!element) return undefined;
  const text = textContent(element).trim();
  // IdleTimeOut is an xs:duration, though MS-WSMV §2.2.4.37 calls it milliseconds: accept both.
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === undefined || ms <= 0) throw invalidParameter();
  return ms;
}

/** An attribute unqualified or in the shell namespace: winrm4j (JAX-WS) writes `rsp:CommandId`, and Windows takes it. */
function shellAttribute(element: XmlElement, localName: string): string | undefined {
  return attribute(element, localName) ?? attribute(element, localName, NS.shell);
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

const streamOpen = (name: string, id: string): string => `<rsp:Stream Name="${name}" CommandId="${id}">`;
const STREAM_CLOSE = '</rsp:Stream>';
const endMarker = (name: string, id: string): string => `<rsp:Stream Name="${name}" CommandId="${id}" End="true"></rsp:Stream>`;

function commandStateXml(id: string, exitCode: number | undefined): string {
  return exitCode !== undefined
    ? `<rsp:CommandState CommandId="${id}" State="${WSMAN_COMMAND_STATE_DONE}"><rsp:ExitCode>${exitCode}</rsp:ExitCode></rsp:CommandState>`
    : `<rsp:CommandState CommandId="${id}" State="${WSMAN_COMMAND_STATE_RUNNING}"/>`;
}

/**
 * How much stream data a ReceiveResponse may carry to fill the client's MaxEnvelopeSize, as
 * Windows does: the envelope the service wraps shell replies in, the End markers of every wanted
 * stream and a Done state with the widest exit code are reserved; each rsp:Stream element costs
 * its tags. Sizes are UTF-8 bytes, halved room for a UTF-16 client (the service's own check).
 */
function receiveBudget(request: WSManRequest, id: string, streams: readonly OutputStreamName[]): ReceiveBudget {
  const envelope = buildResponseEnvelope({ action: `${request.action}Response`, relatesTo: request.messageId, bodyXml: '', extraNamespaces: ['shell'] });
  const frame = `${envelope}<rsp:ReceiveResponse>${streams.map((name) => endMarker(name, id)).join('')}${commandStateXml(id, WIDEST_EXIT_CODE)}</rsp:ReceiveResponse>`;
  const elementOverhead = Math.max(...streams.map((name) => Buffer.byteLength(streamOpen(name, id) + STREAM_CLOSE)));
  return { budget: Math.floor(request.maxEnvelopeSize / (request.bytesPerUnit ?? 1)) - Buffer.byteLength(frame), elementOverhead };
}

@injectable()
export class ShellResources implements ResourceProvider {
  /** Shell actions go to invoke() whole; the service routes them here. */
  readonly actions = SHELL_ACTIONS;

  constructor(@inject(ShellRegistry) private readonly registry: ShellRegistry) {}

  serves(resourceUri: string): boolean {
    // The shell namespace itself lists every shell (Enumerate), as Windows does.
    return isCmdShell(resourceUri) || resourceUri.toLowerCase() === NS.shell.toLowerCase();
  }

  faultProvider(error: WSManError): ProviderInfo | undefined {
    return shellFaultProvider(error);
  }

  private shellOf(request: WSManRequest): Shell {
    if (!isCmdShell(request.resourceUri)) throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
    const selector = request.selectors.find((s) => s.name.toLowerCase() === 'shellid');
    return this.registry.find(selector?.value, request.principal.userName);
  }

  private reference(shell: Shell): ResourceReference {
    return { resourceUri: WSMAN_CMDSHELL_URI, selectors: [{ name: 'ShellId', value: shell.id }] };
  }

  get(request: WSManRequest): string {
    const shell = this.shellOf(request);
    return shell.xml('listed', this.registry.usage(shell));
  }

  put(): StagedChange {
    throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
  }

  create(request: WSManRequest): CreatedResource {
    if (!isCmdShell(request.resourceUri)) throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
    const body = request.body;
    if (!body || body.namespace !== NS.shell || body.localName !== 'Shell') throw wsmanError('ERROR_WSMAN_SCHEMA_VALIDATION_ERROR');
    const inputStreams = streamList(shellElement(body, 'InputStreams'), [WSMAN_STREAM_ID_STDIN]);
    const outputStreams = streamList(shellElement(body, 'OutputStreams'), OUTPUT_STREAMS);
    if (inputStreams.some((name) => name !== WSMAN_STREAM_ID_STDIN)) throw invalidParameter();
    if (outputStreams.some((name) => !(OUTPUT_STREAMS as readonly string[]).includes(name))) throw invalidParameter();
    const environmentElement = shellElement(body, 'Environment');
    const environment = environmentElement
      ? children(environmentElement, NS.shell, 'Variable').map((variable): [string, string] => {
          const name = shellAttribute(variable, 'Name');
          if (!name) throw invalidParameter();
          return [name, textContent(variable)];
        })
      : [];
    const workingDirectory = shellElement(body, 'WorkingDirectory');
    const name = shellElement(body, 'Name');
    const lifetime = durationOf(shellElement(body, 'Lifetime'));
    const idle = durationOf(shellElement(body, 'IdleTimeOut'));
    const requestedId = shellAttribute(body, 'ShellId');
    const shell = this.registry.open({
      ...(requestedId !== undefined ? { id: requestedId } : {}),
      resourceUri: WSMAN_CMDSHELL_URI,
      owner: request.principal.userName,
      clientIp: request.clientAddress ?? '',
      ...(name ? { name: textContent(name).trim() } : {}),
      ...(workingDirectory ? { workingDirectory: textContent(workingDirectory).trim() } : {}),
      environment,
      idleTimeoutMs: idle ?? Number.MAX_SAFE_INTEGER,
      ...(lifetime !== undefined ? { lifetimeMs: lifetime } : {}),
      inputStreams,
      outputStreams,
      codepage: readCodepage(optionValue(request, WSMAN_CMDSHELL_OPTION_CODEPAGE)),
      noProfile: optionFlag(request, WSMAN_SHELL_OPTION_NOPROFILE),
    });
    return { reference: this.reference(shell), bodyXml: shell.xml('created') };
  }

  async delete(request: WSManRequest): Promise<void> {
    await this.registry.close(this.shellOf(request));
  }

  enumerate(request: WSManRequest, filter: EnumerationFilter): EnumerationItem[] {
    if (filter.kind !== 'none') throw wsmanError('ERROR_WSMAN_ENUMERATE_FILTERING_NOT_SUPPORTED');
    return this.registry.shellsOf(request.principal.userName).map((shell) => ({
      xml: () => shell.xml('listed', this.registry.usage(shell)),
      reference: this.reference(shell),
    }));
  }

  async invoke(request: WSManRequest, action: string): Promise<ReplyBody> {
    const shell = this.shellOf(request);
    return this.registry.use(shell, async () => {
      switch (action) {
        case SHELL_ACTION.disconnect:
          return this.disconnect(shell, request);
        case SHELL_ACTION.reconnect:
          return this.reconnect(shell);
        case SHELL_ACTION.connect:
          return this.connect(shell);
      }
      if (shell.state === 'Disconnected') throw wsmanError('ERROR_WINRS_SHELL_DISCONNECTED');
      switch (action) {
        case SHELL_ACTION.command:
          return this.command(shell, request);
        case SHELL_ACTION.send:
          return this.send(shell, request);
        case SHELL_ACTION.receive:
          return this.receive(shell, request);
        case SHELL_ACTION.signal:
          return this.signal(shell, request);
      }
      throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
    });
  }

  private async command(shell: Shell, request: WSManRequest): Promise<string> {
    const body = request.body;
    if (!body || body.namespace !== NS.shell || body.localName !== 'CommandLine') throw invalidParameter();
    const commandElement = shellElement(body, 'Command');
    const commandLine = commandElement ? textContent(commandElement).trim() : '';
    if (commandLine === '') throw invalidParameter();
    const args = children(body, NS.shell, 'Arguments').map((argument) => textContent(argument));
    const requestedId = shellAttribute(body, 'CommandId');
    const settings = shell.settings;
    const command = await this.registry.run(shell, {
      ...(requestedId !== undefined ? { id: requestedId } : {}),
      command: commandLine,
      args,
      skipShell: optionFlag(request, WSMAN_CMDSHELL_OPTION_SKIP_CMD_SHELL),
      cwd: settings.workingDirectory ?? homedir(),
      env: { ...process.env, ...Object.fromEntries(settings.environment) },
      codepage: settings.codepage,
    });
    return `<rsp:CommandResponse><rsp:CommandId>${escapeXmlText(command.id)}</rsp:CommandId></rsp:CommandResponse>`;
  }

  private commandOf(shell: Shell, id: string | undefined) {
    if (id === undefined || id.trim() === '') throw invalidParameter();
    const command = shell.command(id.trim());
    if (!command) throw unknownCommand();
    return command;
  }

  private async send(shell: Shell, request: WSManRequest): Promise<string> {
    const body = request.body;
    if (!body || body.namespace !== NS.shell || body.localName !== 'Send') throw invalidParameter();
    const streams = children(body, NS.shell, 'Stream');
    if (streams.length === 0) throw invalidParameter();
    // Everything is checked before anything is written.
    const writes = streams.map((stream) => {
      if (!shell.settings.inputStreams.includes(shellAttribute(stream, 'Name') ?? '')) throw invalidParameter();
      const text = textContent(stream).trim();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw invalidParameter();
      return { command: this.commandOf(shell, shellAttribute(stream, 'CommandId')), data: Buffer.from(text, 'base64'), end: isTrue(shellAttribute(stream, 'End')) };
    });
    for (const write of writes) await write.command.send(write.data, write.end, request.signal);
    return '<rsp:SendResponse/>';
  }

  /** The reply stays in pieces: its base64 text is never one large string (see base64-pieces). */
  private async receive(shell: Shell, request: WSManRequest): Promise<readonly string[]> {
    const body = request.body;
    if (!body || body.namespace !== NS.shell || body.localName !== 'Receive') throw invalidParameter();
    const desired = shellElement(body, 'DesiredStream');
    if (!desired) throw invalidParameter();
    const command = this.commandOf(shell, shellAttribute(desired, 'CommandId'));
    const names = streamList(desired, shell.settings.outputStreams);
    if (names.length === 0 || names.some((name) => !shell.settings.outputStreams.includes(name))) throw invalidParameter();
    const streams = names as OutputStreamName[];
    const id = escapeXmlAttribute(command.id);
    const result = await command.receive(streams, receiveBudget(request, id, streams), request.signal);
    const pieces = ['<rsp:ReceiveResponse>'];
    for (const element of result.elements) pieces.push(streamOpen(element.stream, id), ...base64Pieces(element.parts), STREAM_CLOSE);
    for (const name of result.ended) pieces.push(endMarker(name, id));
    pieces.push(commandStateXml(id, result.exitCode), '</rsp:ReceiveResponse>');
    return pieces;
  }

  private async signal(shell: Shell, request: WSManRequest): Promise<string> {
    const body = request.body;
    if (!body || body.namespace !== NS.shell || body.localName !== 'Signal') throw invalidParameter();
    const codeElement = shellElement(body, 'Code');
    const kind = codeElement ? SIGNALS[textContent(codeElement).trim().toLowerCase()] : undefined;
    if (!kind) throw invalidParameter();
    const command = this.commandOf(shell, shellAttribute(body, 'CommandId'));
    if (kind === 'terminate') await this.registry.endCommand(shell, command);
    else command.signal(kind);
    return '<rsp:SignalResponse/>';
  }

  private disconnect(shell: Shell, request: WSManRequest): string {
    const body = request.body;
    if (body && (body.namespace !== NS.shell || body.localName !== 'Disconnect')) throw invalidParameter();
    if (shell.state === 'Disconnected') throw wsmanError('ERROR_WINRS_SHELL_DISCONNECT_OPERATION_NOT_VALID');
    const idle = durationOf(shellElement(body, 'IdleTimeOut'));
    const modeElement = shellElement(body, 'BufferMode');
    const modeText = modeElement ? textContent(modeElement).trim().toLowerCase() : undefined;
    if (modeText !== undefined && modeText !== 'block' && modeText !== 'drop') throw invalidParameter();
    const mode: BufferMode | undefined = modeText === undefined ? undefined : modeText === 'drop' ? 'Drop' : 'Block';
    shell.state = 'Disconnected';
    if (mode) shell.bufferMode = mode;
    for (const command of shell.commands.values()) command.setBufferMode(shell.bufferMode);
    if (idle !== undefined) shell.idleTimeoutMs = idle;
    return '';
  }

  private resume(shell: Shell): void {
    shell.state = 'Connected';
    for (const command of shell.commands.values()) command.setBufferMode('Block');
  }

  private reconnect(shell: Shell): string {
    if (shell.state !== 'Disconnected') throw wsmanError('ERROR_WINRS_SHELL_RECONNECT_OPERATION_NOT_VALID');
    this.resume(shell);
    return '';
  }

  /** Another client (the same user) takes over a disconnected shell. */
  private connect(shell: Shell): string {
    if (shell.state !== 'Disconnected') throw wsmanError('ERROR_WINRS_SHELL_CONNECTED_TO_DIFFERENT_CLIENT');
    this.resume(shell);
    const { inputStreams, outputStreams } = shell.settings;
    return `<rsp:ConnectResponse><rsp:InputStreams>${inputStreams.join(' ')}</rsp:InputStreams><rsp:OutputStreams>${outputStreams.join(' ')}</rsp:OutputStreams></rsp:ConnectResponse>`;
  }
}
