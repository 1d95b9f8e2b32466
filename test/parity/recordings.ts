/**
 * Readers for the recorded WS-Management exchanges in ../shared/fixtures (read at test time, never
 * copied into the repository): pypsrp's YAML recordings, winrm4j's XML recordings and WinRb's raw
 * response stubs. Every reader fails loudly on anything it does not understand, so a change in a
 * recording can never be skipped silently.
 */
import { sharedFixture } from '../helpers/shared-reference';

// ---- a minimal YAML reader ---------------------------------------------------------------------

/** What the YAML subset of the recordings can hold. */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

export class YamlSubsetError extends Error {
  override readonly name = 'YamlSubsetError';
}

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

/**
 * One scalar written on one line: plain (taken as is, trimmed) or single-quoted ('' is a quote).
 * Anything else YAML allows (double quotes, block scalars, flow collections, anchors, tags) is refused.
 */
function scalar(raw: string, line: Line): string {
  const value = raw.trim();
  if (value.startsWith("'")) {
    if (value.length < 2 || !value.endsWith("'")) throw new YamlSubsetError(`line ${line.number}: unterminated single-quoted scalar`);
    const inner = value.slice(1, -1);
    if (/'(?!')/.test(inner.replace(/''/g, ''))) throw new YamlSubsetError(`line ${line.number}: stray quote in a single-quoted scalar`);
    return inner.replace(/''/g, "'");
  }
  if (/^["|>{[&*!%@`]/.test(value)) throw new YamlSubsetError(`line ${line.number}: unsupported YAML construct "${value.slice(0, 20)}"`);
  if (/\s#/.test(value)) throw new YamlSubsetError(`line ${line.number}: a comment after a plain scalar is not supported`);
  if (/:\s/.test(value)) throw new YamlSubsetError(`line ${line.number}: ": " inside a plain scalar`);
  return value;
}

/** `key: value` or `key:`; keys are plain words. */
function keyValue(text: string, line: Line): { key: string; rest: string } {
  const match = /^([A-Za-z_][\w-]*):(?:\s(.*)|$)/.exec(text);
  if (!match) throw new YamlSubsetError(`line ${line.number}: expected "key: value", got "${text.slice(0, 40)}"`);
  return { key: match[1], rest: match[2] ?? '' };
}

class YamlReader {
  private index = 0;

  constructor(private readonly lines: readonly Line[]) {}

  read(): YamlValue {
    const value = this.block(0);
    if (this.index !== this.lines.length) throw new YamlSubsetError(`line ${this.lines[this.index].number}: unexpected indentation`);
    return value;
  }

  private peek(): Line | undefined {
    return this.lines[this.index];
  }

  /** A mapping or a sequence whose entries start at exactly `indent`. */
  private block(indent: number): YamlValue {
    const first = this.peek();
    if (!first || first.indent !== indent) throw new YamlSubsetError(`line ${first?.number ?? 'EOF'}: expected a block at indent ${indent}`);
    return first.text.startsWith('- ') || first.text === '-' ? this.sequence(indent) : this.mapping(indent, undefined);
  }

  private sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = this.peek(); line && line.indent === indent && line.text.startsWith('- '); line = this.peek()) {
      this.index += 1;
      const content = line.text.slice(2);
      // "- key: value" opens a mapping whose keys sit two columns further in.
      if (/^[A-Za-z_][\w-]*:(\s|$)/.test(content)) items.push(this.mapping(indent + 2, { ...line, indent: indent + 2, text: content }));
      else items.push(scalar(content, line));
    }
    return items;
  }

  private mapping(indent: number, firstLine: Line | undefined): { [key: string]: YamlValue } {
    const result: { [key: string]: YamlValue } = {};
    let pending = firstLine;
    for (;;) {
      let line = pending;
      pending = undefined;
      if (!line) {
        const next = this.peek();
        if (!next || next.indent !== indent || next.text.startsWith('- ')) break;
        line = next;
        this.index += 1;
      }
      const { key, rest } = keyValue(line.text, line);
      if (Object.hasOwn(result, key)) throw new YamlSubsetError(`line ${line.number}: duplicate key "${key}"`);
      if (rest.trim() !== '') {
        result[key] = scalar(rest, line);
        const next = this.peek();
        // A deeper line after a scalar would be a multi-line scalar: not part of the subset.
        if (next && next.indent > indent) throw new YamlSubsetError(`line ${next.number}: multi-line scalars are not supported`);
        continue;
      }
      const next = this.peek();
      if (next && next.indent > indent) result[key] = this.block(next.indent);
      else if (next && next.indent === indent && next.text.startsWith('- ')) result[key] = this.sequence(indent);
      else throw new YamlSubsetError(`line ${line.number}: key "${key}" has no value`);
    }
    return result;
  }
}

/** Parses the YAML subset used by the recordings (block mappings and sequences, one-line scalars). */
export function parseYamlSubset(text: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    if (raw.includes('\t')) throw new YamlSubsetError(`line ${i + 1}: tab characters are not supported`);
    const indent = raw.length - raw.trimStart().length;
    lines.push({ number: i + 1, indent, text: raw.slice(indent).trimEnd() });
  });
  if (lines.length === 0) throw new YamlSubsetError('empty document');
  return new YamlReader(lines).read();
}

// ---- pypsrp recordings ---------------------------------------------------------------------------

export interface RecordedExchange {
  /** The request as the recording's client sent it (undefined for response-only stubs). */
  readonly request: string | undefined;
  /** The Windows response, byte for byte as recorded. */
  readonly response: string;
  /** HTTP status of the response: 500 for faults. */
  readonly status: 200 | 500;
  /** pypsrp `overrides`: values its test runner forces into the request before comparing. */
  readonly overrides?: ReadonlyArray<{ readonly path: string; readonly attributes: Readonly<Record<string, string>> }>;
}

export const PYPSRP_DIR = 'jborean93_pypsrp';
export const pypsrpFile = (name: string): string => `${PYPSRP_DIR}/tests__tests_pypsrp__responses__${name}.yml`;

/** Number of HTTP exchanges in each pypsrp recording (counted once by hand; the reader must agree). */
export const PYPSRP_MESSAGE_COUNTS: Readonly<Record<string, number>> = {
  test_client_execute_cmd: 10,
  test_psrp_disconnect_runspaces: 20,
  test_psrp_is_alive_invalid_selectors: 5,
  test_psrp_is_alive_other_wsman_error: 5,
  test_psrp_open_runspace: 4,
  test_winrs_bad_cmd_id: 5,
  test_winrs_environment: 5,
  test_winrs_extra_opts: 5,
  test_winrs_fail_poll_process: 3,
  test_winrs_no_cmd_shell: 6,
  test_winrs_noprofile: 5,
  test_winrs_open_already_opened: 2,
  test_winrs_operation_timeout: 8,
  test_winrs_send: 7,
  test_winrs_standard: 5,
  test_winrs_stderr_rc: 5,
  test_winrs_unicode: 5,
  test_wsman_update_envelope_size_150: 1,
  test_wsman_update_envelope_size_500: 1,
  test_wsman_update_envelope_size_4096: 1,
};

function asMapping(value: YamlValue | undefined, what: string): { [key: string]: YamlValue } {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) throw new YamlSubsetError(`${what} is not a mapping`);
  return value;
}

function asString(value: YamlValue | undefined, what: string): string {
  if (typeof value !== 'string') throw new YamlSubsetError(`${what} is not a scalar`);
  return value;
}

const pypsrpCache = new Map<string, readonly RecordedExchange[]>();

/** The exchanges of a pypsrp recording; throws unless the file has exactly the expected shape and count. */
export function readPypsrpRecording(name: string): readonly RecordedExchange[] {
  const cached = pypsrpCache.get(name);
  if (cached) return cached;
  const exchanges = Object.freeze(readPypsrpFile(name));
  pypsrpCache.set(name, exchanges);
  return exchanges;
}

function readPypsrpFile(name: string): RecordedExchange[] {
  const text = sharedFixture(pypsrpFile(name));
  const root = asMapping(parseYamlSubset(text), `${name}`);
  const keys = Object.keys(root);
  if (keys.length !== 1 || keys[0] !== 'messages' || !Array.isArray(root.messages)) throw new YamlSubsetError(`${name}: expected only "messages: [...]"`);
  const textualCount = (text.match(/^- request: /gm) ?? []).length;
  const expected = PYPSRP_MESSAGE_COUNTS[name];
  if (root.messages.length !== textualCount || root.messages.length !== expected) {
    throw new YamlSubsetError(`${name}: read ${root.messages.length} messages, the text has ${textualCount}, expected ${expected}`);
  }
  return root.messages.map((entry, i) => {
    const message = asMapping(entry, `${name} message ${i}`);
    for (const key of Object.keys(message)) {
      if (!['request', 'response', 'transport_error', 'overrides'].includes(key)) throw new YamlSubsetError(`${name} message ${i}: unknown key ${key}`);
    }
    const request = asString(message.request, `${name} message ${i} request`);
    const response = asString(message.response, `${name} message ${i} response`);
    if (!request.startsWith('<s:Envelope') || !request.endsWith('</s:Envelope>')) throw new YamlSubsetError(`${name} message ${i}: request is not one envelope`);
    if (!response.startsWith('<s:Envelope') || !response.endsWith('</s:Envelope>')) throw new YamlSubsetError(`${name} message ${i}: response is not one envelope`);
    let status: 200 | 500 = 200;
    if (message.transport_error !== undefined) {
      const error = asMapping(message.transport_error, `${name} message ${i} transport_error`);
      if (asString(error.protocol, 'protocol') !== 'http' || asString(error.code, 'code') !== '500') {
        throw new YamlSubsetError(`${name} message ${i}: unexpected transport_error ${JSON.stringify(error)}`);
      }
      status = 500;
    }
    const overrides =
      message.overrides === undefined
        ? undefined
        : (Array.isArray(message.overrides) ? message.overrides : []).map((o, j) => {
            const override = asMapping(o, `${name} message ${i} override ${j}`);
            const attributes = asMapping(override.attributes, 'override attributes');
            return {
              path: asString(override.path, 'override path'),
              attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, asString(v, `attribute ${k}`)])),
            };
          });
    return { request, response, status, ...(overrides ? { overrides } : {}) };
  });
}

// ---- winrm4j recordings ----------------------------------------------------------------------------

export interface Winrm4jItem extends RecordedExchange {
  readonly request: string;
  /** The `action` attribute of the recorded `<request>`. */
  readonly action: string;
}

export const winrm4jFile = (name: 'win12' | 'win7'): string => `cloudsoft_winrm4j/client__src__test__resources__recordings__${name}.xml`;

/**
 * The items of a winrm4j recording, sliced out textually (the file has a DOCTYPE, which our XML
 * parser rightly refuses). `${messageId}` / `${serviceUrl}` placeholders stay in the text.
 */
export function readWinrm4jRecording(name: 'win12' | 'win7', expectedItems: number): Winrm4jItem[] {
  const text = sharedFixture(winrm4jFile(name));
  const doctype = /<!DOCTYPE recording \[[\s\S]*?\]>/.exec(text);
  if (!doctype) throw new Error(`${name}: the DOCTYPE block was not found`);
  const itemPattern = /<item>\s*<request action="([^"]+)">([\s\S]*?)<\/request>\s*<response>([\s\S]*?)<\/response>\s*<\/item>/g;
  const items: Winrm4jItem[] = [];
  for (const match of text.matchAll(itemPattern)) {
    items.push({ action: match[1], request: match[2].trim(), response: match[3].trim(), status: 200 });
  }
  const itemTags = (text.match(/<item>/g) ?? []).length;
  if (items.length !== itemTags || items.length !== expectedItems) {
    throw new Error(`${name}: sliced ${items.length} items, the text has ${itemTags} <item> tags, expected ${expectedItems}`);
  }
  return items;
}

/** The whole winrm4j recording without its DOCTYPE (for parsing the wrapper with parseXml). */
export function winrm4jWithoutDoctype(name: 'win12' | 'win7'): string {
  const text = sharedFixture(winrm4jFile(name));
  const stripped = text.replace(/<!DOCTYPE recording \[[\s\S]*?\]>/, '');
  if (stripped === text) throw new Error(`${name}: no DOCTYPE to strip`);
  return stripped;
}

// ---- WinRb stubs and single-envelope files ----------------------------------------------------------

export const winrbFile = (name: string): string => `WinRb_WinRM/tests__spec__stubs__responses__${name}.xml`;

export const ENUMKEY_FILE = 'Openwsman_openwsman/bindings__ruby__tests__EnumKey.xml';
