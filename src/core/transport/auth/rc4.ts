/**
 * RC4, as NTLM uses it: one long-lived cipher per direction whose key stream runs on across
 * messages (MS-NLMP §3.1.5.1), plus the one-shot RC4K. OpenSSL 3 only has RC4 in its legacy provider.
 */
export class Rc4 {
  private readonly state = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Buffer) {
    if (key.length === 0 || key.length > 256) throw new RangeError('an RC4 key has 1 to 256 bytes');
    for (let n = 0; n < 256; n++) this.state[n] = n;
    for (let n = 0, k = 0; n < 256; n++) {
      k = (k + this.state[n]! + key[n % key.length]!) & 0xff;
      this.swap(n, k);
    }
  }

  /** XORs `data` with the next bytes of the key stream. */
  update(data: Buffer): Buffer {
    const out = Buffer.alloc(data.length);
    for (let n = 0; n < data.length; n++) {
      this.i = (this.i + 1) & 0xff;
      this.j = (this.j + this.state[this.i]!) & 0xff;
      this.swap(this.i, this.j);
      out[n] = data[n]! ^ this.state[(this.state[this.i]! + this.state[this.j]!) & 0xff]!;
    }
    return out;
  }

  private swap(a: number, b: number): void {
    const held = this.state[a]!;
    this.state[a] = this.state[b]!;
    this.state[b] = held;
  }
}

/** MS-NLMP's RC4K(key, message): a cipher used for this one message only. */
export function rc4k(key: Buffer, data: Buffer): Buffer {
  return new Rc4(key).update(data);
}
