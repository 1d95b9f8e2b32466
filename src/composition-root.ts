/** The one place that decides which implementation backs each service. */
import 'reflect-metadata';
import { Container } from 'inversify';
import { automationModule } from './automation/automation-module';
import { coreModule } from './core/core-module';

export function createContainer(): Container {
  const container = new Container();
  container.load(coreModule, automationModule);
  return container;
}

let shared: Container | undefined;

/** The container behind createObject and the exported C API functions. */
export function defaultContainer(): Container {
  shared ??= createContainer();
  return shared;
}
