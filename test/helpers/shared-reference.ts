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

export const SHARED_FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures');

export const sharedFixturesPresent = existsSync(join(SHARED_FIXTURES, 'INDEX.md'));

/** A recorded file from ../shared/fixtures (read at test time, never copied into the repository). */
export function sharedFixture(relativePath: string): string {
  return readFileSync(join(SHARED_FIXTURES, relativePath), 'utf8');
}

/** describe() when ../shared/fixtures is there; otherwise reported as skipped with the reason. */
export function describeWithSharedFixtures(name: string, body: () => void): void {
  if (sharedFixturesPresent) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it.todo(`needs ${SHARED_FIXTURES}: ../shared/fixtures is absent, so the recordings were not replayed`);
  });
}
