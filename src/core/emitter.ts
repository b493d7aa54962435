// A minimal event emitter for the editor-free core (the editor adapter bridges it to vscode events).

export type Listener<T> = (value: T) => void;

/** Subscribes a listener; the editor's vscode.Event has this shape too, so either can be passed where this is asked. */
export type Event<T> = (listener: Listener<T>) => { dispose(): void };

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // a failing listener must not stop the others
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
