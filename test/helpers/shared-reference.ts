/** The facts in ../shared/reference, when that folder sits beside the repository. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED_REFERENCE = join(__dirname, '..', '..', '..', 'shared', 'reference');
const API_SURFACE = join(SHARED_REFERENCE, 'api-surface.json');

export const sharedReferencePresent = existsSync(API_SURFACE);

export function apiSurface(): any {
  return JSON.parse(readFileSync(API_SURFACE, 'utf8'));
}

/** describe() when ../shared is there; otherwise the block is reported as skipped, with the reason printed once. */
export function describeWithSharedReference(name: string, body: () => void): void {
  if (sharedReferencePresent) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it.todo(`needs ${API_SURFACE}: ../shared/reference is absent, so the parity checks were not run`);
  });
}
