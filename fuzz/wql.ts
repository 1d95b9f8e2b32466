/** Random WQL for the endpoint's query evaluator: valid-looking SELECTs with hostile WHERE clauses. */
import { INTERESTING } from './mutators';
import type { Rng } from './rng';

const CLASSES = ['Win32_Service', 'Win32_Process', 'Win32_Environment', 'Win32_OperatingSystem', 'Win32_LogicalDisk', 'Win32_DependentService', 'Win32_Nothing', 'win32_service'];
const PROPERTIES = ['Name', 'State', 'StartMode', 'ProcessId', 'Description', 'VariableValue', 'Size', 'Antecedent', '*', 'NoSuch', 'name'];
const OPERATORS = ['=', '<>', '<', '>', '<=', '>=', '!=', 'LIKE', 'NOT LIKE', 'IS', 'IS NOT', '=='];

function literal(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return String(rng.int(100000) - 50000);
    case 1:
      return `'${rng.pick(INTERESTING).replace(/'/g, "''").slice(0, 200)}'`;
    case 2:
      return `'${'%_'.repeat(1 + rng.int(40))}${rng.pick(['!', 'x', '[a-', '[^]]', ''])}'`;
    case 3:
      return rng.pick(['NULL', 'TRUE', 'FALSE', "'Running'", '"Auto"', '1e400', '0x10']);
    case 4:
      return `'[${rng.pick(['z-a', 'a-', '^', ']', '%'])}'`;
    default:
      return `'${'a'.repeat(rng.int(5000))}'`;
  }
}

function condition(rng: Rng, depth: number): string {
  if (depth > 0 && rng.chance(0.4)) {
    const joiner = rng.pick([' AND ', ' OR ', ' AND NOT ', ' ']);
    return `${rng.chance(0.3) ? '(' : ''}${condition(rng, depth - 1)}${joiner}${condition(rng, depth - 1)}${rng.chance(0.3) ? ')' : ''}`;
  }
  return `${rng.chance(0.1) ? 'NOT ' : ''}${rng.pick(PROPERTIES)} ${rng.pick(OPERATORS)} ${literal(rng)}`;
}

export function randomWql(rng: Rng): string {
  const properties = rng.chance(0.5) ? '*' : Array.from({ length: 1 + rng.int(4) }, () => rng.pick(PROPERTIES)).join(rng.pick([', ', ',', ' ']));
  const where = rng.chance(0.85) ? ` WHERE ${condition(rng, rng.int(rng.chance(0.1) ? 60 : 4))}` : '';
  return `${rng.pick(['SELECT', 'select', 'SeLeCt', 'SELEC'])} ${properties} FROM ${rng.pick(CLASSES)}${where}`;
}
