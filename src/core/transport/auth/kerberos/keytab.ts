/**
 * MIT keytab files, format 0x502 (and reading 0x501): entries of principal, timestamp, key
 * version and key, big-endian, each prefixed by its size (negative sizes are holes left by
 * deleted entries). Used by the client (KRB5_CLIENT_KTNAME) and by the endpoint's acceptor.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BinaryReader, BinaryWriter, filePathOf, FileFormatError } from './binary';
import type { Principal, SessionKey } from './credential';

export interface KeytabEntry {
  readonly principal: Principal;
  readonly timestamp: Date;
  readonly kvno: number;
  readonly key: SessionKey;
}

const VERSION_1 = 0x0501;
const VERSION_2 = 0x0502;

function readEntry(data: Buffer, version: number): KeytabEntry {
  const reader = new BinaryReader(data);
  let count = reader.u16();
  if (version === VERSION_1) count -= 1;
  const realm = reader.bytes(reader.u16()).toString('utf8');
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(reader.bytes(reader.u16()).toString('utf8'));
  const nameType = version === VERSION_1 ? 1 : reader.u32();
  const timestamp = new Date(reader.u32() * 1000);
  let kvno = reader.u8();
  const etype = reader.u16();
  const value = reader.bytes(reader.u16());
  // A 32-bit kvno follows when the entry has room for it; zero means "use the 8-bit one".
  if (reader.remaining >= 4) {
    const wide = reader.u32();
    if (wide !== 0) kvno = wide;
  }
  return { principal: { realm, nameType, components }, timestamp, kvno, key: { etype, value } };
}

export function parseKeytab(data: Buffer): KeytabEntry[] {
  const reader = new BinaryReader(data);
  const version = reader.u16();
  if (version !== VERSION_2 && version !== VERSION_1) throw new FileFormatError(`not an MIT keytab (version 0x${version.toString(16)})`);
  const entries: KeytabEntry[] = [];
  while (reader.remaining >= 4) {
    const size = reader.i32();
    if (size === 0) break;
    const body = reader.bytes(Math.abs(size));
    if (size > 0) entries.push(readEntry(body, version));
  }
  return entries;
}

export function serializeKeytab(entries: readonly KeytabEntry[]): Buffer {
  const out = new BinaryWriter().u16(VERSION_2);
  for (const entry of entries) {
    const body = new BinaryWriter();
    const realm = Buffer.from(entry.principal.realm, 'utf8');
    body.u16(entry.principal.components.length).u16(realm.length).bytes(realm);
    for (const component of entry.principal.components) {
      const bytes = Buffer.from(component, 'utf8');
      body.u16(bytes.length).bytes(bytes);
    }
    body
      .u32(entry.principal.nameType)
      .u32(Math.floor(entry.timestamp.getTime() / 1000))
      .u8(entry.kvno & 0xff)
      .u16(entry.key.etype)
      .u16(entry.key.value.length)
      .bytes(entry.key.value)
      .u32(entry.kvno);
    const bytes = body.toBuffer();
    out.i32(bytes.length).bytes(bytes);
  }
  return out.toBuffer();
}

/** Reads `FILE:/path` or `/path`. */
export function readKeytab(name: string): KeytabEntry[] {
  return parseKeytab(readFileSync(filePathOf(name, 'keytab')));
}

/** Writes the keytab readable by its owner only. */
export function writeKeytab(name: string, entries: readonly KeytabEntry[]): void {
  writeFileSync(filePathOf(name, 'keytab'), serializeKeytab(entries), { mode: 0o600 });
}

function samePrincipalName(a: Principal, b: Principal): boolean {
  return a.realm === b.realm && a.components.length === b.components.length && a.components.every((part, i) => part === b.components[i]);
}

/** The principal's keys of its highest key version, one per encryption type. */
export function keysFor(entries: readonly KeytabEntry[], principal: Principal): KeytabEntry[] {
  const own = entries.filter((entry) => samePrincipalName(entry.principal, principal));
  const newest = new Map<number, KeytabEntry>();
  for (const entry of own) {
    const seen = newest.get(entry.key.etype);
    if (!seen || entry.kvno > seen.kvno) newest.set(entry.key.etype, entry);
  }
  return [...newest.values()];
}
