/**
 * Per-usage keys derived from a base key (RFC 3961 §5.3: Kc for checksums, Ke for encryption,
 * Ki for integrity), cached per base-key Buffer: a GSS context reuses its key for every message.
 */
import { usageConstant } from './encryption-type';

export type DeriveFunction = (base: Buffer, constant: Buffer, kind: 0x99 | 0xaa | 0x55) => Buffer;

export class DerivedKeys {
  private readonly cache = new WeakMap<Buffer, Map<number, Buffer>>();

  constructor(private readonly derive: DeriveFunction) {}

  get(base: Buffer, usage: number, kind: 0x99 | 0xaa | 0x55): Buffer {
    let keys = this.cache.get(base);
    if (!keys) {
      keys = new Map();
      this.cache.set(base, keys);
    }
    const slot = usage * 256 + kind;
    let key = keys.get(slot);
    if (!key) {
      key = this.derive(base, usageConstant(usage, kind), kind);
      keys.set(slot, key);
    }
    return key;
  }
}
