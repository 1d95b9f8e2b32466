import { compileWql, likePattern, parseWql, WqlError } from '../../../src/server/cim/wql';
import { causeOf, expectWsmanError, fixtureClass, fixtureInstances, makeTempDir, removeDir, writeFixtureFiles, loadStore } from './cim-test-helpers';

const def = fixtureClass();
const instances = fixtureInstances(def);

/** Names of the fixture instances a WHERE clause selects, in fixture order. */
function where(condition: string): string[] {
  const compiled = compileWql(parseWql(`SELECT * FROM Test_Item WHERE ${condition}`), def);
  return instances.filter(compiled.matches).map((instance) => instance.properties.get('Name') as string);
}

function wqlError(text: string): WqlError {
  try {
    compileWql(parseWql(text), def);
  } catch (error) {
    expect(error).toBeInstanceOf(WqlError);
    return error as WqlError;
  }
  throw new Error(`no error for ${text}`);
}

describe('WQL parser', () => {
  it('reads SELECT *, a projection, the class and keywords in any case', () => {
    expect(parseWql('select * from Win32_Service')).toEqual({ properties: '*', className: 'Win32_Service', classPosition: 14 });
    const query = parseWql('SeLeCt Name ,State FROM Win32_Service');
    expect(query.properties).toEqual([
      { kind: 'property', name: 'Name', position: 7 },
      { kind: 'property', name: 'State', position: 13 },
    ]);
    expect(query.where).toBeUndefined();
  });

  it('builds an AST with NOT binding tighter than AND, and AND tighter than OR', () => {
    const query = parseWql("SELECT * FROM C WHERE NOT A = 1 OR B = 'x' AND C <> 2");
    expect(query.where).toMatchObject({
      kind: 'or',
      left: { kind: 'not', operand: { kind: 'compare', operator: '=', property: { name: 'A' } } },
      right: {
        kind: 'and',
        left: { kind: 'compare', property: { name: 'B' }, literal: { kind: 'string', value: 'x' } },
        right: { kind: 'compare', operator: '<>', property: { name: 'C' } },
      },
    });
  });

  it('puts the property on the left, flipping the operator', () => {
    expect(parseWql('SELECT * FROM C WHERE 5 < Size').where).toMatchObject({ kind: 'compare', operator: '>', property: { name: 'Size' }, literal: { kind: 'number', text: '5' } });
    expect(parseWql('SELECT * FROM C WHERE 5 >= Size').where).toMatchObject({ operator: '<=' });
    expect(parseWql('SELECT * FROM C WHERE Size != 5').where).toMatchObject({ operator: '<>' });
  });

  it('reads literals: quoted strings with backslash escapes, signed and real numbers, booleans, NULL', () => {
    expect(parseWql(String.raw`SELECT * FROM C WHERE P = 'a\'b\\c\"d'`).where).toMatchObject({ literal: { kind: 'string', value: `a'b\\c"d` } });
    expect(parseWql('SELECT * FROM C WHERE P = "it\'s"').where).toMatchObject({ literal: { value: "it's" } });
    expect(parseWql('SELECT * FROM C WHERE P = -12').where).toMatchObject({ literal: { kind: 'number', text: '-12' } });
    expect(parseWql('SELECT * FROM C WHERE P = 1.5e3').where).toMatchObject({ literal: { kind: 'number', text: '1.5e3' } });
    expect(parseWql('SELECT * FROM C WHERE P = true').where).toMatchObject({ literal: { kind: 'boolean', value: true } });
    expect(parseWql('SELECT * FROM C WHERE P = NULL').where).toMatchObject({ literal: { kind: 'null' } });
    expect(parseWql('SELECT * FROM C WHERE P IS NOT NULL').where).toEqual({ kind: 'isNull', property: { kind: 'property', name: 'P', position: 22 }, negated: true });
    expect(parseWql("SELECT * FROM C WHERE P NOT LIKE 'a%'").where).toMatchObject({ kind: 'like', pattern: 'a%', negated: true });
  });

  it.each([
    ['SELECT FROM Win32_Service', 7, 'Expected a property name or *'],
    ['SELECT * Win32_Service', 9, 'Expected FROM'],
    ['SELECT * FROM', 13, 'Expected a class name'],
    ['SELECT * FROM C WHERE', 21, 'Expected a property name'],
    ["SELECT * FROM C WHERE Name = 'open", 29, 'Unterminated string'],
    ['SELECT * FROM C WHERE (Size = 1', 31, 'Expected ")"'],
    ['SELECT * FROM C WHERE Size = 1 Size = 2', 31, 'Expected AND, OR'],
    ['SELECT * FROM C WHERE Size # 1', 27, 'Unexpected character "#"'],
    ['SELECT * FROM C WHERE 1 = 1', 22, 'One side of a comparison must be a property'],
    ['SELECT * FROM C WHERE Size = Delta', 29, 'not with another property'],
    ["SELECT * FROM C WHERE Name LIKE Note", 32, 'Expected a string pattern'],
    ["SELECT * FROM C WHERE Name = 'C:\\Windows'", 32, 'Unknown escape'],
    ['SELECT * FROM C WHERE Size IS 5', 30, 'Expected NULL'],
    ['SELECT * FROM C WHERE Size = 12abc', 29, 'Malformed number'],
    ['DELETE FROM C', 0, 'Expected SELECT'],
  ])('refuses %s with the position of the problem', (text, position, message) => {
    const error = wqlError(text);
    expect(error.kind).toBe('syntax');
    expect(error.position).toBe(position);
    expect(error.message).toContain('The query is not syntactically correct.');
    expect(error.message).toContain(message);
    expect(error.message).toContain(`position ${position}`);
  });
});

describe('WQL evaluation', () => {
  it('compares strings without case, with every operator', () => {
    expect(where("Name = 'ALPHA'")).toEqual(['alpha']);
    expect(where("Name <> 'alpha'")).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where("Name != 'alpha'")).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where("Name < 'b'")).toEqual(['alpha', '100%']);
    expect(where("Name <= 'beta'")).toEqual(['alpha', 'Beta', '100%']);
    expect(where("Name > 'beta'")).toEqual(['gamma_1']);
    expect(where("Name >= 'BETA'")).toEqual(['Beta', 'gamma_1']);
  });

  it('compares numbers numerically, converting the literal to the property type', () => {
    expect(where('Size = 20')).toEqual(['Beta']);
    expect(where('Size > 20')).toEqual(['gamma_1', '100%']);
    expect(where('Size < 20')).toEqual(['alpha']);
    expect(where('Size >= 20')).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where('Size <= 10')).toEqual(['alpha']);
    expect(where('Size <> 10')).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where("Size = '30'")).toEqual(['gamma_1']);
    expect(where('Size > 19.5')).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where('Delta < 0')).toEqual(['alpha']);
    expect(where('Delta = -5')).toEqual(['alpha']);
    expect(where('-1 = Ratio')).toEqual(['100%']);
    expect(where('Ratio > 1')).toEqual(['Beta', 'gamma_1']);
  });

  it('keeps uint64 exact beyond 2^53', () => {
    expect(where('Big = 9007199254740993')).toEqual(['alpha']);
    expect(where('Big = 9007199254740992')).toEqual([]);
    expect(where('Big > 3')).toEqual(['alpha', '100%']);
  });

  it('compares booleans with TRUE/FALSE, numbers and quoted text', () => {
    expect(where('Enabled = TRUE')).toEqual(['alpha', 'gamma_1']);
    expect(where('Enabled = false')).toEqual(['Beta', '100%']);
    expect(where('Enabled <> true')).toEqual(['Beta', '100%']);
    expect(where('Enabled = 1')).toEqual(['alpha', 'gamma_1']);
    expect(where("Enabled = 'False'")).toEqual(['Beta', '100%']);
  });

  it('compares datetimes given as DMTF or ISO text', () => {
    expect(where("Created = '20240101120000.000000+000'")).toEqual(['alpha']);
    expect(where("Created > '2024-03-01T00:00:00Z'")).toEqual(['Beta']);
    expect(where("Created < '20240301000000.000000+000'")).toEqual(['alpha']);
  });

  it('matches LIKE patterns without case: %, _, [set], [^set], [range]', () => {
    expect(where("Name LIKE 'a%'")).toEqual(['alpha']);
    expect(where("Name LIKE '%A%'")).toEqual(['alpha', 'Beta', 'gamma_1']);
    expect(where("Name LIKE 'bet_'")).toEqual(['Beta']);
    expect(where("Name LIKE '_eta'")).toEqual(['Beta']);
    expect(where("Name LIKE '[ab]%'")).toEqual(['alpha', 'Beta']);
    expect(where("Name LIKE '[^ab]%'")).toEqual(['gamma_1', '100%']);
    expect(where("Name LIKE '[a-c]%'")).toEqual(['alpha', 'Beta']);
    expect(where("Name LIKE '%[_]1'")).toEqual(['gamma_1']);
    expect(where("Name LIKE '100[%]'")).toEqual(['100%']);
    expect(where("Name LIKE 'alpha'")).toEqual(['alpha']);
    expect(where("Name LIKE 'alph'")).toEqual([]);
    expect(where("Name NOT LIKE '%a%'")).toEqual(['100%']);
    expect(where("Size LIKE '_0'")).toEqual(['alpha', 'Beta', 'gamma_1', '100%']);
    expect(where("Size LIKE '1%'")).toEqual(['alpha']);
  });

  it('compiles LIKE patterns with regex characters taken literally', () => {
    expect(likePattern('a.b').test('a.b')).toBe(true);
    expect(likePattern('a.b').test('axb')).toBe(false);
    expect(likePattern('(x)+').test('(X)+')).toBe(true);
    expect(likePattern('[]]').test(']')).toBe(true);
    expect(() => likePattern('[abc')).toThrow(WqlError);
    expect(() => likePattern('[z-a]')).toThrow(/Reversed range/);
  });

  it('applies NOT, AND, OR with precedence and parentheses', () => {
    expect(where("NOT Name = 'alpha'")).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where("Size = 10 OR Size = 20 AND Enabled = TRUE")).toEqual(['alpha']);
    expect(where("(Size = 10 OR Size = 20) AND Enabled = FALSE")).toEqual(['Beta']);
    expect(where("NOT (Size = 10 OR Size = 20)")).toEqual(['gamma_1', '100%']);
    expect(where("NOT NOT Size = 10")).toEqual(['alpha']);
    expect(where("Size > 10 AND NOT Enabled = TRUE OR Name = 'alpha'")).toEqual(['alpha', 'Beta', '100%']);
  });

  it('handles NULL: IS NULL, IS NOT NULL, = NULL, and null values failing comparisons', () => {
    expect(where('Note IS NULL')).toEqual(['alpha']);
    expect(where('Note IS NOT NULL')).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where('Note = NULL')).toEqual(['alpha']);
    expect(where('Note <> NULL')).toEqual(['Beta', 'gamma_1', '100%']);
    expect(where("Note <> 'x'")).toEqual(['gamma_1', '100%']);
    expect(where("NOT Note = 'x'")).toEqual(['alpha', 'gamma_1', '100%']);
    expect(where('Created IS NULL')).toEqual(['gamma_1', '100%']);
    expect(where('Tags IS NULL')).toEqual(['gamma_1']);
  });

  it('resolves the projection to schema spellings without duplicates', () => {
    expect(compileWql(parseWql('SELECT name, SIZE, Name FROM test_item'), def).properties).toEqual(['Name', 'Size']);
    expect(compileWql(parseWql('SELECT * FROM test_item'), def).properties).toBe('*');
  });

  it.each([
    ['SELECT Nope FROM Test_Item', 'property', 7],
    ["SELECT * FROM Test_Item WHERE Nope = 'x'", 'property', 30],
    ["SELECT * FROM Test_Item WHERE Size = 'big'", 'type', 37],
    ['SELECT * FROM Test_Item WHERE Enabled = 2.5e0 AND Size = TRUE', 'type', 57],
    ["SELECT * FROM Test_Item WHERE Created = 'yesterday'", 'type', 40],
    ["SELECT * FROM Test_Item WHERE Tags = 'a'", 'type', 30],
    ['SELECT * FROM Test_Item WHERE Size < NULL', 'syntax', 37],
  ])('refuses %s before looking at any instance', (text, kind, position) => {
    const error = wqlError(text);
    expect(error.kind).toBe(kind);
    expect(error.position).toBe(position);
  });
});

describe('CimStore.query', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir();
  });
  afterAll(() => removeDir(dir));

  it('returns the class, matching instances in order and the projection', () => {
    const store = loadStore(writeFixtureFiles(dir));
    const result = store.query("select name from TEST_ITEM where Size >= 20 and Name like '%a%'");
    expect(result.className).toBe('Test_Item');
    expect(result.properties).toEqual(['Name']);
    expect(result.instances.map((i) => i.properties.get('Name'))).toEqual(['Beta', 'gamma_1']);
  });

  it('answers every query problem with ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER and the WMI detail as cause', () => {
    const store = loadStore(writeFixtureFiles(dir));
    const unknownClass = expectWsmanError(() => store.query('SELECT * FROM Win32_Nothing'), 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
    expect(causeOf(unknownClass)).toContain('The specified class does not exist in the given namespace.');
    expect(causeOf(unknownClass)).toContain('Win32_Nothing');
    const syntax = expectWsmanError(() => store.query('SELECT * FROM'), 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
    expect(causeOf(syntax)).toContain('The query is not syntactically correct.');
    const property = expectWsmanError(() => store.query('SELECT Missing FROM Test_Item'), 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
    expect(causeOf(property)).toContain('Missing');
    expect(property.message).toContain('The data source could not process the filter.');
  });
});
