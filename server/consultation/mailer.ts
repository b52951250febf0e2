import nodemailer from 'nodemailer';
import type { Logger } from '../logger.js';
import type { ConsultationRepository } from './consultation.repository.js';

/** Seconds to wait before the next try, by attempts made: 1 min, 5 min, 15 min, then hourly. */
export function retryDelaySeconds(attempts: number): number {
  return [60, 300, 900][attempts - 1] ?? 3600;
}

/**
 * Sends the email outbox through SMTP. A reply is written to the outbox in the same breath as it
 * is stored, and removed from the pending set only after the SMTP server accepted it: a failed
 * send is retried later and never loses the reply.
 */
export function createMailer(deps: { repo: ConsultationRepository; smtpUrl?: string; from: string; logger: Logger }) {
  const transport = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : null;
  return {
    enabled: Boolean(transport),
    /** Sends what is due; returns how many were sent and how many failed this round. */
    async flush(): Promise<{ sent: number; failed: number }> {
      if (!transport) return { sent: 0, failed: 0 };
      let sent = 0;
      let failed = 0;
      for (const mail of await deps.repo.dueEmails()) {
        try {
          await transport.sendMail({ from: deps.from, to: mail.to, subject: mail.subject, text: mail.body });
          await deps.repo.markEmailSent(mail.id);
          sent++;
        } catch (error) {
          failed++;
          await deps.repo.markEmailFailed(mail.id, (error as Error).message, retryDelaySeconds(mail.attempts + 1));
          deps.logger.warn({ mailId: mail.id, attempts: mail.attempts + 1 }, 'email send failed; will retry');
        }
      }
      return { sent, failed };
    },
    close() {
      transport?.close();
    },
  };
}
