import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature of a tracked link: HMAC-SHA256 of message id and target under the channel's secret, 16 bytes hex. */
export function linkSignature(secret: string, messageId: string, target: string): string {
  return createHmac('sha256', secret).update(`${messageId}\n${target}`).digest('hex').slice(0, 32);
}

/** Whether a signature is the one for this message and target (constant time). */
export function linkSignatureValid(secret: string, messageId: string, target: string, given: string): boolean {
  const want = Buffer.from(linkSignature(secret, messageId, target));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A tracked link: `/m/c/<message>?u=<target, base64url>&s=<signature>`; the signature keeps it from being an open redirect. */
export function trackedLink(base: string, secret: string, messageId: string, target: string): string {
  const u = Buffer.from(target).toString('base64url');
  return `${base}/m/c/${messageId}?u=${u}&s=${linkSignature(secret, messageId, target)}`;
}

const urlPattern = /https?:\/\/[^\s<>"')\]]+/g;

/** Rewrites every http(s) link of a rendered text through the click-tracking redirect. */
export function trackLinks(text: string, base: string, secret: string, messageId: string): string {
  return text.replace(urlPattern, (url) => (url.startsWith(`${base}/m/`) ? url : trackedLink(base, secret, messageId, url)));
}

/** The unsubscribe link of a message: withdraws the campaign's purpose on its channel when opened. */
export function unsubscribeLink(base: string, secret: string, messageId: string): string {
  return `${base}/m/u/${messageId}?s=${linkSignature(secret, messageId, 'unsubscribe')}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The HTML part of an e-mail: the text escaped, links made clickable, and the 1×1 open pixel. */
export function emailHtml(text: string, base: string, messageId: string): string {
  const body = escapeHtml(text)
    .replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`)
    .replace(/\n/g, '<br>\n');
  return `<!doctype html><html><body><p>${body}</p><img src="${base}/m/o/${messageId}.gif" width="1" height="1" alt=""></body></html>`;
}
