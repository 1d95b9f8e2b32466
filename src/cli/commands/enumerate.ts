/**
 * `wsman enumerate RESOURCE_URI`: Session.Enumerate with winrm's filter, dialect and flag rules,
 * items printed as they are read (xml and pretty inside `<wsman:Results>`, json one line per
 * item), progress on stderr when it is a terminal.
 */
import { escapeXmlAttribute, escapeXmlText } from '../../core/errors/fault-xml';
import { DIALECT } from '../../core/protocol/namespaces';
import { reformat } from '../format/output-format';
import { writeLine } from '../io';
import { EnumerationProgress } from '../progress';
import { CliError } from './cli-error';
import { check } from './com-call';
import { parseParameterHash } from './hash';
import type { Operation, OperationContext } from './operation';

const WIN32_TIMEOUT = 0x800705b4;
const RESULTS_OPEN = '<wsman:Results xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman/results">';
const RESULTS_CLOSE = '</wsman:Results>';

export interface EnumerationArguments {
  readonly filter: string;
  readonly dialect: string;
  readonly flags: number;
}

/** winrm.vbs's Enumerate: -filter (WQL by default), -dialect aliases, selector filters from `{K="V"}`, and the flags. */
export function enumerationArguments({ wsman, switches }: Pick<OperationContext, 'wsman' | 'switches'>): EnumerationArguments {
  let filter = '';
  let dialect = '';
  let flags = 0;
  if (switches.has('filter')) {
    filter = switches.get('filter') ?? '';
    dialect = DIALECT.wql;
  }
  if (switches.has('dialect')) dialect = switches.get('dialect') ?? '';
  if (dialect.toLowerCase() === 'selector') dialect = DIALECT.selector;
  if (dialect.toLowerCase() === DIALECT.selector.toLowerCase()) {
    const pairs = parseParameterHash(filter);
    filter = `<wsman:SelectorSet xmlns:wsman='http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd'>${[...pairs]
      .map(([name, value]) => `<wsman:Selector Name="${escapeXmlAttribute(name)}">${escapeXmlText(value ?? '')}</wsman:Selector>`)
      .join('')}</wsman:SelectorSet>`;
  }
  if (dialect.toLowerCase() === 'wql') dialect = DIALECT.wql;
  if (dialect.toLowerCase() === 'association') dialect = 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding/AssociationFilter';
  const isAssociation = dialect.toLowerCase() === DIALECT.association.toLowerCase();
  if (isAssociation) {
    if (!switches.has('filter')) throw new CliError('-filter parameter is required for the given dialect');
    flags |= switches.has('associations') ? wsman.EnumerationFlagAssociationInstance().value : wsman.EnumerationFlagAssociatedInstance().value;
  } else if (switches.has('associations')) {
    throw new CliError('-associations is not a valid option for the given dialect');
  }
  if (switches.has('returntype')) {
    const value = switches.get('returntype') ?? '';
    switch (value.toLowerCase()) {
      case 'object':
        break;
      case 'epr':
        flags |= wsman.EnumerationFlagReturnEPR().value;
        break;
      case 'objectandepr':
        flags |= wsman.EnumerationFlagReturnObjectAndEPR().value;
        break;
      default:
        throw new CliError(`-returntype:${value} is not a valid option`);
    }
  }
  if (switches.has('shallow')) flags |= wsman.EnumerationFlagHierarchyShallow().value;
  else if (switches.has('basepropertiesonly')) flags |= wsman.EnumerationFlagHierarchyDeepBasePropsOnly().value;
  else flags |= wsman.EnumerationFlagHierarchyDeep().value;
  return { filter, dialect, flags };
}

export const enumerate: Operation = {
  name: 'enumerate',
  positionals: 1,
  acceptsInput: false,
  async run(context) {
    const { io, session, locator, format } = context;
    const { filter, dialect, flags } = enumerationArguments(context);
    // winrm retries an Enumerate that timed out (HRESULT_FROM_WIN32(ERROR_TIMEOUT)) up to three times in all.
    let started = await session.Enumerate(locator, filter, dialect, flags);
    for (let attempt = 1; attempt < 3 && started.hr === WIN32_TIMEOUT; attempt++) started = await session.Enumerate(locator, filter, dialect, flags);
    const enumerator = check(started, session);
    const wrapped = format === 'xml' || format === 'pretty';
    const progress = new EnumerationProgress(io.stderr, io.stdout, session.get_BatchItems().value ?? 1);
    if (wrapped) writeLine(io.stdout, RESULTS_OPEN);
    try {
      while (!enumerator.get_AtEndOfStream().value) {
        const item = await enumerator.ReadItem();
        if (item.error) {
          progress.clear();
          if (wrapped) writeLine(io.stdout, RESULTS_CLOSE);
        }
        context.heard();
        const xml = check(item, enumerator);
        progress.item();
        const shown = reformat(xml, format);
        if (!('text' in shown)) break;
        writeLine(io.stdout, shown.text);
      }
    } finally {
      progress.clear();
    }
    if (wrapped) writeLine(io.stdout, RESULTS_CLOSE);
  },
};
