/**
 * WQL data queries: `SELECT * | p1, p2 FROM Class [WHERE expr]`. A hand-written tokenizer and
 * recursive-descent parser produce an AST; `compileWql` binds it to a class definition
 * (property names, literal types) and yields a predicate over instances.
 *
 * Semantics follow WMI: keywords and property names without case, string comparisons without
 * case, literals converted to the property's type, one side of a comparison a property and the
 * other a constant, arrays not usable in WHERE. A null property value satisfies no comparison
 * (only IS NULL); `= NULL` / `<> NULL` mean IS NULL / IS NOT NULL.
 */
import { findProperty, isCimReference, type CimClassDef, type CimInstance, type CimPropertyDef, type CimScalar, type CimValue } from './cim-types';
import { CimValueError, isBigIntType, parseCimText, scalarText, toDmtf } from './cim-values';

export type WqlErrorKind = 'syntax' | 'class' | 'property' | 'type';

/** A query WMI would refuse; `position` is the 0-based offset in the query text, when known. */
export class WqlError extends Error {
  override readonly name: string = 'WqlError';
  constructor(
    readonly kind: WqlErrorKind,
    detail: string,
    readonly position?: number,
  ) {
    super(`${WQL_ERROR_PREFIX[kind]} ${detail}${position === undefined ? '' : ` (at position ${position})`}`);
  }
}

const WQL_ERROR_PREFIX: Readonly<Record<WqlErrorKind, string>> = {
  syntax: 'The query is not syntactically correct.',
  class: 'The specified class does not exist in the given namespace.',
  property: 'The query names a property the class does not have.',
  type: 'The query compares a property with a value of another type.',
};

// ---- AST ----

export type WqlLiteral =
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'number'; readonly text: string; readonly position: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly position: number }
  | { readonly kind: 'null'; readonly position: number };

export interface WqlProperty {
  readonly kind: 'property';
  readonly name: string;
  readonly position: number;
}

export type WqlComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';

export type WqlExpression =
  | { readonly kind: 'and' | 'or'; readonly left: WqlExpression; readonly right: WqlExpression }
  | { readonly kind: 'not'; readonly operand: WqlExpression }
  /** Normalized so the property is on the left (`5 < Prop` becomes `Prop > 5`). */
  | { readonly kind: 'compare'; readonly operator: WqlComparisonOperator; readonly property: WqlProperty; readonly literal: WqlLiteral }
  | { readonly kind: 'like'; readonly property: WqlProperty; readonly pattern: string; readonly patternPosition: number; readonly negated: boolean }
  | { readonly kind: 'isNull'; readonly property: WqlProperty; readonly negated: boolean };

export interface WqlQuery {
  readonly properties: readonly WqlProperty[] | '*';
  readonly className: string;
  readonly classPosition: number;
  readonly where?: WqlExpression;
}

// ---- tokenizer ----

type TokenKind = 'identifier' | 'keyword' | 'string' | 'number' | 'operator' | 'punctuation' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** Keywords upper-cased, `!=` as `<>`; string tokens hold the unescaped value. */
  readonly text: string;
  readonly position: number;
}

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'LIKE', 'IS', 'NULL', 'TRUE', 'FALSE']);
const ESCAPABLE = new Set(['\\', '"', "'"]);

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const at = (offset = 0): string => query.charAt(index + offset);
  const isDigit = (c: string): boolean => c >= '0' && c <= '9';
  while (index < query.length) {
    const c = at();
    const start = index;
    if (/\s/.test(c)) {
      index++;
    } else if (/[A-Za-z_]/.test(c)) {
      while (index < query.length && /[A-Za-z0-9_]/.test(at())) index++;
      const word = query.slice(start, index);
      const upper = word.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: 'keyword', text: upper, position: start } : { kind: 'identifier', text: word, position: start });
    } else if (
      isDigit(c) ||
      (c === '.' && isDigit(at(1))) ||
      ((c === '-' || c === '+') && (isDigit(at(1)) || (at(1) === '.' && isDigit(at(2)))))
    ) {
      if (c === '-' || c === '+') index++;
      while (isDigit(at())) index++;
      if (at() === '.') {
        index++;
        while (isDigit(at())) index++;
      }
      if ((at() === 'e' || at() === 'E') && (isDigit(at(1)) || ((at(1) === '+' || at(1) === '-') && isDigit(at(2))))) {
        index += 2;
        while (isDigit(at())) index++;
      }
      if (/[A-Za-z_]/.test(at())) throw new WqlError('syntax', `Malformed number "${query.slice(start, index + 1)}".`, start);
      tokens.push({ kind: 'number', text: query.slice(start, index), position: start });
    } else if (c === "'" || c === '"') {
      index++;
      let value = '';
      for (;;) {
        if (index >= query.length) throw new WqlError('syntax', 'Unterminated string literal.', start);
        const d = at();
        if (d === c) break;
        if (d === '\\') {
          const escaped = at(1);
          if (!ESCAPABLE.has(escaped)) {
            throw new WqlError('syntax', `Unknown escape "\\${escaped}" in a string literal; write \\\\ for a backslash.`, index);
          }
          value += escaped;
          index += 2;
        } else {
          value += d;
          index++;
        }
      }
      index++;
      tokens.push({ kind: 'string', text: value, position: start });
    } else {
      const two = query.slice(index, index + 2);
      if (two === '<>' || two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'operator', text: two === '!=' ? '<>' : two, position: start });
        index += 2;
      } else if (c === '=' || c === '<' || c === '>') {
        tokens.push({ kind: 'operator', text: c, position: start });
        index++;
      } else if (c === ',' || c === '(' || c === ')' || c === '*') {
        tokens.push({ kind: 'punctuation', text: c, position: start });
        index++;
      } else {
        throw new WqlError('syntax', `Unexpected character "${c}".`, start);
      }
    }
  }
  tokens.push({ kind: 'end', text: '', position: query.length });
  return tokens;
}

// ---- parser ----

const FLIPPED: Readonly<Record<WqlComparisonOperator, WqlComparisonOperator>> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '>': '<',
  '<=': '>=',
  '>=': '<=',
};

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the query';
    case 'string':
      return 'a string literal';
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private get current(): Token {
    return this.tokens[this.index] as Token;
  }

  private advance(): Token {
    const token = this.current;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  /** Read afresh after advance(); a narrowed `this.current.kind` would be stale. */
  private currentKind(): TokenKind {
    return this.current.kind;
  }

  private isKeyword(word: string): boolean {
    return this.current.kind === 'keyword' && this.current.text === word;
  }

  private isPunctuation(text: string): boolean {
    return this.current.kind === 'punctuation' && this.current.text === text;
  }

  private expected(what: string): never {
    throw new WqlError('syntax', `Expected ${what} but found ${describeToken(this.current)}.`, this.current.position);
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.expected(word);
    this.advance();
  }

  private identifier(what: string): Token {
    if (this.current.kind !== 'identifier') this.expected(what);
    return this.advance();
  }

  query(): WqlQuery {
    this.keyword('SELECT');
    let properties: WqlProperty[] | '*';
    if (this.isPunctuation('*')) {
      this.advance();
      properties = '*';
    } else {
      properties = [];
      do {
        if (properties.length > 0) this.advance();
        const token = this.identifier('a property name or *');
        properties.push({ kind: 'property', name: token.text, position: token.position });
      } while (this.isPunctuation(','));
    }
    this.keyword('FROM');
    const classToken = this.identifier('a class name');
    let where: WqlExpression | undefined;
    if (this.isKeyword('WHERE')) {
      this.advance();
      where = this.orExpression();
    }
    if (this.current.kind !== 'end') this.expected(where ? 'AND, OR or the end of the query' : 'WHERE or the end of the query');
    const query: WqlQuery = { properties, className: classToken.text, classPosition: classToken.position };
    return where ? { ...query, where } : query;
  }

  private orExpression(): WqlExpression {
    let left = this.andExpression();
    while (this.isKeyword('OR')) {
      this.advance();
      left = { kind: 'or', left, right: this.andExpression() };
    }
    return left;
  }

  private andExpression(): WqlExpression {
    let left = this.notExpression();
    while (this.isKeyword('AND')) {
      this.advance();
      left = { kind: 'and', left, right: this.notExpression() };
    }
    return left;
  }

  private notExpression(): WqlExpression {
    if (this.isKeyword('NOT')) {
      this.advance();
      return { kind: 'not', operand: this.notExpression() };
    }
    if (this.isPunctuation('(')) {
      this.advance();
      const inner = this.orExpression();
      if (!this.isPunctuation(')')) this.expected('")"');
      this.advance();
      return inner;
    }
    return this.condition();
  }

  private literal(): WqlLiteral | undefined {
    const token = this.current;
    if (token.kind === 'string') {
      this.advance();
      return { kind: 'string', value: token.text, position: token.position };
    }
    if (token.kind === 'number') {
      this.advance();
      return { kind: 'number', text: token.text, position: token.position };
    }
    if (token.kind === 'keyword' && (token.text === 'TRUE' || token.text === 'FALSE')) {
      this.advance();
      return { kind: 'boolean', value: token.text === 'TRUE', position: token.position };
    }
    if (token.kind === 'keyword' && token.text === 'NULL') {
      this.advance();
      return { kind: 'null', position: token.position };
    }
    return undefined;
  }

  private condition(): WqlExpression {
    const start = this.current;
    const leftLiteral = this.literal();
    if (leftLiteral) {
      if (this.current.kind !== 'operator') this.expected('a comparison operator');
      const operator = this.advance().text as WqlComparisonOperator;
      if (this.currentKind() !== 'identifier') {
        throw new WqlError('syntax', 'One side of a comparison must be a property.', start.position);
      }
      const token = this.advance();
      const property: WqlProperty = { kind: 'property', name: token.text, position: token.position };
      return { kind: 'compare', operator: FLIPPED[operator], property, literal: leftLiteral };
    }
    const propertyToken = this.identifier('a property name, NOT or "("');
    const property: WqlProperty = { kind: 'property', name: propertyToken.text, position: propertyToken.position };
    if (this.current.kind === 'operator') {
      const operator = this.advance().text as WqlComparisonOperator;
      const literal = this.literal();
      if (!literal) {
        if (this.currentKind() === 'identifier') {
          throw new WqlError('syntax', 'A property can only be compared with a constant, not with another property.', this.current.position);
        }
        this.expected('a constant');
      }
      return { kind: 'compare', operator, property, literal };
    }
    if (this.isKeyword('IS')) {
      this.advance();
      const negated = this.isKeyword('NOT');
      if (negated) this.advance();
      this.keyword('NULL');
      return { kind: 'isNull', property, negated };
    }
    const negated = this.isKeyword('NOT');
    if (negated) this.advance();
    if (this.isKeyword('LIKE')) {
      this.advance();
      const pattern = this.current;
      if (pattern.kind !== 'string') this.expected('a string pattern after LIKE');
      this.advance();
      return { kind: 'like', property, pattern: pattern.text, patternPosition: pattern.position, negated };
    }
    return this.expected(negated ? 'LIKE' : 'a comparison operator, LIKE or IS');
  }
}

/** Parses a WQL SELECT statement; throws WqlError (kind 'syntax') with the offending position. */
export function parseWql(text: string): WqlQuery {
  return new Parser(tokenize(text)).query();
}

// ---- LIKE ----

/** One pattern element: `%` (any run), `_` (any one character), a set, or a literal character. */
type LikeToken =
  | { readonly kind: 'run' }
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly negated: boolean; readonly ranges: readonly (readonly [string, string])[] }
  | { readonly kind: 'char'; readonly upper: string };

/** Steps of a LIKE comparison between two yields of its evaluation. */
export const LIKE_STEPS_PER_YIELD = 1 << 16;

/** Case folding as RegExp's `i` flag without `u`: per UTF-16 unit, upper case when that is one unit. */
function fold(c: string): string {
  const upper = c.toUpperCase();
  return upper.length === 1 ? upper : c;
}

function inSet(token: Extract<LikeToken, { kind: 'set' }>, c: string): boolean {
  const candidates = [c, fold(c), c.toLowerCase()];
  const hit = token.ranges.some(([low, high]) => candidates.some((x) => x.length === 1 && x >= low && x <= high));
  return hit !== token.negated;
}

/**
 * A compiled WQL LIKE pattern. Matching is the greedy wildcard walk that returns only to the
 * last `%` (linear memory, at most text × pattern steps, never a backtracking explosion), and it
 * yields every LIKE_STEPS_PER_YIELD steps so a long comparison can share the event loop.
 */
export class LikeMatcher {
  constructor(private readonly tokens: readonly LikeToken[]) {}

  /** The whole comparison at once. */
  test(text: string): boolean {
    const steps = this.steps(text);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  *steps(text: string): Generator<void, boolean, void> {
    const { tokens } = this;
    let t = 0;
    let p = 0;
    let star = -1;
    let mark = 0;
    let budget = LIKE_STEPS_PER_YIELD;
    while (t < text.length) {
      if (--budget === 0) {
        yield;
        budget = LIKE_STEPS_PER_YIELD;
      }
      const token = tokens[p];
      if (token?.kind === 'run') {
        star = p++;
        mark = t;
      } else if (token !== undefined && this.one(token, text.charAt(t))) {
        t++;
        p++;
      } else if (star !== -1) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (tokens[p]?.kind === 'run') p++;
    return p === tokens.length;
  }

  private one(token: Exclude<LikeToken, { kind: 'run' }>, c: string): boolean {
    switch (token.kind) {
      case 'any':
        return true;
      case 'char':
        return fold(c) === token.upper;
      case 'set':
        return inSet(token, c);
    }
  }
}

/**
 * WQL LIKE: `%` any run, `_` one character, `[abc]`, `[a-z]`, `[^a]` sets (a `]` right after the
 * opening bracket is literal, so `[%]` and `[]]` escape). Matches without case.
 */
export function likePattern(pattern: string, position = 0): LikeMatcher {
  const tokens: LikeToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '%') {
      if (tokens[tokens.length - 1]?.kind !== 'run') tokens.push({ kind: 'run' });
    } else if (c === '_') {
      tokens.push({ kind: 'any' });
    } else if (c === '[') {
      let j = i + 1;
      let negated = false;
      if (pattern.charAt(j) === '^') {
        negated = true;
        j++;
      }
      const ranges: [string, string][] = [];
      let first = true;
      while (j < pattern.length && (pattern.charAt(j) !== ']' || first)) {
        const low = pattern.charAt(j);
        if (pattern.charAt(j + 1) === '-' && j + 2 < pattern.length && pattern.charAt(j + 2) !== ']') {
          const high = pattern.charAt(j + 2);
          if (high < low) throw new WqlError('syntax', `Reversed range "${low}-${high}" in LIKE pattern.`, position);
          ranges.push([low, high]);
          j += 3;
        } else {
          ranges.push([low, low]);
          j++;
        }
        first = false;
      }
      if (j >= pattern.length) throw new WqlError('syntax', 'Unterminated "[" in LIKE pattern.', position);
      tokens.push({ kind: 'set', negated, ranges });
      i = j;
    } else {
      tokens.push({ kind: 'char', upper: fold(c) });
    }
  }
  return new LikeMatcher(tokens);
}

// ---- binding and evaluation ----

export type InstancePredicate = (instance: CimInstance) => boolean;

/** A WHERE clause evaluated step by step: it yields while a long comparison runs. */
export type SteppedPredicate = (instance: CimInstance) => Generator<void, boolean, void>;

export interface CompiledWql {
  /** Schema spellings of the projection, or '*'. */
  readonly properties: string[] | '*';
  readonly matches: InstancePredicate;
  readonly steps: SteppedPredicate;
}

function* everything(): Generator<void, boolean, void> {
  return true;
}

/** Runs a stepped evaluation to its end. */
function completed(predicate: SteppedPredicate): InstancePredicate {
  return (instance) => {
    const steps = predicate(instance);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  };
}

function bindProperty(classDef: CimClassDef, property: WqlProperty): CimPropertyDef {
  const definition = findProperty(classDef, property.name);
  if (!definition) throw new WqlError('property', `Class ${classDef.name} has no property ${property.name}.`, property.position);
  return definition;
}

function literalText(literal: WqlLiteral): string {
  switch (literal.kind) {
    case 'string':
      return literal.value;
    case 'number':
      return literal.text;
    case 'boolean':
      return literal.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
  }
}

/** The literal as a value of the property's type; numbers stay numbers where the type is numeric. */
function convertLiteral(property: CimPropertyDef, literal: Exclude<WqlLiteral, { kind: 'null' }>): CimScalar {
  const mismatch = (): never => {
    throw new WqlError('type', `${literalText(literal)} cannot be compared with ${property.name} (${property.type}).`, literal.position);
  };
  const type = property.type;
  if (type === 'string') return literalText(literal);
  if (type === 'char16') return literal.kind === 'boolean' ? mismatch() : literalText(literal);
  if (type === 'boolean') {
    if (literal.kind === 'boolean') return literal.value;
    if (literal.kind === 'number') return Number(literal.text) !== 0;
    const lower = literal.value.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : mismatch();
  }
  if (type === 'datetime') {
    if (literal.kind !== 'string') return mismatch();
    return toDmtf(literal.value) ?? mismatch();
  }
  // Numeric property: the literal's own number (a real compares with an integer property numerically).
  if (literal.kind === 'boolean') return mismatch();
  const text = literal.kind === 'string' ? literal.value.trim() : literal.text;
  if (/^[+-]?\d+$/.test(text)) return isBigIntType(type) ? BigInt(text) : Number(text);
  try {
    return parseCimText('real64', text);
  } catch (error) {
    if (error instanceof CimValueError) return mismatch();
    throw error;
  }
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'number' && Number.isInteger(b)) return compareNumbers(a, BigInt(b));
  if (typeof a === 'number' && typeof b === 'bigint' && Number.isInteger(a)) return compareNumbers(BigInt(a), b);
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ordering of two non-null scalars of one property: strings without case, datetimes as DMTF text. */
export function compareScalars(property: CimPropertyDef, a: CimScalar, b: CimScalar): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = property.type === 'datetime' ? a : a.toLowerCase();
    const y = property.type === 'datetime' ? b : b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareNumbers(a as number | bigint, b as number | bigint);
}

function test(operator: WqlComparisonOperator, order: number): boolean {
  switch (operator) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '>=':
      return order >= 0;
  }
}

function scalarOf(instance: CimInstance, property: CimPropertyDef): CimScalar | null {
  const value: CimValue | undefined = instance.properties.get(property.name);
  return value === undefined || value === null || Array.isArray(value) || isCimReference(value) ? null : value;
}

/** Arrays and references take only IS [NOT] NULL. */
function noArray(property: CimPropertyDef, position: number): void {
  if (property.array) throw new WqlError('type', `Array property ${property.name} cannot be used in WHERE.`, position);
  if (property.type === 'reference') throw new WqlError('type', `Reference property ${property.name} cannot be compared in WHERE.`, position);
}

function compileExpression(classDef: CimClassDef, expression: WqlExpression): SteppedPredicate {
  switch (expression.kind) {
    case 'and': {
      const left = compileExpression(classDef, expression.left);
      const right = compileExpression(classDef, expression.right);
      return function* (instance) {
        return (yield* left(instance)) && (yield* right(instance));
      };
    }
    case 'or': {
      const left = compileExpression(classDef, expression.left);
      const right = compileExpression(classDef, expression.right);
      return function* (instance) {
        return (yield* left(instance)) || (yield* right(instance));
      };
    }
    case 'not': {
      const operand = compileExpression(classDef, expression.operand);
      return function* (instance) {
        return !(yield* operand(instance));
      };
    }
    case 'isNull': {
      const property = bindProperty(classDef, expression.property);
      const wantNull = !expression.negated;
      return function* (instance) {
        return ((instance.properties.get(property.name) ?? null) === null) === wantNull;
      };
    }
    case 'like': {
      const property = bindProperty(classDef, expression.property);
      noArray(property, expression.property.position);
      const matcher = likePattern(expression.pattern, expression.patternPosition);
      const negated = expression.negated;
      return function* (instance) {
        const value = scalarOf(instance, property);
        if (value === null) return false;
        return (yield* matcher.steps(scalarText(value))) !== negated;
      };
    }
    case 'compare': {
      const property = bindProperty(classDef, expression.property);
      noArray(property, expression.property.position);
      const { operator, literal } = expression;
      if (literal.kind === 'null') {
        if (operator !== '=' && operator !== '<>') throw new WqlError('syntax', `NULL cannot be used with ${operator}.`, literal.position);
        const wantNull = operator === '=';
        return function* (instance) {
          return ((instance.properties.get(property.name) ?? null) === null) === wantNull;
        };
      }
      const constant = convertLiteral(property, literal);
      return function* (instance) {
        const value = scalarOf(instance, property);
        return value !== null && test(operator, compareScalars(property, value, constant));
      };
    }
  }
}

/**
 * Binds a parsed query to its class: checks every property name and literal type up front,
 * so an invalid query fails even when the class has no instances.
 */
export function compileWql(query: WqlQuery, classDef: CimClassDef): CompiledWql {
  let properties: string[] | '*' = '*';
  if (query.properties !== '*') {
    const names: string[] = [];
    for (const property of query.properties) {
      const name = bindProperty(classDef, property).name;
      if (!names.includes(name)) names.push(name);
    }
    properties = names;
  }
  const steps: SteppedPredicate = query.where ? compileExpression(classDef, query.where) : everything;
  return { properties, matches: completed(steps), steps };
}

/** The `Prop = 'value' AND …` expression a SelectorFilter stands for. */
export function equalityExpression(pairs: readonly { readonly name: string; readonly value: string }[]): WqlExpression | undefined {
  let expression: WqlExpression | undefined;
  for (const pair of pairs) {
    const comparison: WqlExpression = {
      kind: 'compare',
      operator: '=',
      property: { kind: 'property', name: pair.name, position: 0 },
      literal: { kind: 'string', value: pair.value, position: 0 },
    };
    expression = expression ? { kind: 'and', left: expression, right: comparison } : comparison;
  }
  return expression;
}

export function compileExpressionFor(classDef: CimClassDef, expression: WqlExpression | undefined): InstancePredicate {
  return expression ? completed(compileExpression(classDef, expression)) : () => true;
}
