/** Raw WinRS SOAP against a running endpoint: the shell tests' side of the wire (wire.md §3.8). */
import type { OptionEntry } from '../../../src/core/protocol/envelope';
import { ACTION, NS } from '../../../src/core/protocol/namespaces';
import { SHELL_ACTION, WSMAN_CMDSHELL_URI, WSMAN_COMMAND_STATE_DONE, WSMAN_SIGNAL_SHELL_CODE_TERMINATE } from '../../../src/core/protocol/shell-protocol';
import { attribute, child, children, parseXml, textContent, type XmlElement } from '../../../src/core/protocol/xml';
import { basic, faultOf, soap, type SoapReply } from '../endpoint-harness';

export interface ShellOptions {
  readonly codepage?: number;
  readonly environment?: Record<string, string>;
  readonly workingDirectory?: string;
  readonly idleTimeOut?: string;
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

  /** Receives until Done, retrying on w:TimedOut as clients do. */
  async receiveAll(shellId: string, commandId: string, operationTimeoutMs = 20_000): Promise<Output> {
    const output: Output = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: undefined, replies: 0 };
    for (;;) {
      const reply = await this.receiveReply(shellId, commandId, operationTimeoutMs);
      if (reply.status === 500) {
        if (faultOf(reply).hresult === 0x80338029) continue;
        throw new Error(`Receive failed: ${reply.text}`);
      }
      output.replies++;
      for (const stream of children(reply.body!, NS.shell, 'Stream')) {
        const data = Buffer.from(textContent(stream), 'base64');
        if (attribute(stream, 'Name') === 'stdout') output.stdout = Buffer.concat([output.stdout, data]);
        else output.stderr = Buffer.concat([output.stderr, data]);
      }
      const state = child(reply.body!, NS.shell, 'CommandState')!;
      if (attribute(state, 'State') === WSMAN_COMMAND_STATE_DONE) {
        output.exitCode = Number(textContent(child(state, NS.shell, 'ExitCode')!));
        return output;
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

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
