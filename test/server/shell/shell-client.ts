/** Raw WinRS SOAP against a running endpoint: the shell tests' side of the wire (wire.md §3.8). */
import { existsSync, readFileSync } from 'node:fs';
import type { OptionEntry } from '../../../src/core/protocol/envelope';
import { ACTION, NS } from '../../../src/core/protocol/namespaces';
import { SHELL_ACTION, WSMAN_CMDSHELL_URI, WSMAN_SIGNAL_SHELL_CODE_TERMINATE } from '../../../src/core/protocol/shell-protocol';
import { child, parseXml, textContent, type XmlElement } from '../../../src/core/protocol/xml';
import { basic, envelope, post, soap, type SoapReply } from '../endpoint-harness';

export interface ShellOptions {
  readonly codepage?: number;
  readonly environment?: Record<string, string>;
  readonly workingDirectory?: string;
  readonly idleTimeOut?: string;
  readonly lifetime?: string;
  readonly shellId?: string;
  readonly name?: string;
}

export interface Output {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | undefined;
  /** Receive replies it took (each one that came back). */
  replies: number;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One user's view of the endpoint's shells. */
export class ShellClient {
  readonly auth: { headers: Record<string, string> };

  constructor(
    readonly url: string,
    user: string,
    password: string,
  ) {
    this.auth = { headers: { Authorization: basic(user, password) } };
  }

  call(action: string, shellId: string | undefined, body: string, extra: { options?: OptionEntry[]; operationTimeoutMs?: number; maxEnvelopeSize?: number } = {}): Promise<SoapReply> {
    return soap(
      this.url,
      {
        resourceUri: WSMAN_CMDSHELL_URI,
        action,
        ...(shellId !== undefined ? { selectors: [{ name: 'ShellId', value: shellId }] } : {}),
        body,
        ...(extra.options ? { options: extra.options } : {}),
        ...(extra.operationTimeoutMs ? { operationTimeoutMs: extra.operationTimeoutMs } : {}),
        ...(extra.maxEnvelopeSize ? { maxEnvelopeSize: extra.maxEnvelopeSize } : {}),
      },
      this.auth,
    );
  }

  createReply(options: ShellOptions = {}): Promise<SoapReply> {
    const env = options.environment
      ? `<rsp:Environment>${Object.entries(options.environment)
          .map(([k, v]) => `<rsp:Variable Name="${escape(k)}">${escape(v)}</rsp:Variable>`)
          .join('')}</rsp:Environment>`
      : '';
    const body =
      `<rsp:Shell xmlns:rsp="${NS.shell}"${options.shellId ? ` ShellId="${options.shellId}"` : ''}>` +
      (options.name ? `<rsp:Name>${escape(options.name)}</rsp:Name>` : '') +
      env +
      (options.workingDirectory ? `<rsp:WorkingDirectory>${escape(options.workingDirectory)}</rsp:WorkingDirectory>` : '') +
      (options.lifetime ? `<rsp:Lifetime>${options.lifetime}</rsp:Lifetime>` : '') +
      (options.idleTimeOut ? `<rsp:IdleTimeOut>${options.idleTimeOut}</rsp:IdleTimeOut>` : '') +
      '<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>';
    return this.call(ACTION.create, undefined, body, {
      options: [
        { name: 'WINRS_NOPROFILE', value: 'FALSE' },
        { name: 'WINRS_CODEPAGE', value: String(options.codepage ?? 65001) },
      ],
    });
  }

  async create(options: ShellOptions = {}): Promise<string> {
    const reply = await this.createReply(options);
    if (reply.status !== 200) throw new Error(`Create failed: ${reply.text}`);
    return textContent(child(createdShell(reply), NS.shell, 'ShellId')!);
  }

  commandReply(shellId: string, command: string, args: string[] = [], options: { skipShell?: boolean; commandId?: string } = {}): Promise<SoapReply> {
    const body =
      `<rsp:CommandLine xmlns:rsp="${NS.shell}"${options.commandId ? ` CommandId="${options.commandId}"` : ''}><rsp:Command>${escape(command)}</rsp:Command>` +
      args.map((a) => `<rsp:Arguments>${escape(a)}</rsp:Arguments>`).join('') +
      '</rsp:CommandLine>';
    return this.call(SHELL_ACTION.command, shellId, body, {
      options: [
        { name: 'WINRS_CONSOLEMODE_STDIN', value: 'TRUE' },
        { name: 'WINRS_SKIP_CMD_SHELL', value: options.skipShell ? 'TRUE' : 'FALSE' },
      ],
    });
  }

  async command(shellId: string, command: string, args: string[] = [], options: { skipShell?: boolean; commandId?: string } = {}): Promise<string> {
    const reply = await this.commandReply(shellId, command, args, options);
    if (reply.status !== 200) throw new Error(`Command failed: ${reply.text}`);
    return textContent(child(reply.body!, NS.shell, 'CommandId')!);
  }

  receiveReply(shellId: string, commandId: string | undefined, operationTimeoutMs = 20_000, maxEnvelopeSize?: number): Promise<SoapReply> {
    const attr = commandId === undefined ? '' : ` CommandId="${commandId}"`;
    return this.call(SHELL_ACTION.receive, shellId, `<rsp:Receive xmlns:rsp="${NS.shell}"><rsp:DesiredStream${attr}>stdout stderr</rsp:DesiredStream></rsp:Receive>`, {
      options: [{ name: 'WSMAN_CMDSHELL_OPTION_KEEPALIVE', value: 'TRUE' }],
      operationTimeoutMs,
      ...(maxEnvelopeSize ? { maxEnvelopeSize } : {}),
    });
  }

  /**
   * Receives until Done, retrying on w:TimedOut as clients do. The streams are read by pattern
   * from the endpoint's own fixed output form: the XML parser takes a fifth of a second per
   * 500 KB base64 text node, which would make the large-output tests slow for nothing.
   */
  async receiveAll(shellId: string, commandId: string, operationTimeoutMs = 20_000): Promise<Output> {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const output: Output = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: undefined, replies: 0 };
    for (;;) {
      const { xml } = envelope(this.url, {
        resourceUri: WSMAN_CMDSHELL_URI,
        action: SHELL_ACTION.receive,
        selectors: [{ name: 'ShellId', value: shellId }],
        operationTimeoutMs,
        body: `<rsp:Receive xmlns:rsp="${NS.shell}"><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
      });
      const reply = await post(this.url, xml, this.auth);
      const text = reply.body.toString('utf8');
      if (reply.status === 500 && text.includes('Code="2150858793"')) continue;
      if (reply.status !== 200) throw new Error(`Receive failed: HTTP ${reply.status} ${text.slice(0, 2000)}`);
      output.replies++;
      for (const match of text.matchAll(/<rsp:Stream Name="(stdout|stderr)" CommandId="[^"]*"(?: End="true")?>([^<]*)<\/rsp:Stream>/g)) {
        (match[1] === 'stdout' ? stdout : stderr).push(Buffer.from(match[2], 'base64'));
      }
      const done = /<rsp:CommandState CommandId="[^"]*" State="[^"]*\/Done"><rsp:ExitCode>(-?\d+)<\/rsp:ExitCode>/.exec(text);
      if (done) {
        return { ...output, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode: Number(done[1]) };
      }
    }
  }

  sendReply(shellId: string, commandId: string, data: Buffer, end = false): Promise<SoapReply> {
    return this.call(
      SHELL_ACTION.send,
      shellId,
      `<rsp:Send xmlns:rsp="${NS.shell}"><rsp:Stream Name="stdin" CommandId="${commandId}"${end ? ' End="true"' : ''}>${data.toString('base64')}</rsp:Stream></rsp:Send>`,
    );
  }

  signalReply(shellId: string, commandId: string, code = WSMAN_SIGNAL_SHELL_CODE_TERMINATE): Promise<SoapReply> {
    return this.call(SHELL_ACTION.signal, shellId, `<rsp:Signal xmlns:rsp="${NS.shell}" CommandId="${commandId}"><rsp:Code>${code}</rsp:Code></rsp:Signal>`);
  }

  deleteReply(shellId: string): Promise<SoapReply> {
    return this.call(ACTION.delete, shellId, '');
  }

  /** Create, one command, all its output, terminate, delete. */
  async run(command: string, args: string[] = [], options: ShellOptions = {}): Promise<Output> {
    const shellId = await this.create(options);
    try {
      const commandId = await this.command(shellId, command, args);
      const output = await this.receiveAll(shellId, commandId);
      await this.signalReply(shellId, commandId);
      return output;
    } finally {
      await this.deleteReply(shellId);
    }
  }
}

/** The rsp:Shell that follows x:ResourceCreated in a CreateResponse. */
export function createdShell(reply: SoapReply): XmlElement {
  const body = child(parseXml(reply.text), NS.soap, 'Body')!;
  const shell = child(body, NS.shell, 'Shell');
  if (!shell) throw new Error(`no rsp:Shell in ${reply.text}`);
  return shell;
}

/**
 * Whether a process with this pid still runs. A killed orphan stays a zombie where PID 1 does not
 * reap (containers), so /proc's state is read where there is one.
 */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    if (existsSync('/proc/self/stat')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
