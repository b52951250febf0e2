/** Who of the consultants is connected to this instance, and whether they take new tickets. */
export type PresenceStatus = 'online' | 'away' | 'offline';

export class Presence {
  private readonly sockets = new Map<string, Set<string>>();
  private readonly away = new Set<string>();
  /**
   * Consultants connected to other instances only, as server/ops/presence-sync.ts last read them
   * from the database; always empty with one instance.
   */
  private remote = new Map<string, 'online' | 'away'>();
  private readonly listeners = new Set<(staffId: string) => void>();
  /** Re-reads the remote view from the database (set by presence sync in cluster mode). */
  private reread: (() => Promise<void>) | null = null;

  /** Calls the listener whenever a consultant's local sockets or away flag change. */
  onLocalChange(listener: (staffId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the view of consultants connected elsewhere. */
  setRemote(remote: Map<string, 'online' | 'away'>) {
    this.remote = remote;
  }

  /** Lets availableNow() re-read the remote view; null to stop (server/ops/presence-sync.ts). */
  setRemoteSource(reread: (() => Promise<void>) | null) {
    this.reread = reread;
  }

  /** This instance's sockets and away flag of each locally connected consultant. */
  local(): { staffId: string; sockets: number; away: boolean }[] {
    return [...this.sockets].map(([staffId, set]) => ({ staffId, sockets: set.size, away: this.away.has(staffId) }));
  }

  private changed(staffId: string) {
    for (const listener of this.listeners) listener(staffId);
  }

  /** Returns true when this is the consultant's first open socket (they just came online). */
  connect(staffId: string, socketId: string): boolean {
    const set = this.sockets.get(staffId) ?? new Set<string>();
    const first = set.size === 0;
    set.add(socketId);
    this.sockets.set(staffId, set);
    this.changed(staffId);
    return first;
  }

  /** Returns true when the consultant has no socket left (they went offline). */
  disconnect(staffId: string, socketId: string): boolean {
    const set = this.sockets.get(staffId);
    if (!set) return false;
    set.delete(socketId);
    if (set.size > 0) {
      this.changed(staffId);
      return false;
    }
    this.sockets.delete(staffId);
    this.away.delete(staffId);
    this.changed(staffId);
    return true;
  }

  setAway(staffId: string, away: boolean) {
    if (away) this.away.add(staffId);
    else this.away.delete(staffId);
    this.changed(staffId);
  }

  status(staffId: string): PresenceStatus {
    if (!this.sockets.has(staffId)) return this.remote.get(staffId) ?? 'offline';
    return this.away.has(staffId) ? 'away' : 'online';
  }

  /** Consultants connected (to any instance) and not away. */
  available(): string[] {
    const here = [...this.sockets.keys()].filter((id) => !this.away.has(id));
    const elsewhere = [...this.remote].filter(([id, status]) => status === 'online' && !this.sockets.has(id)).map(([id]) => id);
    return [...here, ...elsewhere];
  }

  /**
   * Like available(), but when nobody seems available the other instances' consultants are read
   * again first: a consultant who connected elsewhere a moment ago, whose announcement has not
   * arrived yet, is not missed when a citizen is about to be told nobody is online.
   */
  async availableNow(): Promise<string[]> {
    const now = this.available();
    if (now.length > 0 || !this.reread) return now;
    await this.reread();
    return this.available();
  }
}
