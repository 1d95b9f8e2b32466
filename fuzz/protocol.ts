/** Messages between the fuzz driver and its child processes, and what the families share. */

export const FUZZ_USER = { name: 'fuzz', password: 'Fuzz#Pass1' } as const;

export type ChildRequest =
  | { readonly type: 'state'; readonly id: number }
  | { readonly type: 'reset'; readonly id: number }
  /** A family begins: the child reports its RSS and starts its peak RSS again (fuzz/memory.ts). */
  | { readonly type: 'family-start'; readonly id: number }
  | { readonly type: 'op'; readonly id: number; readonly op: ClientOperation };

export type ChildReply =
  | { readonly type: 'ready'; readonly id: number; readonly url: string }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'family-started'; readonly id: number; readonly rssKb: number; readonly peakReset: boolean }
  | { readonly type: 'state'; readonly id: number; readonly fingerprint: string; readonly rejections: number; readonly peakRssKb: number }
  | { readonly type: 'result'; readonly id: number; readonly hr: number; readonly description: string; readonly rejections: number; readonly peakRssKb: number };

/** What the client child does against the hostile server. */
export interface ClientOperation {
  readonly url: string;
  readonly method: 'Identify' | 'Get' | 'Put' | 'Enumerate' | 'Invoke' | 'Delete';
  readonly auth: 'basic' | 'negotiate';
  /** Session.Timeout; the HTTP wait is this plus the client's NetworkDelayms (5 s). */
  readonly timeoutMs: number;
}
