/**
 * Running → quitting: WScript.Quit ends the script at once. JavaScript has no uncatchable
 * throw, so Quit throws a QuitSignal, and a script whose `catch` swallows it is stopped at its
 * next entry into the host (any WScript member, ActiveXObject, automation call).
 */
type LifetimeState = { readonly phase: 'running' } | { readonly phase: 'quitting'; readonly exitCode: number };

/** What WScript.Quit throws through the script. Not an Error: it is no script failure. */
export class QuitSignal {
  constructor(readonly exitCode: number) {}
}

export class ScriptLifetime {
  #state: LifetimeState = { phase: 'running' };

  /** stopNow: ends the process (exit code given) when a script has swallowed its QuitSignal. */
  constructor(private readonly stopNow: (exitCode: number) => never) {}

  quit(exitCode: number): never {
    this.#state = { phase: 'quitting', exitCode };
    throw new QuitSignal(exitCode);
  }

  checkpoint(): void {
    if (this.#state.phase === 'quitting') this.stopNow(this.#state.exitCode);
  }

  /** The code WScript.Quit asked for, once it was called. */
  get quitExitCode(): number | undefined {
    return this.#state.phase === 'quitting' ? this.#state.exitCode : undefined;
  }
}
