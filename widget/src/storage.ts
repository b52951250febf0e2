/** What the widget keeps in the browser across reloads, per chat server. */
export interface SavedState {
  token: string | null;
  /** Questions typed but not yet acknowledged by the server, in order. */
  outbox: { clientId: string; text: string }[];
  open: boolean;
}

const EMPTY: SavedState = { token: null, outbox: [], open: false };

export function createStorage(serverOrigin: string) {
  const key = `hoi-luat:${serverOrigin}`;
  const read = (): SavedState => {
    try {
      const raw = window.localStorage.getItem(key);
      if (!raw) return { ...EMPTY, outbox: [] };
      const parsed = JSON.parse(raw) as Partial<SavedState>;
      return {
        token: typeof parsed.token === 'string' ? parsed.token : null,
        outbox: Array.isArray(parsed.outbox) ? parsed.outbox.filter((m) => m && typeof m.clientId === 'string' && typeof m.text === 'string') : [],
        open: parsed.open === true,
      };
    } catch {
      return { ...EMPTY, outbox: [] };
    }
  };
  const write = (state: SavedState) => {
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
    } catch {
      // Private mode or full storage: the conversation still works for this page view.
    }
  };
  return { read, write };
}

/** A random client id for a message (idempotency key), 22 URL-safe characters. */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
