/** VBScript's RegExp, Match, MatchCollection and SubMatches, with the dialect and error numbers of vbscript.dll. */
import { DISPATCH_METHOD, DISPID_VALUE, type SyncDispatch, type Variant } from '../../../src/automation/dispatch/contract';
import { hostDispatch } from '../../../src/host/objects/host-dispatch';
import { createRegExp } from '../../../src/host/objects/registry';
import { call, callDefault, errorNumber, forEach, put } from './dispatch-helpers';

function regex(pattern: string, options: { global?: boolean; ignoreCase?: boolean; multiline?: boolean } = {}): SyncDispatch {
  const re = createRegExp({});
  put(re, 'Pattern', pattern);
  put(re, 'Global', options.global ?? false);
  put(re, 'IgnoreCase', options.ignoreCase ?? false);
  put(re, 'Multiline', options.multiline ?? false);
  return re;
}

describe('RegExp', () => {
  it('starts with every option off and the empty pattern', () => {
    const re = createRegExp({});
    expect(re.typeName).toBe('IRegExp2');
    expect([call(re, 'Pattern'), call(re, 'Global'), call(re, 'IgnoreCase'), call(re, 'Multiline')]).toEqual(['', false, false, false]);
  });

  it('Execute gives the first match unless Global, with 0-based FirstIndex, Length and SubMatches', () => {
    const text = 'http://host1:5985/wsman https://host2:5986/wsman';
    const first = call(regex('(https?)://([^:/]+):(\\d+)'), 'Execute', text);
    expect(call(first, 'Count')).toBe(1);
    const all = call(regex('(https?)://([^:/]+):(\\d+)', { global: true }), 'Execute', text);
    expect(call(all, 'Count')).toBe(2);
    const second = callDefault(all, 1);
    expect(callDefault(second)).toBe('https://host2:5986');
    expect(call(second, 'FirstIndex')).toBe(24);
    expect(call(second, 'Length')).toBe(18);
    const groups = call(second, 'SubMatches');
    expect([call(groups, 'Count'), callDefault(groups, 0), callDefault(groups, 1), callDefault(groups, 2)]).toEqual([3, 'https', 'host2', '5986']);
    expect(forEach(all).map((match) => call(match, 'Value'))).toEqual(['http://host1:5985', 'https://host2:5986']);
    // Arguments beyond a property's own index the object it returns (ITypeInfo::Invoke's rule): m.SubMatches(1).
    expect(call(second, 'SubMatches', 1)).toBe('host2');
    expect(errorNumber(() => call(second, 'FirstIndex', 1))).toBe(0x8002000e | 0);
    expect(errorNumber(() => callDefault(all, 2))).toBe(5);
  });

  it('gives Empty for a group that took no part', () => {
    const match = callDefault(call(regex('a(x)?b'), 'Execute', 'ab'), 0);
    expect(callDefault(call(match, 'SubMatches'), 0)).toBeUndefined();
  });

  it('Test honours IgnoreCase; Multiline moves ^ and $ to line ends; . stops only at \\n', () => {
    expect(call(regex('^winrm$'), 'Test', 'WinRM')).toBe(false);
    expect(call(regex('^winrm$', { ignoreCase: true }), 'Test', 'WinRM')).toBe(true);
    expect(call(regex('^b$'), 'Test', 'a\nb\nc')).toBe(false);
    expect(call(regex('^b$', { multiline: true }), 'Test', 'a\nb\nc')).toBe(true);
    expect(call(regex('a.b'), 'Test', 'a\rb')).toBe(true);
    expect(call(regex('a.b'), 'Test', 'a\nb')).toBe(false);
    expect(call(regex('[.]'), 'Test', 'x')).toBe(false);
  });

  it('Replace takes $1…$99, $&, $`, $\' and $$; all matches only when Global', () => {
    expect(call(regex('(\\w+)@(\\w+)'), 'Replace', 'a@b c@d', '$2@$1')).toBe('b@a c@d');
    expect(call(regex('(\\w+)@(\\w+)', { global: true }), 'Replace', 'a@b c@d', '$2@$1')).toBe('b@a d@c');
    expect(call(regex('b'), 'Replace', 'abc', "[$`|$&|$'|$$]")).toBe('a[a|b|c|$]c');
  });

  it('Replace calls a function reference (GetRef) with the match, submatches, offset and source', () => {
    const seen: Variant[][] = [];
    const upper = hostDispatch({
      typeName: 'Object',
      members: {
        '': {
          dispid: DISPID_VALUE,
          params: ['...args'],
          call: (...args: Variant[]) => {
            seen.push(args);
            return String(args[1]).toUpperCase();
          },
        },
      },
    });
    expect(call(regex('<(\\w)>', { global: true }), 'Replace', '<a><b>', upper)).toBe('AB');
    expect(seen).toEqual([
      ['<a>', 'a', 0, '<a><b>'],
      ['<b>', 'b', 3, '<a><b>'],
    ]);
    expect(upper.Invoke(DISPID_VALUE, DISPATCH_METHOD, ['', 'z'])).toBe('Z');
  });

  it('refuses what VBScript’s dialect does not have, with its error numbers, when the pattern is used', () => {
    const cases: [string, number][] = [
      ['(?<=a)b', 5017],
      ['(?<name>a)', 5017],
      ['\\p{L}', 5017],
      ['(?i)a', 5017],
      ['*a', 5018],
      ['[abc', 5019],
      ['(abc', 5020],
      ['[z-a]', 5021],
    ];
    for (const [pattern, number] of cases) {
      const re = regex(pattern);
      expect([pattern, errorNumber(() => call(re, 'Test', 'abc'))]).toEqual([pattern, number]);
    }
  });
});
