import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { PROJECT_ROOT } from '../paths.js';

/** Public pages whose inline `<style>` blocks are allowed by hash (no 'unsafe-inline' anywhere). */
const PAGES_WITH_INLINE_STYLE = ['server/views/demo.hbs', 'server/views/consultation/ticket.hbs'];

/**
 * CSP hashes ('sha256-…') of every inline `<style>` element in the given templates. Handlebars
 * leaves a style block byte for byte as written (none holds a `{{ }}`), so the hash of the
 * template's text is the hash of what the browser receives; templates are read at start, so an
 * edited stylesheet is allowed again on the next start without anyone touching this file.
 */
export function inlineStyleHashes(files: string[] = PAGES_WITH_INLINE_STYLE): string[] {
  const hashes = new Set<string>();
  for (const file of files) {
    const html = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    for (const match of html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)) {
      if (match[1]!.includes('{{')) throw new Error(`${file}: an inline <style> must not contain template expressions (its CSP hash would change per request)`);
      hashes.add(`'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`);
    }
  }
  return [...hashes];
}

/**
 * The Content-Security-Policy of every page the service renders itself (demo page, ticket page,
 * consultant console). Scripts and styles come from this origin only (the widget and the console
 * script are served here; the widget's styles are a constructed stylesheet, which CSP does not
 * govern); the two inline stylesheets are allowed by hash. `connect-src 'self'` covers the
 * same-origin socket.io connection, WebSocket included. Staff pages (login, password, errors)
 * send their own stricter policy from server/staff; the framing, base and form rules agree.
 */
export function contentSecurityPolicy(styleHashes: string[] = inlineStyleHashes()): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", ...styleHashes],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/** Serialises a directive map the way browsers read it. */
export function serializeCsp(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/**
 * Security headers on every response (helmet): the CSP above, no framing (as on staff pages),
 * nosniff, a same-origin referrer, HSTS (browsers honour it only over HTTPS). Resources are
 * same-origin only (Cross-Origin-Resource-Policy), except the widget script that other sites
 * embed: `/widget.js` answers `cross-origin`.
 */
export function securityHeaders(): RequestHandler[] {
  const csp = contentSecurityPolicy();
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: csp },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: { maxAge: 180 * 86_400, includeSubDomains: false },
    xFrameOptions: { action: 'deny' },
  });
  const embeddable: RequestHandler = (req, res, next) => {
    if (req.path === '/widget.js') res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  };
  return [headers, embeddable];
}
