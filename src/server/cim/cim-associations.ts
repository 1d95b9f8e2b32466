/**
 * Association instances the store derives from other classes at every read instead of reading
 * them from a file, as WMI's providers compute them. An instance file for the class replaces
 * the computation, like it replaces the machine fill.
 *
 * Records use the instance-file form of references (`{ "__CLASS": "Win32_Service", "Name": … }`),
 * so they are checked and resolved exactly like a file's.
 */
import type { InstanceRecord } from './cim-instance-files';
import type { CimClassDef, CimInstance } from './cim-types';

/** What a computation may read of the store. */
export interface StoreView {
  /** The instances of a class (none when the schema lacks it). */
  instancesOf(className: string): readonly CimInstance[];
  /** The instance-file form of a reference to the instance: `{ "__CLASS": …, <keys> }`. */
  referenceRecord(instance: CimInstance): InstanceRecord;
}

export type AssociationComputation = (store: StoreView) => InstanceRecord[];

/**
 * Win32_SystemServices: the computer system (GroupComponent) hosts every service
 * (PartComponent). The emulation serves one computer system, so each service is linked to each
 * Win32_ComputerSystem instance there is.
 */
function systemServices(store: StoreView): InstanceRecord[] {
  const records: InstanceRecord[] = [];
  for (const system of store.instancesOf('Win32_ComputerSystem')) {
    for (const service of store.instancesOf('Win32_Service')) {
      records.push({ GroupComponent: store.referenceRecord(system), PartComponent: store.referenceRecord(service) });
    }
  }
  return records;
}

const COMPUTED: Readonly<Record<string, AssociationComputation>> = {
  win32_systemservices: systemServices,
};

/**
 * The computation of an association class (name without case), or undefined when its
 * instances come from a file or nowhere. Only offered when the schema declares the class as an
 * association; the store checks the computation against the schema once at load.
 */
export function associationComputation(def: CimClassDef): AssociationComputation | undefined {
  const lower = def.name.toLowerCase();
  if (!def.association || !Object.hasOwn(COMPUTED, lower)) return undefined;
  return COMPUTED[lower];
}
