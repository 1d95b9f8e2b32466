/** The one place that decides which implementation backs each service. */
import 'reflect-metadata';
import { Container } from 'inversify';
import { automationModule } from './automation/automation-module';
import { LogonIdentity, NO_LOGON_IDENTITY } from './automation/logon-identity';
import { coreModule } from './core/core-module';

/** logonIdentity: whom sessions created without credentials act for, and where the local computer is (a script host's configuration). */
export function createContainer(logonIdentity: LogonIdentity = NO_LOGON_IDENTITY): Container {
  const container = new Container();
  container.load(coreModule, automationModule);
  container.bind(LogonIdentity).toConstantValue(logonIdentity);
  return container;
}

let shared: Container | undefined;

/** The container behind createObject and the exported C API functions. */
export function defaultContainer(): Container {
  shared ??= createContainer();
  return shared;
}
