import { z } from 'zod';

/** Payloads of the citizen's socket commands, checked before anything else runs. */
export const resumeSchema = z.object({
  token: z.string().min(20).max(100),
  lastSeenId: z.number().int().min(0).default(0),
});

export const sendSchema = z.object({
  clientId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  // The length limit is checked by the service, with its own message.
  text: z.string().max(20_000),
});

export const pickSchema = z.object({
  messageId: z.number().int().positive(),
  code: z.string().min(1).max(64),
});

export const rateSchema = z.object({
  messageId: z.number().int().positive(),
  helpful: z.boolean(),
  comment: z.string().max(1000).optional(),
});
