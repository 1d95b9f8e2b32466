/** Seeded mutations of bytes and of SOAP text, shared by the endpoint and the client families. */
import type { Rng } from './rng';

/** Values that have broken parsers and number readers before. */
export const INTERESTING = [
  '', '0', '-1', '-0', '4294967295', '4294967296', '99999999999999999999', '1e309', 'NaN', '0x80338012', ' ', '\u0000',
  'PT-1S', 'P999999999Y', 'PT0S', 'PT60.000S', 'PT1.5E3S', '&amp;', '&#0;', '&#x110000;', ']]>', '<', '"', "'", '%', '_%_%_%_%_%!',
  '\uFFFF', '\uD800', 'A'.repeat(70000), '*', '..', 'urn:x', 'xmlns', 'xml', '__proto__', 'constructor',
];

/** One random byte-level change: flip, set, insert, delete, duplicate or truncate. */
export function mutateBytes(rng: Rng, input: Buffer): Buffer {
  if (input.length === 0) return rng.bytes(1 + rng.int(16));
  const at = rng.int(input.length);
  switch (rng.int(7)) {
    case 0: {
      const out = Buffer.from(input);
      out[at] = out[at]! ^ (1 << rng.int(8));
      return out;
    }
    case 1: {
      const out = Buffer.from(input);
      out[at] = rng.pick([0, 0x3c, 0x3e, 0x26, 0x22, 0x3a, 0xff, 0x80, 0x0a]);
      return out;
    }
    case 2:
      return Buffer.concat([input.subarray(0, at), rng.bytes(1 + rng.int(8)), input.subarray(at)]);
    case 3:
      return Buffer.concat([input.subarray(0, at), input.subarray(Math.min(input.length, at + 1 + rng.int(64)))]);
    case 4: {
      const end = Math.min(input.length, at + 1 + rng.int(256));
      return Buffer.concat([input.subarray(0, end), input.subarray(at, end), input.subarray(end)]);
    }
    case 5:
      return input.subarray(0, at);
    default: {
      const value = Buffer.from(rng.pick(INTERESTING));
      return Buffer.concat([input.subarray(0, at), value, input.subarray(at)]);
    }
  }
}

/** Several byte-level changes. */
export function mutateBytesMany(rng: Rng, input: Buffer): Buffer {
  let out = input;
  const count = 1 + rng.int(rng.chance(0.2) ? 12 : 3);
  for (let i = 0; i < count; i++) out = mutateBytes(rng, out);
  return out;
}

/** Text between tags replaced by an interesting value, or an element dropped or repeated. */
export function mutateText(rng: Rng, xml: string): string {
  const texts = [...xml.matchAll(/>([^<]+)</g)];
  const elements = [...xml.matchAll(/<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[^>]*>[^<]*<\/\1?\2>/g)];
  switch (rng.int(4)) {
    case 0: {
      if (texts.length === 0) return xml;
      const match = rng.pick(texts);
      const start = match.index! + 1;
      return xml.slice(0, start) + escapeForText(rng.pick(INTERESTING)) + xml.slice(start + match[1]!.length);
    }
    case 1: {
      if (elements.length === 0) return xml;
      const match = rng.pick(elements);
      return xml.slice(0, match.index!) + xml.slice(match.index! + match[0].length);
    }
    case 2: {
      if (elements.length === 0) return xml;
      const match = rng.pick(elements);
      const times = 1 + rng.int(rng.chance(0.1) ? 2000 : 3);
      return xml.slice(0, match.index!) + match[0].repeat(times + 1) + xml.slice(match.index! + match[0].length);
    }
    default: {
      // An attribute value changed (mustUnderstand, Name, Dialect, Code …).
      const attributes = [...xml.matchAll(/ ([\w:.-]+)="([^"]*)"/g)];
      if (attributes.length === 0) return xml;
      const match = rng.pick(attributes);
      const start = match.index! + match[1]!.length + 3;
      return xml.slice(0, start) + escapeForAttribute(rng.pick(INTERESTING)) + xml.slice(start + match[2]!.length);
    }
  }
}

/** Mostly keeps the value raw (that is the point), sometimes escapes it so the document stays well-formed. */
function escapeForText(value: string): string {
  return value.length > 0 && value.charCodeAt(0) % 2 === 0 ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;') : value;
}

function escapeForAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
