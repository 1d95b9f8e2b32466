/** The syntax tree the parser builds and the compiler turns into closures. Names are kept lower-cased in `key`. */
import type { SourcePosition } from './errors';
import type { Origin, Value } from './values';

export type Expr =
  | { readonly k: 'literal'; readonly value: Value; readonly origin: Origin }
  | { readonly k: 'name'; readonly key: string; readonly text: string; readonly pos: SourcePosition }
  | { readonly k: 'member'; readonly object: Expr | undefined; readonly key: string; readonly text: string; readonly pos: SourcePosition }
  | { readonly k: 'call'; readonly target: Expr; readonly args: readonly Expr[]; readonly pos: SourcePosition }
  | { readonly k: 'paren'; readonly inner: Expr }
  | { readonly k: 'unary'; readonly op: 'not' | '-' | '+'; readonly operand: Expr }
  | { readonly k: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'new'; readonly key: string; readonly text: string; readonly pos: SourcePosition }
  | { readonly k: 'me'; readonly pos: SourcePosition }
  | { readonly k: 'nothing' }
  | { readonly k: 'missing' };

export interface DimItem {
  readonly key: string;
  readonly text: string;
  readonly bounds: readonly Expr[] | undefined;
  readonly pos: SourcePosition;
}

export type CaseTest = { readonly k: 'value'; readonly value: Expr } | { readonly k: 'range'; readonly from: Expr; readonly to: Expr } | { readonly k: 'is'; readonly op: string; readonly value: Expr };

export type Stmt = { readonly pos: SourcePosition } & (
  | { readonly k: 'assign'; readonly target: Expr; readonly value: Expr; readonly set: boolean }
  | { readonly k: 'call'; readonly target: Expr; readonly args: readonly Expr[] }
  /** `Mid(target, start[, length]) = value`: replaces characters of the variable in place. */
  | { readonly k: 'mid'; readonly target: Expr; readonly start: Expr; readonly length: Expr | undefined; readonly value: Expr }
  | { readonly k: 'dim'; readonly items: readonly DimItem[] }
  | { readonly k: 'redim'; readonly preserve: boolean; readonly items: readonly { readonly target: Expr; readonly bounds: readonly Expr[] }[] }
  | { readonly k: 'erase'; readonly target: Expr }
  | { readonly k: 'const'; readonly items: readonly { readonly key: string; readonly text: string; readonly value: Expr }[] }
  | { readonly k: 'if'; readonly branches: readonly { readonly cond: Expr; readonly body: readonly Stmt[] }[]; readonly otherwise: readonly Stmt[] | undefined }
  | { readonly k: 'select'; readonly subject: Expr; readonly cases: readonly { readonly tests: readonly CaseTest[]; readonly body: readonly Stmt[] }[]; readonly otherwise: readonly Stmt[] | undefined }
  | { readonly k: 'for'; readonly counter: Expr; readonly from: Expr; readonly to: Expr; readonly step: Expr | undefined; readonly body: readonly Stmt[] }
  | { readonly k: 'foreach'; readonly element: Expr; readonly group: Expr; readonly body: readonly Stmt[] }
  | { readonly k: 'do'; readonly test: 'pre' | 'post' | 'none'; readonly until: boolean; readonly cond: Expr | undefined; readonly body: readonly Stmt[] }
  | { readonly k: 'with'; readonly object: Expr; readonly body: readonly Stmt[] }
  | { readonly k: 'exit'; readonly what: 'do' | 'for' | 'sub' | 'function' | 'property' }
  | { readonly k: 'onerror'; readonly resumeNext: boolean }
  | { readonly k: 'nop' }
);

export type ProcKind = 'sub' | 'function' | 'get' | 'let' | 'set';

export interface Param {
  readonly key: string;
  readonly byVal: boolean;
  /** `name()`: an array parameter, same as any other in VBScript. */
  readonly array: boolean;
}

export interface ProcDef {
  readonly kind: ProcKind;
  readonly key: string;
  readonly text: string;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly isPublic: boolean;
  readonly isDefault: boolean;
  readonly pos: SourcePosition;
}

export interface ClassDef {
  readonly key: string;
  readonly text: string;
  readonly fields: readonly (DimItem & { readonly isPublic: boolean })[];
  readonly procs: readonly ProcDef[];
  readonly pos: SourcePosition;
}

export interface Program {
  readonly optionExplicit: boolean;
  readonly statements: readonly Stmt[];
  readonly procs: readonly ProcDef[];
  readonly classes: readonly ClassDef[];
  /** Top-level `Private`/`Public`/`Dim` names, declared before any statement runs. */
  readonly globals: readonly DimItem[];
}
