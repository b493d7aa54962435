// Lifetimes: everything a class registers is disposed with it, last registered first, so nothing leaks a listener.
// Plain TypeScript: vscode.Disposable has the same shape, so editor adapters and the core share these.

export interface IDisposable {
  dispose(): unknown;
}

/** Disposes in reverse order (LIFO): later layers go before what they depend on; one failure does not leak the rest. */
export function disposeAll(items: IDisposable[]): void {
  while (items.length) {
    try {
      items.pop()!.dispose();
    } catch {
      // one failing disposal must not leak the rest
    }
  }
}

/** A bag of disposables; what is added after it was disposed is disposed at once. */
export class DisposableStore implements IDisposable {
  private readonly items: IDisposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends IDisposable>(item: T): T {
    if (this.disposed) {
      try {
        item.dispose();
      } catch {
        // already disposing: nothing else to do with it
      }
    } else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    disposeAll(this.items);
  }
}

/** Base for classes that own listeners, emitters or timers: `_register` them and `dispose()` ends them all. */
export abstract class Disposable implements IDisposable {
  protected readonly _store = new DisposableStore();

  protected _register<T extends IDisposable>(item: T): T {
    return this._store.add(item);
  }

  protected get _isDisposed(): boolean {
    return this._store.isDisposed;
  }

  dispose(): void {
    this._store.dispose();
  }
}

/** A disposable that runs `fn` once (e.g. clearing a timer). */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}

/** Holds one disposable at a time (e.g. a loop that is replaced): a new value, clear() or dispose() ends the old one. */
export class MutableDisposable<T extends IDisposable> implements IDisposable {
  private current?: T;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  /** Set after dispose(), the value is disposed at once. */
  set value(next: T | undefined) {
    if (next === this.current) return;
    const old = this.current;
    this.current = this.disposed ? undefined : next;
    if (this.disposed) next?.dispose();
    old?.dispose();
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}
