/** Who of the consultants is connected to this instance, and whether they take new tickets. */
export type PresenceStatus = 'online' | 'away' | 'offline';

export class Presence {
  private readonly sockets = new Map<string, Set<string>>();
  private readonly away = new Set<string>();

  /** Returns true when this is the consultant's first open socket (they just came online). */
  connect(staffId: string, socketId: string): boolean {
    const set = this.sockets.get(staffId) ?? new Set<string>();
    const first = set.size === 0;
    set.add(socketId);
    this.sockets.set(staffId, set);
    return first;
  }

  /** Returns true when the consultant has no socket left (they went offline). */
  disconnect(staffId: string, socketId: string): boolean {
    const set = this.sockets.get(staffId);
    if (!set) return false;
    set.delete(socketId);
    if (set.size > 0) return false;
    this.sockets.delete(staffId);
    this.away.delete(staffId);
    return true;
  }

  setAway(staffId: string, away: boolean) {
    if (away) this.away.add(staffId);
    else this.away.delete(staffId);
  }

  status(staffId: string): PresenceStatus {
    if (!this.sockets.has(staffId)) return 'offline';
    return this.away.has(staffId) ? 'away' : 'online';
  }

  /** Consultants connected and not away. */
  available(): string[] {
    return [...this.sockets.keys()].filter((id) => !this.away.has(id));
  }
}
