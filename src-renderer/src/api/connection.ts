/**
 * Whether the UI hears the server's events: 'connecting' before the first open, then 'up' or 'down'. A station
 * page can also end 'refused' (the station no longer takes this tab's token: it restarted with a new one) or
 * 'no-token' (the page was opened without the URL the station printed); neither retries.
 */
export type ConnectionState = 'connecting' | 'up' | 'down' | 'refused' | 'no-token';

/** A tiny observable value for the connection state (read by the banner, the drive list reloads on 'up'). */
export class ConnectionStatus {
  private state: ConnectionState;
  private readonly listeners = new Set<(s: ConnectionState) => void>();

  constructor(initial: ConnectionState) {
    this.state = initial;
  }

  /** The current state. */
  get(): ConnectionState {
    return this.state;
  }

  /** Changes the state and tells every listener (only on a real change). */
  set(next: ConnectionState): void {
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l(next);
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: (s: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
