/**
 * The well-formedness gate in front of fast-xml-parser, which on its own accepts mismatched and
 * unclosed tags, repeated attributes, `<` in text and several roots, and whose own validator
 * costs as much as a second parse. One forward scan over the markup with sticky expressions:
 * tags balance, names are XML names, attributes are quoted, unique and free of `<`, there is
 * exactly one root, nothing but whitespace, comments and processing instructions outside it,
 * and `]]>` never appears in character data. DOCTYPE is refused outright (no DTDs, no entities).
 * References are checked where they are decoded (xml.ts). Nesting deeper than MAX_DEPTH and more
 * than MAX_ATTRIBUTES on one element are refused, so no reader behind the gate recurses without
 * bound or builds a huge attribute table (docs/decisions.md, "XML limits").
 */

/** XmlLite's default MaxElementDepth. */
export const MAX_DEPTH = 256;
/** Attributes (namespace declarations included) on one element: twice WWSAPI's default of 128. */
export const MAX_ATTRIBUTES = 256;

export interface WellFormedError {
  readonly reason: string;
  readonly offset: number;
}

const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
/** An XML name (the Name production), as a regular expression source for the `u` flag. */
export const NAME = `[${NAME_START}][${NAME_CHAR}]*`;
const ATTRIBUTE = `(${NAME})\\s*=\\s*(?:"[^<"]*"|'[^<']*')`;

const START_TAG = new RegExp(`<(${NAME})((?:\\s+${ATTRIBUTE.replace('(', '(?:')})*)\\s*(/?)>`, 'uy');
const ATTRIBUTE_NAME = new RegExp(ATTRIBUTE, 'gu');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'uy');
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/** What is wrong with the attribute part of a start tag: a repeated name, or too many attributes. */
function attributeProblem(attributes: string): string | undefined {
  if (attributes.indexOf('=') === attributes.lastIndexOf('=')) return undefined;
  const seen = new Set<string>();
  for (const match of attributes.matchAll(ATTRIBUTE_NAME)) {
    if (seen.has(match[1])) return `attribute ${match[1]} repeated`;
    if (seen.size === MAX_ATTRIBUTES) return `more than ${MAX_ATTRIBUTES} attributes on one element`;
    seen.add(match[1]);
  }
  return undefined;
}

/** Undefined when `text` is one well-formed XML document, else why not and where. */
export function checkWellFormed(text: string): WellFormedError | undefined {
  return new Scan(text).run();
}

class Scan {
  private readonly open: string[] = [];
  private rootSeen = false;
  private reason = '';
  /** Where the next `]]>` at or after the scan position is: -1 none left, -2 not searched yet. */
  private nextCdataEnd = -2;

  constructor(private readonly text: string) {}

  run(): WellFormedError | undefined {
    const { text, open } = this;
    let position = 0;
    while (position < text.length) {
      const lt = text.indexOf('<', position);
      const end = lt === -1 ? text.length : lt;
      if (end > position) {
        const problem = this.characterData(position, end);
        if (problem) return { reason: problem, offset: position };
      }
      if (lt === -1) break;
      position = this.markup(lt);
      if (position < 0) return { reason: this.reason, offset: lt };
    }
    if (open.length > 0) return { reason: `element <${open[open.length - 1]}> is not closed`, offset: text.length };
    if (!this.rootSeen) return { reason: 'no root element', offset: 0 };
    return undefined;
  }

  private characterData(from: number, to: number): string | undefined {
    if (this.open.length === 0) {
      if (WHITESPACE_ONLY.test(this.text.slice(from, to))) return undefined;
      return this.rootSeen ? 'text after the root element' : 'text before the root element';
    }
    // Searched once per occurrence, not per text run: a run-by-run search to the end of the document is quadratic.
    if (this.nextCdataEnd !== -1 && this.nextCdataEnd < from) this.nextCdataEnd = this.text.indexOf(']]>', from);
    return this.nextCdataEnd !== -1 && this.nextCdataEnd < to ? '"]]>" in character data' : undefined;
  }

  /** Consumes the markup starting at `lt`; the offset after it, or -1 with `reason` set. */
  private markup(lt: number): number {
    const { text, open } = this;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) return this.closedBy(lt + 4, '-->', 'comment');
      if (text.startsWith('<![CDATA[', lt)) {
        return open.length === 0 ? this.refuse('CDATA outside the root element') : this.closedBy(lt + 9, ']]>', 'CDATA section');
      }
      return this.refuse(/^<!DOCTYPE/i.test(text.slice(lt, lt + 9)) ? 'DOCTYPE is not allowed' : 'unexpected markup declaration');
    }
    if (next === 0x3f /* ? */) {
      if (lt !== 0 && /^<\?xml[\s?]/i.test(text.slice(lt, lt + 6))) return this.refuse('XML declaration not at the start');
      return this.closedBy(lt + 2, '?>', 'processing instruction');
    }
    if (next === 0x2f /* / */) {
      END_TAG.lastIndex = lt;
      const match = END_TAG.exec(text);
      if (!match) return this.refuse('malformed end tag');
      const expected = open.pop();
      if (expected === match[1]) return END_TAG.lastIndex;
      return this.refuse(expected === undefined ? `end tag </${match[1]}> without a start tag` : `</${match[1]}> closes <${expected}>`);
    }
    START_TAG.lastIndex = lt;
    const match = START_TAG.exec(text);
    if (!match) return this.refuse('malformed start tag');
    if (open.length === 0) {
      if (this.rootSeen) return this.refuse('a second root element');
      this.rootSeen = true;
    }
    const problem = match[2] === '' ? undefined : attributeProblem(match[2]);
    if (problem !== undefined) return this.refuse(problem);
    if (match[3] === '') {
      if (open.length === MAX_DEPTH) return this.refuse(`elements nested deeper than ${MAX_DEPTH} levels`);
      open.push(match[1]);
    }
    return START_TAG.lastIndex;
  }

  private closedBy(from: number, terminator: string, what: string): number {
    const at = this.text.indexOf(terminator, from);
    return at === -1 ? this.refuse(`${what} is not closed`) : at + terminator.length;
  }

  private refuse(reason: string): number {
    this.reason = reason;
    return -1;
  }
}
