import { io as connect, type Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';

let counter = 0;

/** Creates a staff account with a chosen password and opens a session; returns the cookie header. */
export async function signedInStaff(app: App, options: { role?: 'consultant' | 'admin'; name?: string; fieldSlugs?: string[]; capacity?: number } = {}) {
  counter += 1;
  const email = `staff${counter}-${Date.now()}@stp.example.gov.vn`;
  const { account } = await app.staff.service.createAccount({
    email,
    role: options.role ?? 'consultant',
    displayName: options.name ?? `Chuyên viên ${counter}`,
    password: 'mật-khẩu-thử-nghiệm-dài',
    fieldSlugs: options.fieldSlugs,
    capacity: options.capacity,
  });
  const { token } = await app.staff.service.startSession(account.id, 'test');
  return { account, cookie: `hl_session=${token}` };
}

/** A real socket.io client on /console with the given cookie. */
export async function consoleClient(baseUrl: string, cookie?: string): Promise<Socket> {
  const socket = connect(`${baseUrl}/console`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { Cookie: cookie } : {},
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** True once some instance has written the consultant's presence row (cluster mode). */
export async function presenceRecorded(db: Database, staffId: string): Promise<boolean> {
  return (await db.dataSource.query(`SELECT 1 FROM consultant_presence WHERE staff_id = $1`, [staffId])).length > 0;
}
