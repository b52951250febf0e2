import type { DataSource } from 'typeorm';

/** SQL of consultant presence shared by the instances (table consultant_presence). */
export function createPresenceRepository(dataSource: DataSource, instanceId: string) {
  return {
    /** Writes this instance's row for one consultant, or deletes it when no socket is left. */
    async write(staffId: string, sockets: number, away: boolean): Promise<void> {
      if (sockets === 0) {
        await dataSource.query(`DELETE FROM consultant_presence WHERE instance_id = $1 AND staff_id = $2`, [instanceId, staffId]);
        return;
      }
      await dataSource.query(
        `INSERT INTO consultant_presence (instance_id, staff_id, sockets, away, seen_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (instance_id, staff_id) DO UPDATE SET sockets = EXCLUDED.sockets, away = EXCLUDED.away, seen_at = now()`,
        [instanceId, staffId, sockets, away],
      );
    },

    /** Marks every row of this instance as seen now (the heartbeat). */
    async heartbeat(): Promise<void> {
      await dataSource.query(`UPDATE consultant_presence SET seen_at = now() WHERE instance_id = $1`, [instanceId]);
    },

    /** Consultants connected to other live instances: away only when away everywhere. */
    async remote(ttlSeconds: number): Promise<Map<string, 'online' | 'away'>> {
      const rows: { staffId: string; away: boolean }[] = await dataSource.query(
        `SELECT staff_id AS "staffId", bool_and(away) AS away FROM consultant_presence
          WHERE instance_id <> $1 AND seen_at > now() - make_interval(secs => $2)
          GROUP BY staff_id`,
        [instanceId, ttlSeconds],
      );
      return new Map(rows.map((r) => [r.staffId, r.away ? 'away' : 'online']));
    },

    /**
     * Deletes the rows of instances that stopped refreshing them (killed, frozen) and returns the
     * consultants who are now connected nowhere: their grace period starts.
     */
    async removeStale(ttlSeconds: number): Promise<string[]> {
      const rows: { staffId: string }[] = await dataSource.query(
        `WITH gone AS (
           DELETE FROM consultant_presence WHERE seen_at <= now() - make_interval(secs => $1) RETURNING staff_id
         )
         SELECT DISTINCT g.staff_id AS "staffId" FROM gone g
          WHERE NOT EXISTS (SELECT 1 FROM consultant_presence p WHERE p.staff_id = g.staff_id AND p.seen_at > now() - make_interval(secs => $1))`,
        [ttlSeconds],
      );
      return rows.map((r) => r.staffId);
    },

    /**
     * Cancels the grace period of consultants seen connected (on any instance) after it started:
     * one instance may see their last socket there close just after they reconnected to another.
     * A row not refreshed since the grace period started (the closing socket's own) does not count.
     */
    async keepTicketsOfConnected(ttlSeconds: number, graceSeconds: number): Promise<number> {
      const rows: unknown[] = await dataSource.query(
        `UPDATE escalations e SET release_at = NULL
          WHERE e.status = 'assigned' AND e.release_at IS NOT NULL
            AND EXISTS (SELECT 1 FROM consultant_presence p
                         WHERE p.staff_id = e.assigned_to
                           AND p.seen_at > now() - make_interval(secs => $1)
                           AND p.seen_at > e.release_at - make_interval(secs => $2))
         RETURNING e.id`,
        [ttlSeconds, graceSeconds],
      );
      const list = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
      return list.length;
    },

    /** Removes every row of this instance (clean shutdown). */
    async removeAll(): Promise<void> {
      await dataSource.query(`DELETE FROM consultant_presence WHERE instance_id = $1`, [instanceId]);
    },
  };
}

export type PresenceRepository = ReturnType<typeof createPresenceRepository>;
