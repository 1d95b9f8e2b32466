/**
 * Recursive-descent parser for the MIDL subset of idl/wsmandisp.idl: imports, one library with
 * importlib, typedef enums, forward declarations, interfaces with attributed methods and
 * properties, and coclasses.
 */
import { IdlSyntaxError, type Token, tokenize } from './idl-lexer';
import { type CoclassInfo, type EnumInfo, type InterfaceInfo, type MemberInfo, type MemberKind, type ParamInfo, TypeLibrary } from './type-library';

/** `[name(args), flag]` → name → argument text ('' for a bare flag). */
type Attributes = Map<string, string>;

export function parseIdl(source: string): TypeLibrary {
  return new IdlParser(tokenize(source)).parseFile();
}

class IdlParser {
  #pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseFile(): TypeLibrary {
    let library: TypeLibrary | undefined;
    while (!this.#atEnd()) {
      if (this.#acceptIdent('import')) {
        this.#expectKind('string');
        this.#expect(';');
        continue;
      }
      const attributes = this.#attributes();
      this.#expectIdent('library');
      if (library) this.#fail('a second library');
      library = this.#library(attributes);
    }
    if (!library) throw new IdlSyntaxError('no library block', this.tokens.at(-1)?.line ?? 1);
    return library;
  }

  #library(attributes: Attributes): TypeLibrary {
    const name = this.#expectKind('ident');
    const enums: EnumInfo[] = [];
    const interfaces: InterfaceInfo[] = [];
    const coclasses: CoclassInfo[] = [];
    this.#expect('{');
    while (!this.#accept('}')) {
      if (this.#acceptIdent('importlib')) {
        this.#expect('(');
        this.#expectKind('string');
        this.#expect(')');
        this.#expect(';');
      } else if (this.#acceptIdent('typedef')) {
        enums.push(this.#enum());
      } else {
        const itemAttributes = this.#attributes();
        if (this.#acceptIdent('interface')) {
          const iface = this.#interface(itemAttributes);
          if (iface) interfaces.push(iface);
        } else if (this.#acceptIdent('coclass')) {
          coclasses.push(this.#coclass(itemAttributes));
        } else {
          this.#fail(`unexpected '${this.#peek().text}'`);
        }
      }
    }
    this.#accept(';');
    return new TypeLibrary(
      name,
      required(attributes, 'uuid', this.#line()).toUpperCase(),
      required(attributes, 'version', this.#line()),
      Number(attributes.get('lcid') ?? '0'),
      attributes.get('helpstring') ?? '',
      enums,
      interfaces,
      coclasses,
    );
  }

  #enum(): EnumInfo {
    this.#expectIdent('enum');
    const tag = this.#expectKind('ident');
    const members: { name: string; value: number }[] = [];
    this.#expect('{');
    let next = 0;
    while (!this.#accept('}')) {
      const name = this.#expectKind('ident');
      if (this.#accept('=')) next = Number(this.#expectKind('number'));
      members.push({ name, value: next });
      next++;
      if (!this.#accept(',')) {
        this.#expect('}');
        break;
      }
    }
    const name = this.#expectKind('ident');
    this.#expect(';');
    return { name, tag, members };
  }

  /** An interface definition, or undefined for a forward declaration. */
  #interface(attributes: Attributes): InterfaceInfo | undefined {
    const name = this.#expectKind('ident');
    if (this.#accept(';')) return undefined;
    this.#expect(':');
    const base = this.#expectKind('ident');
    const members: MemberInfo[] = [];
    this.#expect('{');
    while (!this.#accept('}')) members.push(this.#member());
    this.#expect(';');
    return {
      name,
      iid: required(attributes, 'uuid', this.#line()).toUpperCase(),
      base,
      attributes: [...attributes.keys()],
      dual: attributes.has('dual'),
      hidden: attributes.has('hidden'),
      helpstring: attributes.get('helpstring') ?? '',
      members,
    };
  }

  #member(): MemberInfo {
    const attributes = this.#attributes();
    this.#expectIdent('HRESULT');
    const name = this.#expectKind('ident');
    const params: ParamInfo[] = [];
    this.#expect('(');
    if (!this.#accept(')')) {
      do params.push(this.#param());
      while (this.#accept(','));
      this.#expect(')');
    }
    this.#expect(';');
    const kind: MemberKind = attributes.has('propget') ? 'propget' : attributes.has('propput') ? 'propput' : 'method';
    return { name, dispid: Number(required(attributes, 'id', this.#line())), kind, helpstring: attributes.get('helpstring') ?? '', params };
  }

  #param(): ParamInfo {
    const attributes = this.#attributes();
    const words: string[] = [];
    while (this.#peek().kind === 'ident' || this.#peek().text === '*') words.push(this.#next().text);
    const name = words.pop();
    if (!name || words.length === 0) this.#fail('parameter needs a type and a name');
    const direction = attributes.has('retval') ? 'retval' : attributes.has('out') ? 'out' : 'in';
    const type = words.join(' ').replace(/ \*/g, '*');
    const param: ParamInfo = { name: name!, type, direction, optional: attributes.has('optional') };
    if (!attributes.has('defaultvalue')) return param;
    const raw = attributes.get('defaultvalue')!;
    return { ...param, defaultValue: /^(BSTR|VARIANT)$/.test(type) ? raw : Number(raw) };
  }

  #coclass(attributes: Attributes): CoclassInfo {
    const name = this.#expectKind('ident');
    const interfaces: string[] = [];
    let defaultInterface: string | undefined;
    this.#expect('{');
    while (!this.#accept('}')) {
      const itemAttributes = this.#attributes();
      this.#expectIdent('interface');
      const iface = this.#expectKind('ident');
      this.#expect(';');
      interfaces.push(iface);
      if (itemAttributes.has('default')) defaultInterface = iface;
    }
    this.#expect(';');
    return {
      name,
      clsid: required(attributes, 'uuid', this.#line()).toUpperCase(),
      progid: required(attributes, 'progid', this.#line()),
      versionIndependentProgid: required(attributes, 'vi_progid', this.#line()),
      threading: attributes.get('threading') ?? 'apartment',
      helpstring: attributes.get('helpstring') ?? '',
      interfaces,
      defaultInterface: defaultInterface ?? interfaces[0],
    };
  }

  #attributes(): Attributes {
    const attributes: Attributes = new Map();
    if (!this.#accept('[')) return attributes;
    do {
      const name = this.#expectKind('ident');
      let argument = '';
      if (this.#accept('(')) {
        const parts: string[] = [];
        while (!this.#accept(')')) parts.push(this.#next().text);
        argument = parts.join('');
      }
      attributes.set(name, argument);
    } while (this.#accept(','));
    this.#expect(']');
    return attributes;
  }

  #peek(): Token {
    const token = this.tokens[this.#pos];
    if (!token) throw new IdlSyntaxError('unexpected end of file', this.tokens.at(-1)?.line ?? 1);
    return token;
  }

  #next(): Token {
    const token = this.#peek();
    this.#pos++;
    return token;
  }

  #atEnd(): boolean {
    return this.#pos >= this.tokens.length;
  }

  #line(): number {
    return this.tokens[Math.min(this.#pos, this.tokens.length - 1)]?.line ?? 1;
  }

  #accept(punct: string): boolean {
    if (this.#atEnd() || this.#peek().kind !== 'punct' || this.#peek().text !== punct) return false;
    this.#pos++;
    return true;
  }

  #acceptIdent(word: string): boolean {
    if (this.#atEnd() || this.#peek().kind !== 'ident' || this.#peek().text !== word) return false;
    this.#pos++;
    return true;
  }

  #expect(punct: string): void {
    if (!this.#accept(punct)) this.#fail(`expected '${punct}', found '${this.#peek().text}'`);
  }

  #expectIdent(word: string): void {
    if (!this.#acceptIdent(word)) this.#fail(`expected '${word}', found '${this.#peek().text}'`);
  }

  #expectKind(kind: Token['kind']): string {
    const token = this.#next();
    if (token.kind !== kind) throw new IdlSyntaxError(`expected ${kind}, found '${token.text}'`, token.line);
    return token.text;
  }

  #fail(message: string): never {
    throw new IdlSyntaxError(message, this.#line());
  }
}

function required(attributes: Attributes, name: string, line: number): string {
  const value = attributes.get(name);
  if (value === undefined) throw new IdlSyntaxError(`missing [${name}(…)]`, line);
  return value;
}
