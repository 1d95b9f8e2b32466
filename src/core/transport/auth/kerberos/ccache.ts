/**
 * MIT FILE: credential caches (format 4, what kinit writes; format 3 read too): a header with
 * the KDC time offset, the default principal, then credentials. Entries whose server realm is
 * `X-CACHECONF:` are MIT's configuration records, not tickets, and are skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BinaryReader, BinaryWriter, filePathOf, FileFormatError, fromSeconds, toSeconds } from './binary';
import type { Credential, Principal } from './credential';

export interface CredentialCache {
  readonly principal: Principal;
  readonly credentials: Credential[];
}

const VERSION_3 = 0x0503;
const VERSION_4 = 0x0504;
const CONFIG_REALM = 'X-CACHECONF:';

function readPrincipal(reader: BinaryReader): Principal {
  const nameType = reader.u32();
  const count = reader.u32();
  if (count > 64) throw new FileFormatError(`implausible principal with ${count} components`);
  const realm = reader.bytes(reader.u32()).toString('utf8');
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(reader.bytes(reader.u32()).toString('utf8'));
  return { realm, nameType, components };
}

function writePrincipal(writer: BinaryWriter, principal: Principal): void {
  const realm = Buffer.from(principal.realm, 'utf8');
  writer.u32(principal.nameType).u32(principal.components.length).u32(realm.length).bytes(realm);
  for (const component of principal.components) {
    const bytes = Buffer.from(component, 'utf8');
    writer.u32(bytes.length).bytes(bytes);
  }
}

function counted(reader: BinaryReader): Buffer {
  return reader.bytes(reader.u32());
}

export function parseCcache(data: Buffer): CredentialCache {
  const reader = new BinaryReader(data);
  const version = reader.u16();
  if (version !== VERSION_4 && version !== VERSION_3) throw new FileFormatError(`not an MIT FILE credential cache of format 3 or 4 (0x${version.toString(16)})`);
  if (version === VERSION_4) reader.bytes(reader.u16()); // header tags (KDC time offset): not needed
  const principal = readPrincipal(reader);
  const credentials: Credential[] = [];
  while (reader.remaining > 0) {
    const client = readPrincipal(reader);
    const server = readPrincipal(reader);
    const etype = reader.u16();
    if (version === VERSION_3) reader.u16();
    const key = counted(reader);
    const authtime = reader.u32();
    const starttime = fromSeconds(reader.u32());
    const endtime = reader.u32();
    const renewTill = fromSeconds(reader.u32());
    reader.u8(); // is_skey
    const flags = reader.u32();
    for (let count = reader.u32(); count > 0; count--) {
      reader.u16();
      counted(reader);
    }
    for (let count = reader.u32(); count > 0; count--) {
      reader.u16();
      counted(reader);
    }
    const ticket = counted(reader);
    counted(reader); // second ticket (user-to-user)
    if (server.realm === CONFIG_REALM) continue;
    credentials.push({
      client,
      server,
      key: { etype, value: key },
      authtime: new Date(authtime * 1000),
      ...(starttime ? { starttime } : {}),
      endtime: new Date(endtime * 1000),
      ...(renewTill ? { renewTill } : {}),
      flags,
      ticket,
    });
  }
  return { principal, credentials };
}

export function serializeCcache(cache: CredentialCache): Buffer {
  const writer = new BinaryWriter().u16(VERSION_4);
  // One header tag: DeltaTime (tag 1, 8 bytes) of zero.
  writer.u16(12).u16(1).u16(8).i32(0).i32(0);
  writePrincipal(writer, cache.principal);
  for (const credential of cache.credentials) {
    writePrincipal(writer, credential.client);
    writePrincipal(writer, credential.server);
    writer.u16(credential.key.etype).u32(credential.key.value.length).bytes(credential.key.value);
    writer.u32(toSeconds(credential.authtime)).u32(toSeconds(credential.starttime)).u32(toSeconds(credential.endtime)).u32(toSeconds(credential.renewTill));
    writer.u8(0).u32(credential.flags);
    writer.u32(0).u32(0); // no addresses, no authorization data
    writer.u32(credential.ticket.length).bytes(credential.ticket);
    writer.u32(0);
  }
  return writer.toBuffer();
}

/**
 * The cache name in effect: KRB5CCNAME, else libdefaults default_ccache_name, else MIT's
 * default FILE:/tmp/krb5cc_<uid>.
 */
export function defaultCcacheName(env: NodeJS.ProcessEnv, defaultName: string | undefined): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return (env.KRB5CCNAME ?? defaultName ?? `FILE:/tmp/krb5cc_${uid}`).replace(/%\{uid\}/g, String(uid));
}

export function readCcache(name: string): CredentialCache {
  return parseCcache(readFileSync(filePathOf(name, 'credential cache')));
}

/** Writes the cache readable by its owner only, as kinit does. */
export function writeCcache(name: string, cache: CredentialCache): void {
  writeFileSync(filePathOf(name, 'credential cache'), serializeCcache(cache), { mode: 0o600 });
}
