// A minimal event emitter for the editor-free core (the editor adapter bridges it to vscode events).

export type Listener<T> = (value: T) => void;

/** Subscribes a listener; the editor's vscode.Event has this shape too, so either can be passed where this is asked. */
export type Event<T> = (listener: Listener<T>) => { dispose(): void };

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  /** `onListenerError` hears what a listener threw (e.g. to log it); the other listeners run either way. */
  constructor(private readonly onListenerError?: (error: unknown) => void) {}

  event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (e) {
        // a failing listener must not stop the others
        this.onListenerError?.(e);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
