/** A bounds-checked big-endian reader and a growing writer for MIT's ccache and keytab files. */

export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';
}

export class BinaryReader {
  offset = 0;

  constructor(private readonly data: Buffer) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  private take(length: number): Buffer {
    if (length < 0 || this.offset + length > this.data.length) throw new FileFormatError(`truncated at byte ${this.offset}`);
    const bytes = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    return this.take(2).readUInt16BE(0);
  }

  u32(): number {
    return this.take(4).readUInt32BE(0);
  }

  i32(): number {
    return this.take(4).readInt32BE(0);
  }

  bytes(length: number): Buffer {
    return Buffer.from(this.take(length));
  }
}

export class BinaryWriter {
  private readonly parts: Buffer[] = [];

  u8(value: number): this {
    this.parts.push(Buffer.from([value & 0xff]));
    return this;
  }

  u16(value: number): this {
    const bytes = Buffer.alloc(2);
    bytes.writeUInt16BE(value);
    this.parts.push(bytes);
    return this;
  }

  u32(value: number): this {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value >>> 0);
    this.parts.push(bytes);
    return this;
  }

  i32(value: number): this {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32BE(value);
    this.parts.push(bytes);
    return this;
  }

  bytes(value: Buffer): this {
    this.parts.push(value);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Seconds since 1970 as MIT files store them (0 = absent). */
export function fromSeconds(seconds: number): Date | undefined {
  return seconds === 0 ? undefined : new Date(seconds * 1000);
}

export function toSeconds(date: Date | undefined): number {
  return date === undefined ? 0 : Math.floor(date.getTime() / 1000);
}

/** `FILE:/path` or `/path` → the path; other cache/keytab types are not files. */
export function filePathOf(name: string, kind: string): string {
  const colon = name.indexOf(':');
  if (colon > 1) {
    const type = name.slice(0, colon).toUpperCase();
    if (type !== 'FILE' && type !== 'WRFILE') throw new FileFormatError(`${kind} type ${type}: is not supported (only FILE:)`);
    return name.slice(colon + 1);
  }
  return name;
}
