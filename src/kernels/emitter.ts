// A minimal event emitter for the editor-free core (the editor adapter bridges it to vscode events).

export type Listener<T> = (value: T) => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  event = (listener: Listener<T>): { dispose(): void } => {
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
