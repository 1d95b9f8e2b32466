/** The automation feature: the type library and the creatable objects of WSMan.Automation. */
import { ContainerModule } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { loadTypeLibrary } from './typelib/load-type-library';
import type { TypeLibrary as TypeLibraryData } from './typelib/type-library';
import { WSMan } from './wsman';
import { WSManInternal } from './wsman-internal';

export type TypeLibrary = TypeLibraryData;
export const TypeLibrary: ServiceIdentifier<TypeLibrary> = Symbol.for('TypeLibrary');

export const automationModule = new ContainerModule(({ bind }) => {
  bind(TypeLibrary).toDynamicValue(() => loadTypeLibrary()).inSingletonScope();
  bind(WSMan).toSelf().inTransientScope();
  bind(WSManInternal).toSelf().inTransientScope();
});
