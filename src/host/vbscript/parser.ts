/**
 * A recursive-descent parser for VBScript 5.8. Compile errors carry vbscript.dll's numbers and
 * the position of the offending token, as cscript prints them.
 */
import type { CaseTest, ClassDef, DimItem, Expr, Param, ProcDef, ProcKind, Program, Stmt } from './ast';
import { VbsCompileError, type SourcePosition } from './errors';
import { tokenize, type Token } from './lexer';
import { Origin } from './values';

const COMPARISONS = new Set(['=', '<>', '<', '>', '<=', '>=']);
/** Words that end an argument list or expression. */
const STATEMENT_WORDS = new Set(['then', 'to', 'step', 'else', 'elseif', 'in', 'and', 'or', 'xor', 'eqv', 'imp', 'mod', 'is']);
const BLOCK_ENDS = new Set(['end', 'else', 'elseif', 'next', 'loop', 'wend', 'case']);

export function parse(source: string): Program {
  return new Parser(tokenize(source)).program();
}

/** `Eval`'s text: one expression, in which `=` compares. */
export function parseExpression(source: string): Expr {
  const parser = new Parser(tokenize(source));
  return parser.wholeExpression();
}

class Parser {
  #at = 0;
  #optionExplicit = false;
  readonly #procs: ProcDef[] = [];
  readonly #classes: ClassDef[] = [];
  readonly #globals: DimItem[] = [];
  /** Inside Sub/Function/Property, to check `Exit Sub` against the procedure kind. */
  #procKind: ProcKind | undefined;
  #loops: ('do' | 'for')[] = [];

  constructor(private readonly tokens: Token[]) {}

  // -- tokens --------------------------------------------------------------------------------

  get #token(): Token {
    return this.tokens[this.#at];
  }

  #peek(offset = 1): Token {
    return this.tokens[Math.min(this.#at + offset, this.tokens.length - 1)];
  }

  #next(): Token {
    const token = this.tokens[this.#at];
    if (token.kind !== 'eof') this.#at++;
    return token;
  }

  #pos(token = this.#token): SourcePosition {
    return { line: token.line, column: token.column };
  }

  #fail(number: number, token = this.#token): never {
    throw new VbsCompileError(number, this.#pos(token));
  }

  #isWord(key: string, token = this.#token): boolean {
    return token.kind === 'name' && token.key === key;
  }

  #isOp(text: string, token = this.#token): boolean {
    return token.kind === 'op' && token.text === text;
  }

  #acceptWord(key: string): boolean {
    if (!this.#isWord(key)) return false;
    this.#next();
    return true;
  }

  #acceptOp(text: string): boolean {
    if (!this.#isOp(text)) return false;
    this.#next();
    return true;
  }

  #expectWord(key: string, error: number): Token {
    if (!this.#isWord(key)) this.#fail(error);
    return this.#next();
  }

  #expectOp(text: string, error: number): Token {
    if (!this.#isOp(text)) this.#fail(error);
    return this.#next();
  }

  #name(): Token {
    if (this.#token.kind !== 'name') this.#fail(1010);
    return this.#next();
  }

  #atStatementEnd(): boolean {
    const { kind } = this.#token;
    return kind === 'eol' || kind === 'eof' || this.#isWord('else');
  }

  #endStatement(): void {
    if (this.#token.kind === 'eof') return;
    if (this.#token.kind !== 'eol') this.#fail(1025);
    this.#next();
  }

  #skipSeparators(): void {
    while (this.#token.kind === 'eol') this.#next();
  }

  // -- program -------------------------------------------------------------------------------

  program(): Program {
    this.#skipSeparators();
    if (this.#isWord('option')) {
      this.#next();
      this.#expectWord('explicit', 1002);
      this.#optionExplicit = true;
      this.#endStatement();
    }
    const statements = this.#block(true);
    if (this.#token.kind !== 'eof') this.#fail(this.#isWord('next') ? 1055 : this.#isWord('loop') ? 1038 : 1024);
    return { optionExplicit: this.#optionExplicit, statements, procs: this.#procs, classes: this.#classes, globals: this.#globals };
  }

  wholeExpression(): Expr {
    this.#skipSeparators();
    const expression = this.#expression();
    this.#skipSeparators();
    if (this.#token.kind !== 'eof') this.#fail(1025);
    return expression;
  }

  /** Statements up to a block end (End, Next, Loop …) or the end of the text. */
  #block(topLevel = false): Stmt[] {
    const statements: Stmt[] = [];
    for (;;) {
      this.#skipSeparators();
      const token = this.#token;
      if (token.kind === 'eof') return statements;
      if (token.kind === 'name' && BLOCK_ENDS.has(token.key)) {
        if (token.key === 'end' && this.#isWord('end') && topLevel && !this.#blockEndWord(this.#peek())) this.#fail(1024);
        return statements;
      }
      const statement = this.#statement(topLevel);
      if (statement) statements.push(statement);
      if (!this.#isWord('else') && !this.#isWord('elseif')) this.#endStatement();
    }
  }

  #blockEndWord(token: Token): boolean {
    return token.kind === 'name' && ['if', 'sub', 'function', 'property', 'select', 'with', 'class'].includes(token.key);
  }

  #statement(topLevel: boolean): Stmt | undefined {
    const token = this.#token;
    const pos = this.#pos();
    if (token.kind !== 'name') {
      if (this.#isOp('.')) return this.#simpleStatement(pos);
      return this.#fail(1024);
    }
    switch (token.key) {
      case 'dim':
        this.#next();
        return { k: 'dim', items: this.#dimList(topLevel), pos };
      case 'private':
      case 'public': {
        this.#next();
        if (this.#isWord('sub') || this.#isWord('function') || this.#isWord('property') || this.#isWord('default')) {
          this.#procedure(token.key === 'public');
          return undefined;
        }
        if (this.#isWord('const')) return this.#const(pos);
        return { k: 'dim', items: this.#dimList(topLevel), pos };
      }
      case 'const':
        return this.#const(pos);
      case 'redim':
        return this.#redim(pos);
      case 'erase':
        this.#next();
        return { k: 'erase', target: this.#postfix(false), pos };
      case 'set': {
        this.#next();
        const target = this.#postfix(false);
        this.#expectOp('=', 1011);
        return { k: 'assign', target, value: this.#expression(), set: true, pos };
      }
      case 'let': {
        this.#next();
        const target = this.#postfix(false);
        this.#expectOp('=', 1011);
        return { k: 'assign', target, value: this.#expression(), set: false, pos };
      }
      case 'call': {
        this.#next();
        const target = this.#postfix(false);
        if (target.k === 'call') return { k: 'call', target: target.target, args: target.args, pos };
        return { k: 'call', target, args: [], pos };
      }
      case 'if':
        return this.#if(pos);
      case 'select':
        return this.#select(pos);
      case 'for':
        return this.#for(pos);
      case 'do':
        return this.#do(pos);
      case 'while':
        return this.#while(pos);
      case 'with':
        return this.#with(pos);
      case 'exit':
        return this.#exit(pos);
      case 'on':
        return this.#onError(pos);
      case 'sub':
      case 'function':
      case 'property':
        if (!topLevel) this.#fail(1024);
        this.#procedure(true);
        return undefined;
      case 'class':
        if (!topLevel) this.#fail(1024);
        this.#class();
        return undefined;
      case 'option':
        return this.#fail(1042);
      case 'rem':
        return undefined;
      default:
        return this.#simpleStatement(pos);
    }
  }

  /** An assignment or a Sub call: `x = 1`, `obj.P(1) = 2`, `Foo a, b`, `Foo (a)`, `obj.M`. */
  #simpleStatement(pos: SourcePosition): Stmt {
    const target = this.#postfix(true);
    if (this.#acceptOp('=')) {
      if (isMidStatement(target)) {
        const [variable, start, length] = target.args;
        return { k: 'mid', target: variable, start, length, value: this.#expression(), pos };
      }
      return { k: 'assign', target, value: this.#expression(), set: false, pos };
    }
    if (this.#atStatementEnd()) {
      if (target.k === 'call') {
        if (target.args.length > 1) this.#fail(1044);
        // `Foo(x)` as a statement: the parentheses belong to the argument, which goes by value.
        const args = target.args.map((arg): Expr => (arg.k === 'missing' ? arg : { k: 'paren', inner: arg }));
        return { k: 'call', target: target.target, args, pos };
      }
      return { k: 'call', target, args: [], pos };
    }
    return { k: 'call', target, args: this.#argumentsWithoutParentheses(), pos };
  }

  #argumentsWithoutParentheses(): Expr[] {
    const args: Expr[] = [];
    for (;;) {
      if (this.#isOp(',')) args.push({ k: 'missing' });
      else args.push(this.#expression());
      if (!this.#acceptOp(',')) break;
      if (this.#atStatementEnd()) {
        args.push({ k: 'missing' });
        break;
      }
    }
    return args;
  }

  #dimList(topLevel: boolean): DimItem[] {
    const items: DimItem[] = [];
    do {
      const name = this.#name();
      let bounds: Expr[] | undefined;
      if (this.#acceptOp('(')) {
        bounds = [];
        if (!this.#isOp(')')) {
          do bounds.push(this.#expression());
          while (this.#acceptOp(','));
        }
        this.#expectOp(')', 1006);
      }
      const item = { key: name.key, text: name.text, bounds, pos: this.#pos(name) };
      items.push(item);
      if (topLevel) this.#globals.push(item);
    } while (this.#acceptOp(','));
    return items;
  }

  #const(pos: SourcePosition): Stmt {
    this.#expectWord('const', 1002);
    const items: { key: string; text: string; value: Expr }[] = [];
    do {
      const name = this.#name();
      this.#expectOp('=', 1011);
      items.push({ key: name.key, text: name.text, value: this.#expression() });
    } while (this.#acceptOp(','));
    return { k: 'const', items, pos };
  }

  #redim(pos: SourcePosition): Stmt {
    this.#next();
    const preserve = this.#acceptWord('preserve');
    const items: { target: Expr; bounds: Expr[] }[] = [];
    do {
      const name = this.#name();
      this.#expectOp('(', 1005);
      const bounds: Expr[] = [];
      do bounds.push(this.#expression());
      while (this.#acceptOp(','));
      this.#expectOp(')', 1006);
      items.push({ target: { k: 'name', key: name.key, text: name.text, pos: this.#pos(name) }, bounds });
    } while (this.#acceptOp(','));
    return { k: 'redim', preserve, items, pos };
  }

  #if(pos: SourcePosition): Stmt {
    this.#next();
    const cond = this.#expression();
    this.#expectWord('then', 1017);
    if (this.#token.kind === 'eol' && this.#token.text === '\n') return this.#blockIf(pos, cond);
    if (this.#token.kind === 'eol') this.#next();
    // One-line If: statements separated by ':' up to the line end, an optional Else part.
    const body = this.#lineStatements();
    let otherwise: Stmt[] | undefined;
    if (this.#acceptWord('else')) otherwise = this.#lineStatements();
    if (this.#isWord('end') && this.#isWord('if', this.#peek())) {
      this.#next();
      this.#next();
    }
    return { k: 'if', branches: [{ cond, body }], otherwise, pos };
  }

  #lineStatements(): Stmt[] {
    const statements: Stmt[] = [];
    for (;;) {
      if (this.#token.kind === 'eol' && this.#token.text === ':') {
        this.#next();
        continue;
      }
      if (this.#atStatementEnd() || (this.#isWord('end') && this.#isWord('if', this.#peek()))) return statements;
      const statement = this.#statement(false);
      if (statement) statements.push(statement);
    }
  }

  #blockIf(pos: SourcePosition, firstCond: Expr): Stmt {
    const branches: { cond: Expr; body: Stmt[] }[] = [{ cond: firstCond, body: this.#block() }];
    let otherwise: Stmt[] | undefined;
    for (;;) {
      if (this.#acceptWord('elseif')) {
        const cond = this.#expression();
        this.#expectWord('then', 1017);
        branches.push({ cond, body: this.#block() });
        continue;
      }
      if (this.#acceptWord('else')) {
        otherwise = this.#block();
        continue;
      }
      break;
    }
    this.#expectWord('end', 1014);
    this.#expectWord('if', 1012);
    return { k: 'if', branches, otherwise, pos };
  }

  #select(pos: SourcePosition): Stmt {
    this.#next();
    this.#expectWord('case', 1021);
    const subject = this.#expression();
    this.#endStatement();
    const cases: { tests: CaseTest[]; body: Stmt[] }[] = [];
    let otherwise: Stmt[] | undefined;
    this.#skipSeparators();
    while (this.#acceptWord('case')) {
      if (this.#acceptWord('else')) {
        otherwise = this.#block();
        continue;
      }
      const tests: CaseTest[] = [];
      do {
        if (this.#acceptWord('is')) {
          const op = this.#token;
          if (op.kind !== 'op' || !COMPARISONS.has(op.text)) this.#fail(1023);
          this.#next();
          tests.push({ k: 'is', op: op.text, value: this.#expression() });
        } else {
          const value = this.#expression();
          if (this.#acceptWord('to')) tests.push({ k: 'range', from: value, to: this.#expression() });
          else tests.push({ k: 'value', value });
        }
      } while (this.#acceptOp(','));
      cases.push({ tests, body: this.#block() });
    }
    this.#expectWord('end', 1014);
    this.#expectWord('select', 1022);
    return { k: 'select', subject, cases, otherwise, pos };
  }

  #loopBody(kind: 'do' | 'for'): Stmt[] {
    this.#loops.push(kind);
    try {
      return this.#block();
    } finally {
      this.#loops.pop();
    }
  }

  #for(pos: SourcePosition): Stmt {
    this.#next();
    if (this.#acceptWord('each')) {
      const name = this.#name();
      this.#expectWord('in', 1046);
      const group = this.#expression();
      const body = this.#loopBody('for');
      this.#expectWord('next', 1020);
      if (this.#token.kind === 'name' && !this.#atStatementEnd()) this.#next();
      return { k: 'foreach', element: { k: 'name', key: name.key, text: name.text, pos: this.#pos(name) }, group, body, pos };
    }
    const name = this.#name();
    this.#expectOp('=', 1011);
    const from = this.#expression();
    this.#expectWord('to', 1013);
    const to = this.#expression();
    const step = this.#acceptWord('step') ? this.#expression() : undefined;
    const body = this.#loopBody('for');
    this.#expectWord('next', 1020);
    if (this.#token.kind === 'name' && !this.#atStatementEnd()) this.#next();
    return { k: 'for', counter: { k: 'name', key: name.key, text: name.text, pos: this.#pos(name) }, from, to, step, body, pos };
  }

  #do(pos: SourcePosition): Stmt {
    this.#next();
    let test: 'pre' | 'post' | 'none' = 'none';
    let until = false;
    let cond: Expr | undefined;
    if (this.#isWord('while') || this.#isWord('until')) {
      until = this.#next().key === 'until';
      test = 'pre';
      cond = this.#expression();
    } else if (!this.#atStatementEnd()) {
      this.#fail(1028);
    }
    const body = this.#loopBody('do');
    this.#expectWord('loop', 1019);
    if (this.#isWord('while') || this.#isWord('until')) {
      if (test === 'pre') this.#fail(1025);
      until = this.#next().key === 'until';
      test = 'post';
      cond = this.#expression();
    }
    return { k: 'do', test, until, cond, body, pos };
  }

  #while(pos: SourcePosition): Stmt {
    this.#next();
    const cond = this.#expression();
    const body = this.#loopBody('do');
    this.#expectWord('wend', 1018);
    // `Exit Do` is not allowed in While … Wend, but the body shares the Do bookkeeping.
    return { k: 'do', test: 'pre', until: false, cond, body, pos };
  }

  #with(pos: SourcePosition): Stmt {
    this.#next();
    const object = this.#expression();
    const body = this.#block();
    this.#expectWord('end', 1014);
    this.#expectWord('with', 1029);
    return { k: 'with', object, body, pos };
  }

  #exit(pos: SourcePosition): Stmt {
    this.#next();
    const word = this.#token;
    const what = word.kind === 'name' ? word.key : '';
    const allowed =
      (what === 'do' && this.#loops.includes('do')) ||
      (what === 'for' && this.#loops.includes('for')) ||
      (what === 'sub' && this.#procKind === 'sub') ||
      (what === 'function' && this.#procKind === 'function') ||
      (what === 'property' && (this.#procKind === 'get' || this.#procKind === 'let' || this.#procKind === 'set'));
    if (!allowed) this.#fail(1039);
    this.#next();
    return { k: 'exit', what: what as 'do' | 'for' | 'sub' | 'function' | 'property', pos };
  }

  #onError(pos: SourcePosition): Stmt {
    this.#next();
    this.#expectWord('error', 1002);
    if (this.#acceptWord('resume')) {
      this.#expectWord('next', 1002);
      return { k: 'onerror', resumeNext: true, pos };
    }
    this.#expectWord('goto', 1002);
    const target = this.#next();
    if (target.kind !== 'number' || target.text !== '0') this.#fail(1002, target);
    return { k: 'onerror', resumeNext: false, pos };
  }

  // -- procedures and classes ----------------------------------------------------------------

  #procedure(isPublic: boolean, into = this.#procs, inClass = false): ProcDef {
    const isDefault = this.#acceptWord('default');
    if (isDefault && !inClass) this.#fail(1048);
    const start = this.#token;
    let kind: ProcKind;
    if (this.#acceptWord('sub')) kind = 'sub';
    else if (this.#acceptWord('function')) kind = 'function';
    else if (this.#acceptWord('property')) {
      if (!inClass) this.#fail(1048, start);
      const which = this.#token;
      if (this.#acceptWord('get')) kind = 'get';
      else if (this.#acceptWord('let')) kind = 'let';
      else if (this.#acceptWord('set')) kind = 'set';
      else return this.#fail(1049, which);
    } else return this.#fail(isDefault ? 1056 : 1024);
    if (isDefault && !isPublic) this.#fail(1057, start);
    if (isDefault && (kind === 'let' || kind === 'set')) this.#fail(1058, start);
    const name = this.#name();
    const params: Param[] = [];
    if (this.#acceptOp('(')) {
      if (!this.#isOp(')')) {
        do {
          let byVal = false;
          if (this.#acceptWord('byval')) byVal = true;
          else this.#acceptWord('byref');
          const param = this.#name();
          let array = false;
          if (this.#acceptOp('(')) {
            this.#expectOp(')', 1006);
            array = true;
          }
          params.push({ key: param.key, byVal, array });
        } while (this.#acceptOp(','));
      }
      this.#expectOp(')', 1006);
    }
    if ((kind === 'let' || kind === 'set') && params.length === 0) this.#fail(1054);
    if ((name.key === 'class_initialize' || name.key === 'class_terminate') && inClass && params.length > 0) this.#fail(1053);
    this.#endStatement();
    const outerKind = this.#procKind;
    const outerLoops = this.#loops;
    this.#procKind = kind;
    this.#loops = [];
    let body: Stmt[];
    try {
      body = this.#block();
    } finally {
      this.#procKind = outerKind;
      this.#loops = outerLoops;
    }
    const endWord = kind === 'sub' ? 'sub' : kind === 'function' ? 'function' : 'property';
    this.#expectWord('end', 1014);
    this.#expectWord(endWord, kind === 'sub' ? 1016 : kind === 'function' ? 1015 : 1050);
    const proc: ProcDef = { kind, key: name.key, text: name.text, params, body, isPublic, isDefault, pos: this.#pos(start) };
    into.push(proc);
    return proc;
  }

  #class(): void {
    const start = this.#next();
    const name = this.#name();
    this.#endStatement();
    const fields: (DimItem & { isPublic: boolean })[] = [];
    const procs: ProcDef[] = [];
    let hasDefault = false;
    for (;;) {
      this.#skipSeparators();
      if (this.#isWord('end')) break;
      if (this.#token.kind === 'eof') this.#fail(1014);
      let isPublic = true;
      let scoped = false;
      if (this.#isWord('public') || this.#isWord('private')) {
        isPublic = this.#next().key === 'public';
        scoped = true;
      }
      if (this.#isWord('sub') || this.#isWord('function') || this.#isWord('property') || this.#isWord('default')) {
        const proc = this.#procedure(isPublic, procs, true);
        if (proc.isDefault) {
          if (hasDefault) this.#fail(1052);
          hasDefault = true;
        }
      } else if (this.#isWord('dim') || scoped) {
        this.#acceptWord('dim');
        for (const item of this.#dimList(false)) fields.push({ ...item, isPublic });
      } else if (this.#isWord('const')) {
        this.#fail(1024);
      } else {
        this.#fail(1024);
      }
      this.#endStatement();
    }
    this.#expectWord('end', 1014);
    this.#expectWord('class', 1047);
    this.#classes.push({ key: name.key, text: name.text, fields, procs, pos: this.#pos(start) });
  }

  // -- expressions ---------------------------------------------------------------------------

  #expression(): Expr {
    return this.#imp();
  }

  #binaryLevel(words: readonly string[], next: () => Expr): Expr {
    let left = next();
    while (this.#token.kind === 'name' && words.includes(this.#token.key)) {
      const op = this.#next().key;
      left = { k: 'binary', op, left, right: next() };
    }
    return left;
  }

  #imp(): Expr {
    return this.#binaryLevel(['imp'], () => this.#eqv());
  }

  #eqv(): Expr {
    return this.#binaryLevel(['eqv'], () => this.#xor());
  }

  #xor(): Expr {
    return this.#binaryLevel(['xor'], () => this.#or());
  }

  #or(): Expr {
    return this.#binaryLevel(['or'], () => this.#and());
  }

  #and(): Expr {
    return this.#binaryLevel(['and'], () => this.#not());
  }

  #not(): Expr {
    if (this.#acceptWord('not')) return { k: 'unary', op: 'not', operand: this.#not() };
    return this.#comparison();
  }

  #comparison(): Expr {
    let left = this.#concatenation();
    for (;;) {
      const token = this.#token;
      if (token.kind === 'op' && COMPARISONS.has(token.text)) {
        this.#next();
        left = { k: 'binary', op: token.text, left, right: this.#concatenation() };
      } else if (this.#isWord('is')) {
        this.#next();
        left = { k: 'binary', op: 'is', left, right: this.#concatenation() };
      } else {
        return left;
      }
    }
  }

  #concatenation(): Expr {
    let left = this.#additive();
    while (this.#isOp('&')) {
      this.#next();
      left = { k: 'binary', op: '&', left, right: this.#additive() };
    }
    return left;
  }

  #additive(): Expr {
    let left = this.#modulo();
    while (this.#isOp('+') || this.#isOp('-')) {
      const op = this.#next().text;
      left = { k: 'binary', op, left, right: this.#modulo() };
    }
    return left;
  }

  #modulo(): Expr {
    let left = this.#integerDivision();
    while (this.#isWord('mod')) {
      this.#next();
      left = { k: 'binary', op: 'mod', left, right: this.#integerDivision() };
    }
    return left;
  }

  #integerDivision(): Expr {
    let left = this.#multiplicative();
    while (this.#isOp('\\')) {
      this.#next();
      left = { k: 'binary', op: '\\', left, right: this.#multiplicative() };
    }
    return left;
  }

  #multiplicative(): Expr {
    let left = this.#unary();
    while (this.#isOp('*') || this.#isOp('/')) {
      const op = this.#next().text;
      left = { k: 'binary', op, left, right: this.#unary() };
    }
    return left;
  }

  #unary(): Expr {
    if (this.#isOp('-') || this.#isOp('+')) {
      const op = this.#next().text as '-' | '+';
      const operand = this.#unary();
      if (op === '-' && operand.k === 'literal' && operand.origin === Origin.NumberLiteral && typeof operand.value === 'number') {
        return { k: 'literal', value: operand.value === 32768 ? -32768 : operand.value === 2147483648 ? -2147483648 : -operand.value, origin: Origin.NumberLiteral };
      }
      return { k: 'unary', op, operand };
    }
    if (this.#isWord('not')) return this.#not();
    return this.#power();
  }

  #power(): Expr {
    let left = this.#postfix(false);
    while (this.#isOp('^')) {
      this.#next();
      const right = this.#isOp('-') || this.#isOp('+') ? this.#unaryForPower() : this.#postfix(false);
      left = { k: 'binary', op: '^', left, right };
    }
    return left;
  }

  #unaryForPower(): Expr {
    const op = this.#next().text as '-' | '+';
    return { k: 'unary', op, operand: this.#isOp('-') || this.#isOp('+') ? this.#unaryForPower() : this.#postfix(false) };
  }

  #primary(): Expr {
    const token = this.#token;
    const pos = this.#pos();
    switch (token.kind) {
      case 'number':
        this.#next();
        return { k: 'literal', value: token.value, origin: Origin.NumberLiteral };
      case 'string':
        this.#next();
        return { k: 'literal', value: token.value, origin: Origin.StringLiteral };
      case 'date':
        this.#next();
        return { k: 'literal', value: token.value, origin: Origin.Expression };
      case 'op':
        if (token.text === '(') {
          this.#next();
          const inner = this.#expression();
          this.#expectOp(')', 1006);
          return { k: 'paren', inner };
        }
        if (token.text === '.') {
          this.#next();
          const name = this.#name();
          return { k: 'member', object: undefined, key: name.key, text: name.text, pos };
        }
        return this.#fail(1023);
      case 'name':
        switch (token.key) {
          case 'true':
          case 'false':
            this.#next();
            return { k: 'literal', value: token.key === 'true', origin: Origin.NumberLiteral };
          case 'empty':
            this.#next();
            return { k: 'literal', value: undefined, origin: Origin.Expression };
          case 'null':
            this.#next();
            return { k: 'literal', value: null, origin: Origin.Expression };
          case 'nothing':
            this.#next();
            return { k: 'nothing' };
          case 'me':
            this.#next();
            return { k: 'me', pos };
          case 'new': {
            this.#next();
            const name = this.#name();
            return { k: 'new', key: name.key, text: name.text, pos };
          }
          default:
            if (STATEMENT_WORDS.has(token.key) || BLOCK_ENDS.has(token.key)) this.#fail(1023);
            this.#next();
            return { k: 'name', key: token.key, text: token.text, pos };
        }
      default:
        return this.#fail(1023);
    }
  }

  /**
   * A name with its member accesses and argument lists. In statement position a spaced `(`
   * after the callee starts the arguments (`Foo (a), b`, `WScript.Echo ("x") & y`), not a list.
   */
  #postfix(statement: boolean): Expr {
    let expr = this.#primary();
    for (;;) {
      const token = this.#token;
      if (this.#isOp('.') && !token.spaced) {
        this.#next();
        const name = this.#name();
        expr = { k: 'member', object: expr, key: name.key, text: name.text, pos: this.#pos(name) };
        continue;
      }
      if (this.#isOp('(')) {
        if (statement && token.spaced && expr.k !== 'call' && this.#spacedParenStartsArguments()) return expr;
        const pos = this.#pos();
        this.#next();
        const args: Expr[] = [];
        if (!this.#isOp(')')) {
          for (;;) {
            if (this.#isOp(',')) args.push({ k: 'missing' });
            else if (this.#isOp(')')) {
              args.push({ k: 'missing' });
              break;
            } else args.push(this.#expression());
            if (!this.#acceptOp(',')) break;
          }
        }
        this.#expectOp(')', 1006);
        expr = { k: 'call', target: expr, args, pos };
        continue;
      }
      return expr;
    }
  }

  /** After `Foo (…)`: anything but the line end or `=` means the parenthesis opened the first argument. */
  #spacedParenStartsArguments(): boolean {
    let depth = 0;
    for (let i = this.#at; i < this.tokens.length; i++) {
      const token = this.tokens[i];
      if (token.kind === 'eol' || token.kind === 'eof') return false;
      if (token.kind === 'op' && token.text === '(') depth++;
      if (token.kind === 'op' && token.text === ')') {
        depth--;
        if (depth === 0) {
          const after = this.tokens[i + 1];
          if (after.kind === 'eol' || after.kind === 'eof' || (after.kind === 'op' && (after.text === '=' || after.text === '.' || after.text === '('))) return false;
          return !(after.kind === 'name' && after.key === 'else');
        }
      }
    }
    return false;
  }
}

/** `Mid(variable, start[, length])` on the left of `=`: the Mid statement, not an assignment to a call. */
function isMidStatement(target: Expr): target is Extract<Expr, { k: 'call' }> {
  return (
    target.k === 'call' &&
    target.target.k === 'name' &&
    target.target.key === 'mid' &&
    target.args.length >= 2 &&
    target.args.length <= 3 &&
    target.args.every((arg) => arg.k !== 'missing')
  );
}
