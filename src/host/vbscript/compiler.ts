/**
 * Turns the syntax tree into JavaScript closures. Names are bound at compile time where they
 * can be (procedure locals to frame slots, class fields to instance slots) and on first use
 * otherwise (globals, whose cell is then kept by the call site).
 */
import { DISPID_NEWENUM, isVariantEnumerator, type SyncDispatch } from '../../automation/dispatch/contract';
import type { ClassDef, Expr, ProcDef, Program, Stmt } from './ast';
import { builtinFunctions, midReplace, type Builtin } from './builtins';
import { asVbsError, E, VbsCompileError, VbsError, vbsError } from './errors';
import { QuitSignal } from '../script-lifetime';
import { parse, parseExpression } from './parser';
import {
  arrayOffset,
  Cell,
  ClassInfo,
  copyValue,
  ElementRef,
  EXIT_DO,
  EXIT_FOR,
  EXIT_PROC,
  Frame,
  indexValue,
  instanceGet,
  instancePut,
  Machine,
  memberGet,
  memberPut,
  MISSING,
  NORMAL,
  Procedure,
  ProcedureReference,
  storeIndexed,
  VbsInstance,
  type Completion,
  type Ref,
} from './runtime';
import * as ops from './values';
import { fromCom, isObjectOrNothing, isObjectValue, NOTHING, Origin, scalar, toLong, toNumber, truthy, VbArray, type Value } from './values';

type Eval = (f: Frame) => Value;

/** The objects a script gets from its host. Failures are thrown as the object's errors. */
export interface VbsHost {
  createRegExp(): Value;
  createObject(progId: string): SyncDispatch;
}
type Run = (f: Frame) => Completion;
type ArgsEval = (f: Frame) => Ref[];

interface Scope {
  readonly kind: 'global' | 'proc';
  /** The Function or Property Get whose name is its result variable. */
  readonly self?: string;
  readonly locals: Map<string, number>;
  readonly info: ClassInfo | undefined;
}

const GLOBAL_SCOPE: Scope = { kind: 'global', locals: new Map(), info: undefined };

/** How a name reads, writes and passes ByRef in one scope. */
interface Binding {
  read: Eval;
  write: (f: Frame, value: Value) => void;
  ref: (f: Frame) => Ref;
  /** `name(args)`: an index, a default member or a call. */
  call: (f: Frame, args: Ref[], statement: boolean) => Value;
  /** The variable's cell, when the name is a variable (not a procedure or function). */
  variable: (f: Frame) => Ref | undefined;
}

function displayOf(expr: Expr): string {
  switch (expr.k) {
    case 'name':
      return expr.text;
    case 'member':
      return expr.object ? `${displayOf(expr.object)}.${expr.text}` : `.${expr.text}`;
    case 'call':
      return displayOf(expr.target);
    case 'me':
      return 'Me';
    case 'literal':
      return typeof expr.value === 'string' ? `[string: "${expr.value}"]` : `[number: ${String(expr.value)}]`;
    default:
      return '';
  }
}

const COMPARE: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

export class Compiler {
  readonly builtins: ReadonlyMap<string, Builtin>;

  constructor(readonly machine: Machine) {
    this.builtins = builtinFunctions(this);
  }

  // -- programs ------------------------------------------------------------------------------

  /** Declares a program's procedures, classes, globals and constants, and gives its top-level code. */
  program(program: Program, scope: Scope = GLOBAL_SCOPE): Run {
    const { machine } = this;
    if (program.optionExplicit && scope === GLOBAL_SCOPE) machine.optionExplicit = true;
    for (const item of program.globals) if (!machine.globals.has(item.key)) machine.globals.set(item.key, new Cell(undefined));
    for (const def of program.classes) this.#declareClass(def);
    for (const def of program.procs) machine.procs.set(def.key, this.#procedure(def, undefined));
    return this.block(program.statements, scope);
  }

  compileGlobal(source: string): Run {
    return this.program(parse(source));
  }

  // -- statements ----------------------------------------------------------------------------

  block(statements: readonly Stmt[], scope: Scope): Run {
    const compiled = statements.map((s) => this.#statement(s, scope));
    const positions = statements.map((s) => s.pos);
    const { machine } = this;
    const count = compiled.length;
    return (f) => {
      for (let i = 0; i < count; i++) {
        let completion: Completion;
        try {
          completion = compiled[i](f);
        } catch (thrown) {
          if (thrown instanceof QuitSignal) throw thrown;
          const error = asVbsError(thrown);
          error.position ??= positions[i];
          if (!f.resumeNext) throw error;
          machine.err.set(error);
          continue;
        }
        if (completion !== NORMAL) return completion;
      }
      return NORMAL;
    };
  }

  #statement(s: Stmt, scope: Scope): Run {
    switch (s.k) {
      case 'assign':
        return this.#assignment(s.target, s.value, s.set, scope);
      case 'call':
        return this.#callStatement(s.target, s.args, scope);
      case 'mid': {
        const [current, start, text] = [this.expr(s.target, scope), this.expr(s.start, scope), this.expr(s.value, scope)];
        const length = s.length && this.expr(s.length, scope);
        return this.#assignment(s.target, s.value, false, scope, (f) => midReplace(current(f), start(f), length?.(f), text(f)));
      }
      case 'dim':
        return this.#dim(s.items, scope);
      case 'redim':
        return this.#redim(s.items, s.preserve, scope);
      case 'erase': {
        const binding = this.#lvalue(s.target, scope);
        return (f) => {
          const ref = binding(f);
          if (!(ref.v instanceof VbArray)) throw vbsError(E.TYPE_MISMATCH, displayOf(s.target));
          ref.v = ref.v.fixed ? new VbArray(ref.v.bounds, ref.v.data.map(() => undefined), true) : new VbArray([], [], false);
          return NORMAL;
        };
      }
      case 'const':
        return this.#const(s.items, scope);
      case 'if':
        return this.#if(s, scope);
      case 'select':
        return this.#select(s, scope);
      case 'for':
        return this.#for(s, scope);
      case 'foreach':
        return this.#forEach(s, scope);
      case 'do':
        return this.#do(s, scope);
      case 'with': {
        const object = this.expr(s.object, scope);
        const body = this.block(s.body, scope);
        return (f) => {
          f.withObjects.push(object(f));
          try {
            return body(f);
          } finally {
            f.withObjects.pop();
          }
        };
      }
      case 'exit': {
        const completion = s.what === 'do' ? EXIT_DO : s.what === 'for' ? EXIT_FOR : EXIT_PROC;
        return () => completion;
      }
      case 'onerror': {
        const { err } = this.machine;
        const resumeNext = s.resumeNext;
        return (f) => {
          f.resumeNext = resumeNext;
          err.clear();
          return NORMAL;
        };
      }
      case 'nop':
        return () => NORMAL;
    }
  }

  #dim(items: readonly { key: string; text: string; bounds: readonly Expr[] | undefined }[], scope: Scope): Run {
    const steps = items.map((item) => {
      const bounds = item.bounds?.map((b) => this.expr(b, scope));
      const slot = scope.locals.get(item.key);
      const make = (f: Frame): Value => {
        if (!bounds) return undefined;
        if (bounds.length === 0) return new VbArray([], [], false);
        return newArray(bounds.map((b) => toLong(b(f))), !!bounds.length);
      };
      if (slot !== undefined) return (f: Frame) => void (f.vars[slot].v = make(f));
      if (scope.kind === 'global') {
        return (f: Frame) => {
          const cell = this.machine.globals.get(item.key);
          if (cell) {
            if (bounds) cell.v = make(f);
          } else this.machine.globals.set(item.key, new Cell(make(f)));
        };
      }
      return (f: Frame) => {
        f.dynamic ??= new Map();
        f.dynamic.set(item.key, new Cell(make(f)));
      };
    });
    return (f) => {
      for (const step of steps) step(f);
      return NORMAL;
    };
  }

  #redim(items: readonly { target: Expr; bounds: readonly Expr[] }[], preserve: boolean, scope: Scope): Run {
    const steps = items.map(({ target, bounds }) => {
      const ref = this.#lvalue(target, scope);
      const sizes = bounds.map((b) => this.expr(b, scope));
      return (f: Frame) => {
        const cell = ref(f);
        const upper = sizes.map((b) => toLong(b(f)));
        const old = cell.v;
        if (old instanceof VbArray && old.fixed) throw vbsError(E.ARRAY_FIXED, displayOf(target));
        const array = newArray(upper, false);
        if (preserve && old instanceof VbArray && old.bounds.length > 0) {
          if (old.bounds.length !== upper.length || old.bounds.slice(0, -1).some((b, i) => b !== upper[i])) throw vbsError(E.SUBSCRIPT, displayOf(target));
          const lastOld = old.bounds[old.bounds.length - 1] + 1;
          const lastNew = upper[upper.length - 1] + 1;
          const rows = old.data.length / lastOld;
          for (let r = 0; r < rows; r++) for (let c = 0; c < Math.min(lastOld, lastNew); c++) array.data[r * lastNew + c] = old.data[r * lastOld + c];
        }
        cell.v = array;
      };
    });
    return (f) => {
      for (const step of steps) step(f);
      return NORMAL;
    };
  }

  #const(items: readonly { key: string; text: string; value: Expr }[], scope: Scope): Run {
    const values = items.map((item) => ({ key: item.key, value: this.expr(item.value, scope), slot: scope.locals.get(item.key) }));
    return (f) => {
      for (const { key, value, slot } of values) {
        const cell = new Cell(value(f), true);
        if (slot !== undefined) f.vars[slot] = cell;
        else if (scope.kind === 'global') this.machine.globals.set(key, cell);
        else (f.dynamic ??= new Map()).set(key, cell);
      }
      return NORMAL;
    };
  }

  /**
   * An error raised by a condition (If, ElseIf, Select Case, a Do/While test): under On Error
   * Resume Next it is recorded in Err and the script resumes at the next statement, the first of
   * the block the condition guards (vbscript.md §3.2); otherwise it goes on up.
   */
  #resumeInto(thrown: unknown, f: Frame): void {
    if (thrown instanceof QuitSignal || !f.resumeNext) throw thrown;
    this.machine.err.set(asVbsError(thrown));
  }

  /** Whether a condition lets the script into its block (`until`: when false), an error under On Error Resume Next letting it in (#resumeInto). */
  #condition(expr: Expr, scope: Scope, until = false): (f: Frame) => boolean {
    const cond = this.expr(expr, scope);
    return (f) => {
      try {
        return truthy(cond(f)) !== until;
      } catch (thrown) {
        this.#resumeInto(thrown, f);
        return true;
      }
    };
  }

  #if(s: Extract<Stmt, { k: 'if' }>, scope: Scope): Run {
    const branches = s.branches.map((b) => ({ holds: this.#condition(b.cond, scope), body: this.block(b.body, scope) }));
    const otherwise = s.otherwise ? this.block(s.otherwise, scope) : undefined;
    if (branches.length === 1) {
      const [{ holds, body }] = branches;
      return (f) => (holds(f) ? body(f) : otherwise ? otherwise(f) : NORMAL);
    }
    return (f) => {
      for (const branch of branches) if (branch.holds(f)) return branch.body(f);
      return otherwise ? otherwise(f) : NORMAL;
    };
  }

  #select(s: Extract<Stmt, { k: 'select' }>, scope: Scope): Run {
    const subject = this.expr(s.subject, scope);
    const cases = s.cases.map((c) => ({
      tests: c.tests.map((t) => {
        if (t.k === 'value') {
          const value = this.expr(t.value, scope);
          const origin = originOf(t.value);
          return (x: Value, f: Frame) => ops.compare(x, value(f), Origin.Expression, origin) === 0;
        }
        if (t.k === 'range') {
          const from = this.expr(t.from, scope);
          const to = this.expr(t.to, scope);
          return (x: Value, f: Frame) => {
            const low = ops.compare(x, from(f));
            const high = ops.compare(x, to(f));
            return low !== null && high !== null && low >= 0 && high <= 0;
          };
        }
        const value = this.expr(t.value, scope);
        const test = COMPARE[t.op];
        return (x: Value, f: Frame) => {
          const c = ops.compare(x, value(f));
          return c !== null && test(c);
        };
      }),
      body: this.block(c.body, scope),
    }));
    const otherwise = s.otherwise ? this.block(s.otherwise, scope) : undefined;
    const meets = (test: (x: Value, f: Frame) => boolean, x: Value, f: Frame): boolean => {
      try {
        return test(x, f);
      } catch (thrown) {
        this.#resumeInto(thrown, f);
        return true;
      }
    };
    return (f) => {
      let x: Value;
      try {
        x = subject(f);
      } catch (thrown) {
        // The next statement after `Select Case` is the first Case's (or Case Else's) first.
        this.#resumeInto(thrown, f);
        const first = cases.length > 0 ? cases[0].body : otherwise;
        return first ? first(f) : NORMAL;
      }
      for (const c of cases) if (c.tests.some((t) => meets(t, x, f))) return c.body(f);
      return otherwise ? otherwise(f) : NORMAL;
    };
  }

  #for(s: Extract<Stmt, { k: 'for' }>, scope: Scope): Run {
    const counter = this.#lvalue(s.counter, scope);
    const from = this.expr(s.from, scope);
    const to = this.expr(s.to, scope);
    const step = s.step ? this.expr(s.step, scope) : () => 1;
    const body = this.block(s.body, scope);
    return (f) => {
      const ref = counter(f);
      const start = scalar(from(f));
      const end = scalar(to(f));
      const by = scalar(step(f));
      if (start === null || end === null || by === null) throw vbsError(E.INVALID_NULL);
      const limit = toNumber(end);
      const increment = toNumber(by);
      ref.v = typeof start === 'string' ? toNumber(start) : start;
      for (;;) {
        const current = ref.v;
        const n = typeof current === 'number' ? current : toNumber(current);
        if (increment >= 0 ? n > limit : n < limit) return NORMAL;
        const completion = body(f);
        if (completion === EXIT_FOR) return NORMAL;
        if (completion !== NORMAL) return completion;
        const now: Value = ref.v;
        ref.v = typeof now === 'number' && typeof by === 'number' && Number.isInteger(now) && Number.isInteger(by) && now + by <= 2147483647 && now + by >= -2147483648 ? now + by : ops.add(now, by);
      }
    };
  }

  #forEach(s: Extract<Stmt, { k: 'foreach' }>, scope: Scope): Run {
    const element = this.#lvalue(s.element, scope);
    const group = this.expr(s.group, scope);
    const body = this.block(s.body, scope);
    const display = displayOf(s.group);
    return (f) => {
      const items = itemsOf(group(f), display);
      const ref = element(f);
      for (const item of items) {
        ref.v = item;
        const completion = body(f);
        if (completion === EXIT_FOR) return NORMAL;
        if (completion !== NORMAL) return completion;
      }
      return NORMAL;
    };
  }

  #do(s: Extract<Stmt, { k: 'do' }>, scope: Scope): Run {
    const body = this.block(s.body, scope);
    const cond = s.cond ? this.expr(s.cond, scope) : () => true;
    const until = s.until;
    const holds = (f: Frame): boolean => truthy(cond(f)) !== until;
    // A failing test at the top (Do While/Until, While) resumes into the body; at the bottom
    // (Loop While/Until) the next statement is the one after the loop.
    const enters = s.cond ? this.#condition(s.cond, scope, until) : () => true;
    const pre = s.test === 'pre';
    const post = s.test === 'post';
    return (f) => {
      for (;;) {
        if (pre && !enters(f)) return NORMAL;
        const completion = body(f);
        if (completion === EXIT_DO) return NORMAL;
        if (completion !== NORMAL) return completion;
        if (post && !holds(f)) return NORMAL;
      }
    };
  }

  #assignment(target: Expr, valueExpr: Expr, set: boolean, scope: Scope, value: Eval = this.expr(valueExpr, scope)): Run {
    const display = displayOf(target);
    const prepare = set
      ? (v: Value): Value => {
          if (!isObjectOrNothing(v)) throw vbsError(E.OBJECT_REQUIRED, displayOf(valueExpr));
          return v;
        }
      : (v: Value): Value => (isObjectValue(v) || v === NOTHING ? scalar(v) : copyValue(v));
    switch (target.k) {
      case 'name': {
        const binding = this.#bind(target, scope);
        if (!set) {
          return (f) => {
            const v = value(f);
            binding.write(f, typeof v === 'number' || typeof v === 'string' ? v : prepare(v));
            return NORMAL;
          };
        }
        const { machine } = this;
        return (f) => {
          const v = prepare(value(f));
          if (v === NOTHING) {
            const old = binding.read(f);
            if (old instanceof VbsInstance) {
              binding.write(f, v);
              machine.terminate(old);
              return NORMAL;
            }
          }
          binding.write(f, v);
          return NORMAL;
        };
      }
      case 'member': {
        const object = this.#memberObject(target, scope);
        const { text, key } = target;
        return (f) => {
          const o = object(f);
          memberPut(o, text, key, [], prepare(value(f)), set, display);
          return NORMAL;
        };
      }
      case 'call': {
        const args = target.args.map((a) => this.expr(a, scope));
        const t = target.target;
        if (t.k === 'member') {
          const object = this.#memberObject(t, scope);
          return (f) => {
            const o = object(f);
            const values = args.map((a) => a(f));
            memberPut(o, t.text, t.key, values, prepare(value(f)), set, display);
            return NORMAL;
          };
        }
        if (t.k === 'name') {
          const binding = this.#bind(t, scope);
          const classInfo = scope.info;
          if (classInfo && !scope.locals.has(t.key) && (classInfo.letters.has(t.key) || classInfo.setters.has(t.key))) {
            return (f) => {
              instancePut(f.me!, t.key, args.map((a) => a(f)), prepare(value(f)), set, true);
              return NORMAL;
            };
          }
          return (f) => {
            const container = binding.read(f);
            const values = args.map((a) => a(f));
            storeIndexed(container, values, prepare(value(f)), set, display);
            return NORMAL;
          };
        }
        const container = this.expr(t, scope);
        return (f) => {
          storeIndexed(container(f), args.map((a) => a(f)), prepare(value(f)), set, display);
          return NORMAL;
        };
      }
      default:
        throw new VbsCompileError(1002, { line: 0, column: 0 });
    }
  }

  #callStatement(target: Expr, args: readonly Expr[], scope: Scope): Run {
    const call = this.#call(target, args, scope, true);
    return (f) => {
      call(f);
      return NORMAL;
    };
  }

  // -- names ---------------------------------------------------------------------------------

  /** A Ref for an assignable name (For counters, ReDim, Erase). */
  #lvalue(expr: Expr, scope: Scope): (f: Frame) => Ref {
    if (expr.k !== 'name') throw new VbsCompileError(1040, expr.k === 'call' ? expr.pos : { line: 0, column: 0 });
    return this.#bind(expr, scope).ref;
  }

  #bind(expr: Extract<Expr, { k: 'name' }>, scope: Scope): Binding {
    const { key, text } = expr;
    const slot = scope.locals.get(key);
    if (slot !== undefined) {
      return {
        read: (f) => f.vars[slot].v,
        write: (f, v) => {
          const cell = f.vars[slot];
          if (cell instanceof Cell && cell.constant) throw vbsError(E.ILLEGAL_ASSIGNMENT, text);
          cell.v = v;
        },
        ref: (f) => f.vars[slot],
        variable: (f) => f.vars[slot],
        call: (f, args) =>
          indexValue(
            f.vars[slot].v,
            args.map((a) => a.v),
            text,
          ),
      };
    }
    const info = scope.info;
    if (info && info.hasMember(key)) return this.#bindClassMember(info, key, text);
    if (info && key === 'me') throw new VbsCompileError(1037, expr.pos);
    return this.#bindGlobal(key, text, scope);
  }

  #bindClassMember(info: ClassInfo, key: string, text: string): Binding {
    const field = info.fieldIndex.get(key);
    if (field) {
      const index = field.index;
      return {
        read: (f) => f.me!.fields[index].v,
        write: (f, v) => void (f.me!.fields[index].v = v),
        ref: (f) => f.me!.fields[index],
        variable: (f) => f.me!.fields[index],
        call: (f, args) =>
          indexValue(
            f.me!.fields[index].v,
            args.map((a) => a.v),
            text,
          ),
      };
    }
    return {
      read: (f) => instanceGet(f.me!, key, [], true),
      write: (f, v) => instancePut(f.me!, key, [], v, isObjectValue(v), true),
      ref: (f) => new Cell(instanceGet(f.me!, key, [], true)),
      variable: () => undefined,
      call: (f, args) => instanceGet(f.me!, key, args, true),
    };
  }

  #bindGlobal(key: string, text: string, scope: Scope): Binding {
    const { machine, builtins } = this;
    let cached: Cell | undefined;
    const lookup = (f: Frame): Cell | undefined => {
      if (f.dynamic !== undefined) {
        const local = f.dynamic.get(key);
        if (local) return local;
      }
      if (cached) return cached;
      const cell = machine.globals.get(key);
      if (cell) cached = cell;
      return cell;
    };
    const create = (f: Frame, v: Value): Cell => {
      if (machine.optionExplicit) throw vbsError(E.UNDEFINED_VARIABLE, text);
      const cell = new Cell(v);
      if (scope.kind === 'global') machine.globals.set(key, cell);
      else (f.dynamic ??= new Map()).set(key, cell);
      return cell;
    };
    const callNamed = (f: Frame, args: Ref[], hasArgs: boolean): Value => {
      const proc = machine.procs.get(key);
      if (proc) return proc.call(args, undefined);
      const builtin = builtins.get(key);
      if (builtin) return builtin.call(args, f);
      if (machine.optionExplicit) throw vbsError(E.UNDEFINED_VARIABLE, text);
      if (hasArgs) throw vbsError(E.TYPE_MISMATCH, text);
      return undefined;
    };
    return {
      read: (f) => {
        const cell = lookup(f);
        if (cell) return cell.v;
        return callNamed(f, [], false);
      },
      write: (f, v) => {
        const cell = lookup(f);
        if (cell) {
          if (cell.constant) throw vbsError(E.ILLEGAL_ASSIGNMENT, text);
          cell.v = v;
          return;
        }
        if (machine.procs.has(key) || builtins.has(key)) throw vbsError(E.ILLEGAL_ASSIGNMENT, text);
        create(f, v);
      },
      ref: (f) => {
        const cell = lookup(f);
        if (cell) return cell;
        if (machine.procs.has(key) || builtins.has(key)) return new Cell(callNamed(f, [], false));
        return create(f, undefined);
      },
      variable: lookup,
      call: (f, args) => {
        const cell = lookup(f);
        if (cell)
          return indexValue(
            cell.v,
            args.map((a) => a.v),
            text,
          );
        return callNamed(f, args, true);
      },
    };
  }

  // -- expressions ---------------------------------------------------------------------------

  expr(e: Expr, scope: Scope): Eval {
    switch (e.k) {
      case 'literal': {
        const value = e.value;
        return () => value;
      }
      case 'nothing':
        return () => NOTHING;
      case 'missing':
        return () => MISSING;
      case 'paren':
        return this.expr(e.inner, scope);
      case 'me':
        if (!scope.info) throw new VbsCompileError(1037, e.pos);
        return (f) => f.me!;
      case 'name':
        return this.#bind(e, scope).read;
      case 'member': {
        const object = this.#memberObject(e, scope);
        const display = displayOf(e.object ?? e);
        const { text, key } = e;
        return (f) => memberGet(object(f), text, key, [], false, display);
      }
      case 'call':
        return this.#call(e.target, e.args, scope, false);
      case 'new': {
        const { machine } = this;
        const { key, text } = e;
        return (f) => {
          if (key === 'regexp' && !machine.classes.has(key)) return this.host.createRegExp();
          const info = machine.classes.get(key);
          if (!info) throw vbsError(E.CLASS_NOT_DEFINED, text);
          return machine.newInstance(info, f);
        };
      }
      case 'unary': {
        const operand = this.expr(e.operand, scope);
        if (e.op === 'not') return (f) => ops.not(operand(f));
        if (e.op === '-') return (f) => ops.negate(operand(f));
        return (f) => {
          const v = scalar(operand(f));
          return typeof v === 'string' ? toNumber(v) : v;
        };
      }
      case 'binary':
        return this.#binary(e.op, e.left, e.right, scope);
    }
  }

  #binary(op: string, leftExpr: Expr, rightExpr: Expr, scope: Scope): Eval {
    const left = this.expr(leftExpr, scope);
    const right = this.expr(rightExpr, scope);
    switch (op) {
      case '+':
        return (f) => {
          const a = left(f);
          const b = right(f);
          if (typeof a === 'number' && typeof b === 'number' && (a | 0) === a && (b | 0) === b) {
            const r = a + b;
            // Integer + Integer stays Integer up to 32767; anything with a Long is a Long.
            if (r > 32767 || r < -32768 || (a >= -32768 && a <= 32767 && b >= -32768 && b <= 32767)) return r;
          }
          return ops.add(a, b);
        };
      case '-':
        return (f) => ops.subtract(left(f), right(f));
      case '*':
        return (f) => ops.multiply(left(f), right(f));
      case '/':
        return (f) => ops.divide(left(f), right(f));
      case '\\':
        return (f) => ops.integerDivide(left(f), right(f));
      case 'mod':
        return (f) => ops.modulo(left(f), right(f));
      case '^':
        return (f) => ops.power(left(f), right(f));
      case '&':
        return (f) => {
          const a = left(f);
          const b = right(f);
          return typeof a === 'string' && typeof b === 'string' ? a + b : ops.concat(a, b);
        };
      case 'and':
        return (f) => ops.and(left(f), right(f));
      case 'or':
        return (f) => ops.or(left(f), right(f));
      case 'xor':
        return (f) => ops.xor(left(f), right(f));
      case 'eqv':
        return (f) => ops.eqv(left(f), right(f));
      case 'imp':
        return (f) => ops.imp(left(f), right(f));
      case 'is':
        return (f) => {
          const a = left(f);
          const b = right(f);
          if (!isObjectOrNothing(a) || !isObjectOrNothing(b)) throw vbsError(E.OBJECT_REQUIRED);
          return a === b;
        };
      default: {
        const test = COMPARE[op];
        const leftOrigin = originOf(leftExpr);
        const rightOrigin = originOf(rightExpr);
        return (f) => {
          const a = left(f);
          const b = right(f);
          if (typeof a === 'number' && typeof b === 'number') return test(a < b ? -1 : a > b ? 1 : 0);
          const c = ops.compare(a, b, leftOrigin, rightOrigin);
          return c === null ? null : test(c);
        };
      }
    }
  }

  #memberObject(e: Extract<Expr, { k: 'member' }>, scope: Scope): Eval {
    if (e.object) return this.expr(e.object, scope);
    const pos = e.pos;
    return (f) => {
      const objects = f.withObjects;
      if (objects.length === 0) {
        const error = vbsError(E.UNQUALIFIED_REFERENCE);
        error.position = pos;
        throw error;
      }
      return objects[objects.length - 1];
    };
  }

  /** Arguments as Refs: variables and array elements by reference, everything else as a fresh cell. */
  #args(args: readonly Expr[], scope: Scope): ArgsEval {
    const makers = args.map((a): ((f: Frame) => Ref) => {
      if (a.k === 'missing') return () => new Cell(MISSING);
      if (a.k === 'name') return this.#bind(a, scope).ref;
      if (a.k === 'call' && a.target.k === 'name' && a.args.length > 0 && a.args.every((x) => x.k !== 'missing')) {
        const binding = this.#bind(a.target, scope);
        const indices = a.args.map((x) => this.expr(x, scope));
        const whole = this.expr(a, scope);
        return (f) => {
          const container = binding.variable(f)?.v;
          if (container instanceof VbArray) return new ElementRef(container, arrayOffset(container, indices.map((i) => i(f)), displayOf(a)));
          return new Cell(whole(f));
        };
      }
      const value = this.expr(a, scope);
      return (f) => new Cell(value(f));
    });
    if (makers.length === 0) return () => [];
    if (makers.length === 1) {
      const [only] = makers;
      return (f) => [only(f)];
    }
    return (f) => makers.map((m) => m(f));
  }

  #call(target: Expr, argExprs: readonly Expr[], scope: Scope, statement: boolean): Eval {
    if (target.k === 'name') {
      const special = this.#special(target.key, argExprs, scope);
      if (special && !scope.locals.has(target.key)) return special;
    }
    const args = this.#args(argExprs, scope);
    switch (target.k) {
      case 'name': {
        // Inside Function F, `F(…)` with arguments calls F again; the bare name is its result.
        const recursive = argExprs.length > 0 && scope.self === target.key;
        const binding = recursive ? (scope.info ? this.#bindClassMember(scope.info, target.key, target.text) : this.#bindGlobal(target.key, target.text, GLOBAL_SCOPE)) : this.#bind(target, scope);
        return (f) => binding.call(f, args(f), statement);
      }
      case 'member': {
        const object = this.#memberObject(target, scope);
        const display = displayOf(target.object ?? target);
        const { text, key } = target;
        return (f) => {
          const o = object(f);
          return memberGet(o, text, key, args(f), statement, display);
        };
      }
      default: {
        const value = this.expr(target, scope);
        const display = displayOf(target);
        return (f) => {
          const v = value(f);
          return indexValue(
            v,
            args(f).map((a) => a.v),
            display,
          );
        };
      }
    }
  }

  /** Eval, Execute, ExecuteGlobal and GetRef need the scope of their call site. */
  #special(key: string, argExprs: readonly Expr[], scope: Scope): Eval | undefined {
    const { machine } = this;
    if (machine.procs.has(key)) return undefined;
    const text = argExprs.length === 1 ? this.expr(argExprs[0], scope) : undefined;
    if (!text) return undefined;
    const source = (f: Frame): string => ops.toStr(text(f));
    const compiling = <T>(body: () => T): T => {
      try {
        return body();
      } catch (error) {
        if (error instanceof VbsCompileError) {
          const runtime = new VbsError(error.number, error.description, error.source);
          throw runtime;
        }
        throw error;
      }
    };
    switch (key) {
      case 'eval':
        return (f) => compiling(() => this.expr(parseExpression(source(f)), scope))(f);
      case 'execute':
        return (f) => {
          const run = compiling(() => this.program(parse(source(f)), scope));
          run(f);
          return undefined;
        };
      case 'executeglobal':
        return (f) => {
          const run = compiling(() => this.program(parse(source(f))));
          run(new Frame([], undefined));
          return undefined;
        };
      case 'getref':
        return (f) => {
          const name = source(f).toLowerCase();
          const proc = machine.procs.get(name);
          if (!proc) throw vbsError(E.INVALID_CALL, 'GetRef');
          return new ProcedureReference(proc);
        };
      default:
        return undefined;
    }
  }

  // -- procedures and classes ----------------------------------------------------------------

  #procedure(def: ProcDef, info: ClassInfo | undefined): Procedure {
    const proc = new Procedure({ kind: def.kind, key: def.key, text: def.text, byVal: def.params.map((p) => p.byVal), isPublic: def.isPublic, isDefault: def.isDefault }, this.machine);
    const locals = new Map<string, number>();
    if (def.kind === 'function' || def.kind === 'get') locals.set(def.key, 0);
    def.params.forEach((p, i) => locals.set(p.key, i + 1));
    let next = def.params.length + 1;
    const declare = (statements: readonly Stmt[]): void => {
      for (const s of statements) {
        if (s.k === 'dim') for (const item of s.items) if (!locals.has(item.key)) locals.set(item.key, next++);
        if (s.k === 'const') for (const item of s.items) if (!locals.has(item.key)) locals.set(item.key, next++);
        for (const inner of nestedBlocks(s)) declare(inner);
      }
    };
    declare(def.body);
    proc.slotCount = next;
    // Compiled on first call: a procedure may use classes and procedures declared after it.
    const scope: Scope = { kind: 'proc', locals, info, self: def.kind === 'function' || def.kind === 'get' ? def.key : undefined };
    let compiled: ((f: Frame) => Completion) | undefined;
    const { err } = this.machine;
    proc.body = (f) => {
      compiled ??= this.block(def.body, scope);
      const completion = compiled(f);
      if (completion === EXIT_PROC && f.resumeNext) err.clear();
      return completion;
    };
    return proc;
  }

  #declareClass(def: ClassDef): void {
    const info = new ClassInfo(def.key, def.text);
    def.fields.forEach((field, index) => {
      info.fieldIndex.set(field.key, { index, isPublic: field.isPublic });
      const bounds = field.bounds;
      info.fieldInits.push(bounds ? (f) => (bounds.length === 0 ? new VbArray([], [], false) : newArray(bounds.map((b) => toLong(this.expr(b, GLOBAL_SCOPE)(f))), true)) : () => undefined);
      if (field.isPublic) info.dispNames.push(field.key);
    });
    for (const p of def.procs) {
      const target = p.kind === 'get' ? info.getters : p.kind === 'let' ? info.letters : p.kind === 'set' ? info.setters : info.methods;
      target.set(p.key, undefined as unknown as Procedure);
      if (p.isDefault) info.defaultKey = p.key;
      if (p.isPublic && !info.dispNames.includes(p.key)) info.dispNames.push(p.key);
    }
    for (const p of def.procs) {
      const target = p.kind === 'get' ? info.getters : p.kind === 'let' ? info.letters : p.kind === 'set' ? info.setters : info.methods;
      target.set(p.key, this.#procedure(p, info));
    }
    this.machine.classes.set(def.key, info);
  }

  /** Set by the host: the objects scripts create. */
  host: VbsHost = {
    createRegExp: () => {
      throw vbsError(E.CLASS_NOT_DEFINED, 'RegExp');
    },
    createObject: (progId) => {
      throw vbsError(E.CANNOT_CREATE, progId);
    },
  };
}

function nestedBlocks(s: Stmt): (readonly Stmt[])[] {
  switch (s.k) {
    case 'if':
      return [...s.branches.map((b) => b.body), ...(s.otherwise ? [s.otherwise] : [])];
    case 'select':
      return [...s.cases.map((c) => c.body), ...(s.otherwise ? [s.otherwise] : [])];
    case 'for':
    case 'foreach':
    case 'do':
    case 'with':
      return [s.body];
    default:
      return [];
  }
}

function originOf(expr: Expr): Origin {
  if (expr.k === 'literal') return expr.origin;
  if (expr.k === 'unary' && expr.op === '-' && expr.operand.k === 'literal') return expr.operand.origin;
  return Origin.Expression;
}

export function newArray(upper: readonly number[], fixed: boolean): VbArray {
  let size = 1;
  for (const bound of upper) {
    if (bound < -1) throw vbsError(E.SUBSCRIPT);
    size *= bound + 1;
  }
  if (size > 0x10000000) throw vbsError(E.OUT_OF_MEMORY);
  return new VbArray([...upper], new Array<Value>(size).fill(undefined), fixed);
}

/** For Each's items: an array's elements, or what the object's _NewEnum yields. */
function itemsOf(group: Value, display: string): Iterable<Value> {
  if (group instanceof VbArray) return [...group.data];
  if (group === NOTHING) throw vbsError(E.OBJECT_NOT_SET, display);
  if (!isObjectValue(group) || group instanceof VbsInstance) throw vbsError(E.NOT_A_COLLECTION, display);
  let enumerator: unknown;
  try {
    enumerator = group.Invoke(DISPID_NEWENUM, 1 | 2, []);
  } catch (error) {
    const failure = asVbsError(error);
    throw failure.number === E.MEMBER_NOT_SUPPORTED ? vbsError(E.NOT_A_COLLECTION, display) : failure;
  }
  if (isVariantEnumerator(enumerator) || (typeof enumerator === 'object' && enumerator !== null && Symbol.iterator in enumerator)) {
    const source = enumerator as Iterable<unknown>;
    return {
      *[Symbol.iterator]() {
        for (const item of source) yield fromCom(item);
      },
    };
  }
  throw vbsError(E.NOT_A_COLLECTION, display);
}
