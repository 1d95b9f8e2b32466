/**
 * WScript.Arguments (WshArguments) with its Named (WshNamed) and Unnamed (WshUnnamed) views.
 * Like WSH: an argument `/name:value` or `/name` is named (names compare without case, the
 * value is what follows the first colon, a bare switch has no value); every other argument is
 * unnamed; WScript.Arguments itself lists all of them as typed. A name cannot contain `/`, so
 * that POSIX paths (`/tmp/x.xml`) stay unnamed.
 */
import { asHostCollection } from '../host-collections';
import { hostObject, type HostContext, type HostObjectShape } from '../host-object';
import { JSCRIPT_ERROR } from '../script-errors';

interface NamedArgument {
  readonly name: string;
  readonly value: string | undefined;
}

function parseNamed(argument: string): NamedArgument | undefined {
  const match = /^\/([^:/]+)(?::(.*))?$/s.exec(argument);
  return match ? { name: match[1], value: match[2] } : undefined;
}

/** Item(index) and Count()/length over a list, the shape WshArguments and WshUnnamed share. */
function indexedCollection(values: readonly string[], context: HostContext, extra: HostObjectShape['members'] = {}): object {
  const item = (index: unknown): string => {
    const position = Number(index);
    if (!Number.isInteger(position) || position < 0 || position >= values.length) throw context.errors.jscript(JSCRIPT_ERROR.SUBSCRIPT_OUT_OF_RANGE);
    return values[position];
  };
  const collection = hostObject(
    {
      members: {
        Item: { method: item },
        Count: { method: () => values.length },
        length: { get: () => values.length },
        ...extra,
      },
      call: item,
    },
    context,
  );
  return asHostCollection(collection, { count: () => values.length, item: (index) => values[index] });
}

function namedCollection(named: readonly NamedArgument[], context: HostContext): object {
  // The last of repeated switches wins (WSH documents no rule).
  const byName = new Map(named.map((argument) => [argument.name.toLowerCase(), argument] as const));
  const names = [...byName.values()].map((argument) => argument.name);
  const item = (name: unknown): string | undefined => byName.get(String(name).toLowerCase())?.value;
  const collection = hostObject(
    {
      members: {
        Item: { method: item },
        Exists: { method: (name: unknown) => byName.has(String(name).toLowerCase()) },
        Count: { method: () => names.length },
        length: { get: () => names.length },
      },
      call: item,
    },
    context,
  );
  return asHostCollection(collection, { count: () => names.length, item: (index) => names[index] });
}

export function wshArguments(args: readonly string[], context: HostContext): object {
  const named: NamedArgument[] = [];
  const unnamed: string[] = [];
  for (const argument of args) {
    const parsed = parseNamed(argument);
    if (parsed) named.push(parsed);
    else unnamed.push(argument);
  }
  const namedView = namedCollection(named, context);
  const unnamedView = indexedCollection(unnamed, context);
  return indexedCollection(args, context, {
    Named: { get: () => namedView },
    Unnamed: { get: () => unnamedView },
  });
}
