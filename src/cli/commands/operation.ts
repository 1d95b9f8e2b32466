/** What every winrm verb module gets and provides. */
import type { ResourceLocator } from '../../automation/resource-locator';
import type { Session } from '../../automation/session';
import type { WSMan } from '../../automation/wsman';
import type { OutputFormat } from '../format/output-format';
import type { CliIo } from '../io';

export interface OperationContext {
  readonly io: CliIo;
  readonly wsman: WSMan;
  readonly session: Session;
  /** The locator of RESOURCE_URI (every verb but identify has one). */
  readonly locator: ResourceLocator;
  readonly switches: ReadonlyMap<string, string>;
  readonly format: OutputFormat;
  /** Input XML for set, create and invoke. */
  readonly input: string;
  /** ACTION of invoke. */
  readonly action: string;
  /** Writes a response in the chosen format, as winrm's Reformat + echo. */
  printResult(raw: string): void;
  /** An answer arrived (an enumeration item): the "waiting for the server" notice restarts. */
  heard(): void;
}

export interface Operation {
  /** The canonical name winrm uses (get, set, …). */
  readonly name: string;
  /** Positional arguments after the verb: 0 identify, 1 RESOURCE_URI, 2 ACTION RESOURCE_URI. */
  readonly positionals: number;
  /** set, create and invoke take `@{…}` or -file input. */
  readonly acceptsInput: boolean;
  run(context: OperationContext): Promise<void>;
}
