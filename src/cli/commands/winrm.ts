/**
 * winrm.cmd's command line through the WSMan.Automation object model, in winrm.vbs's order:
 * help, helpmsg, argument checks, -format, the session, the ResourceLocator, the input, the
 * operation, the output. Exit codes as winrm: 0, or 1 (ERR_GENERAL_FAILURE) after any error.
 */
import { createObject } from '../../index';
import type { ResourceLocator } from '../../automation/resource-locator';
import { parseFormat, reformat, type OutputFormat } from '../format/output-format';
import { writeLine, type CliIo } from '../io';
import { explainFailure } from '../actionable-errors';
import { CliError } from './cli-error';
import { ComCallFailed, reportFailure } from './com-call';
import { allowedSwitches, KNOWN_SWITCHES, OPERATION_ALIASES, parseCommandLine, type ParsedCommandLine } from './command-line';
import { configSddl } from './configsddl';
import { create } from './create';
import { deleteOperation } from './delete';
import { enumerate } from './enumerate';
import { get } from './get';
import { printHelp } from './help';
import { helpmsg } from './helpmsg';
import { identify } from './identify';
import { processInput } from './input';
import { invoke } from './invoke';
import { createResourceLocator } from './locator';
import type { Operation } from './operation';
import { createSessionFromSwitches } from './session-setup';
import { set } from './set';
import { SilenceWatch } from '../waiting';

/** One module per verb. */
const OPERATIONS: ReadonlyMap<string, Operation> = new Map([get, set, create, deleteOperation, enumerate, invoke, identify, configSddl].map((op) => [op.name, op]));

export const INVALID_USE = 'Invalid use of command line. Type "wsman -?" for help.';

/** The verb, with winrm's checks of the positional arguments and switches (ValidateArguments). */
function validate(parsed: ParsedCommandLine): Operation {
  const name = parsed.positionals[0].toLowerCase();
  const canonical = OPERATION_ALIASES[name] ?? name;
  const operation = OPERATIONS.get(canonical);
  if (!operation) {
    if (canonical === 'quickconfig') throw new CliError("The 'quickconfig' operation changes a Windows host's own service; wsman has none to configure.");
    throw new CliError(`Unknown operation name: '${name}'`);
  }
  let valid = parsed.positionals.length - 1 === operation.positionals;
  // The positional arguments come before the first switch.
  if (parsed.firstSwitchIndex !== -1 && parsed.firstSwitchIndex <= operation.positionals) valid = false;
  if ((parsed.hash !== undefined || parsed.switches.has('file')) && !operation.acceptsInput) {
    throw new CliError('Input was supplied to an operation that does not accept input.');
  }
  const allowed = allowedSwitches(canonical);
  const problems: string[] = [];
  for (const name of parsed.switches.keys()) {
    if (!KNOWN_SWITCHES.has(name)) problems.push(`Error: Unknown switch: ${name}`);
    else if (!allowed.has(name)) problems.push(`Error: Switch not allowed with the given operation: ${name}`);
  }
  if (problems.length > 0 || !valid) throw new CliError(INVALID_USE, true, problems);
  return operation;
}

function printer(io: CliIo, format: OutputFormat): (raw: string) => void {
  return (raw) => {
    const shown = reformat(raw, format);
    if ('text' in shown) {
      writeLine(io.stdout, shown.text);
      return;
    }
    const lines = [...(shown.problem ? [shown.problem] : []), 'Unable to reformat message. Raw, unformatted, message: ', raw];
    throw new CliError(lines.join('\n'), false);
  };
}

async function execute(parsed: ParsedCommandLine, io: CliIo, formatHolder: { format: OutputFormat }): Promise<number> {
  const operation = validate(parsed);
  const format = parseFormat(parsed.switches.get('format'));
  formatHolder.format = format;
  const wsman = createObject('WSMan.Automation');
  const session = await createSessionFromSwitches(wsman, parsed.switches, io);
  const action = operation.name === 'invoke' ? parsed.positionals[1] : '';
  const resourceUri = operation.name === 'identify' ? '' : parsed.positionals[operation.positionals];
  let locator: ResourceLocator | undefined;
  if (resourceUri !== '') locator = createResourceLocator(wsman, resourceUri, parsed.switches);
  const input = locator
    ? await processInput({ operation: operation.name, resourceUri, action, hash: parsed.hash, file: parsed.switches.get('file'), cwd: io.cwd }, locator, session)
    : '';
  const silence = new SilenceWatch(io.stderr);
  const print = printer(io, format);
  silence.waiting();
  try {
    await operation.run({
      io, wsman, session, locator: locator as ResourceLocator, switches: parsed.switches, format, input, action,
      printResult: (raw) => {
        silence.stop();
        print(raw);
      },
      heard: () => silence.heard(),
    });
  } finally {
    silence.stop();
  }
  return 0;
}

/** `wsman ARGS…` read as `winrm ARGS…`. */
export async function runWinrm(args: readonly string[], io: CliIo): Promise<number> {
  const holder: { format: OutputFormat } = { format: 'text' };
  try {
    const parsed = parseCommandLine(args);
    const first = parsed.positionals[0]?.toLowerCase() ?? '';
    // `wsman`, `wsman help [TOPIC]`, `wsman ?`, `wsman -? [TOPIC]`
    if (first === '' || first === 'help' || first === '?' || (parsed.firstSwitchIndex === 0 && parsed.switches.has('?'))) {
      const topic = first === 'help' || first === '?' ? (parsed.positionals[1] ?? '') : first;
      printHelp(io.stdout, topic === '' ? 'help' : (OPERATION_ALIASES[topic] ?? topic));
      return 0;
    }
    if (parsed.switches.has('?')) {
      printHelp(io.stdout, OPERATION_ALIASES[first] ?? first);
      return 0;
    }
    // winrm reads the number as written (WScript.Arguments(1)), so a negative one is no switch.
    if (first === 'helpmsg') return helpmsg(args[1], io);
    return await execute(parsed, io, holder);
  } catch (error) {
    if (error instanceof CliError) {
      for (const line of error.lines()) writeLine(io.stderr, line);
      return 1;
    }
    if (error instanceof ComCallFailed) {
      reportFailure(io.stderr, holder.format, error);
      for (const line of explainFailure(error)) writeLine(io.stderr, line);
      return 1;
    }
    throw error;
  }
}
