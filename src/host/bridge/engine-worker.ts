/**
 * The worker thread's main: serves the script thread's requests with the real WSMan.Automation
 * objects. Requests arrive one at a time (the script thread blocks on each), so they are
 * answered in order.
 */
import { createObjectIn } from '../../automation/create-object';
import { dispatchOf } from '../../automation/dispatch';
import { createContainer } from '../../composition-root';
import { AutomationEngine } from './automation-engine';
import type { EngineRequest, EngineWorkerData } from './protocol';
import { answer } from './sync-channel';

export function serveEngine({ port, signal, logonIdentity }: EngineWorkerData): void {
  const container = createContainer(logonIdentity);
  const engine = new AutomationEngine({ createObject: (progId) => createObjectIn(container, progId), dispatchOf });
  port.on('message', (request: EngineRequest) => {
    void engine.handle(request).then((reply) => answer(port, signal, reply));
  });
}
