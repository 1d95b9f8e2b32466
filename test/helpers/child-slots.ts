/** Child processes at a time: more than the CPUs only slows each one down (each compiles the sources with ts-node). */
import { availableParallelism } from 'node:os';

const slots = { free: availableParallelism(), waiting: [] as (() => void)[] };

export async function inChildSlot<T>(body: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((resume) => slots.waiting.push(resume));
  else slots.free--;
  try {
    return await body();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}
