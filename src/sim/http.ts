/**
 * The simulator's HTTP plumbing: which protocol (dialect) a chat route belongs to, reading a request body
 * within a size limit, and cutting a connection short (the `reset` fault).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { anthropicDialect } from './protocols/anthropic';
import { geminiDialect } from './protocols/gemini';
import { openaiDialect } from './protocols/openai';
import type { SimDialect, SimRoute } from './protocols/types';

/** Largest request body accepted (16 MiB); a larger one is answered 413. */
const MAX_BODY = 16 * 1024 * 1024;

/** Each protocol's dialect. */
export const DIALECTS: Record<SimRoute['protocol'], SimDialect> = {
  openai: openaiDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
};

const GEMINI_PATH = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** The protocol a POST path belongs to, or undefined when it is none of the chat routes. */
export function chatRoute(url: string): SimRoute | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (path === '/v1/chat/completions' || path === '/chat/completions') return { protocol: 'openai', query };
  if (path === '/v1/messages' || path === '/messages') return { protocol: 'anthropic', query };
  const m = GEMINI_PATH.exec(path);
  if (m) {
    return {
      protocol: 'gemini',
      model: decodeURIComponent(m[1]),
      stream: m[2] === 'streamGenerateContent',
      query,
    };
  }
  return undefined;
}

/** Reads the whole body; `cb` gets an error instead once it passes MAX_BODY. */
export function readBody(req: IncomingMessage, cb: (err: Error | null, body?: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (c: Buffer) => {
    if (failed) return;
    size += c.length;
    if (size > MAX_BODY) {
      failed = true;
      cb(new Error('too large'));
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (!failed) cb(null, Buffer.concat(chunks));
  });
  req.on('error', () => {
    failed = true;
  });
}

/** Drops the connection with a TCP reset (a plain destroy where Node lacks resetAndDestroy). */
export function resetSocket(res: ServerResponse): void {
  const s = res.socket as (Socket & { resetAndDestroy?: () => void }) | null;
  if (!s) return;
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}
