/** A chat client's options checked and turned into what every call reuses: protocol, paths, headers, limits. */
import type { ChatClientOptions } from './clientTypes';
import { GatewayConfigError } from './errors';
import { msg } from './messages';
import { createProtocol, type Protocol } from './protocols/index';
import { registerSecret } from './redact';

/** What one client's calls share, built once at creation. */
export interface ClientConfig {
  model: string;
  protocol: Protocol;
  url: URL;
  timeoutMs: number;
  maxConnections: number;
  maxResponseBytes: number;
  streamUsage: boolean;
  /** Texts never to put in a message (the API key). */
  secrets: string[];
  /** Request headers of a JSON call and of a streamed call (built once per client; undici only reads them). */
  jsonHeaders: Readonly<Record<string, string>>;
  streamHeaders: Readonly<Record<string, string>>;
  /** The request path of a call to model `m`, the base URL's path and query included. */
  pathOf(m: string, stream: boolean): string;
}

const FN = 'createChatClient';

/**
 * Checks a client's options and builds its configuration; registers the API key as a secret (an answer that
 * echoes it is stored redacted).
 *
 * @throws {GatewayConfigError} naming the bad option (never describing the API key)
 */
export function clientConfig(options: ChatClientOptions): ClientConfig {
  if (typeof options !== 'object' || options === null) {
    throw new GatewayConfigError(msg.badOption(FN, 'options', 'an object', options));
  }
  const { model } = options;
  const url = baseUrlOf(options.baseURL);
  if (typeof model !== 'string' || model.length === 0) {
    throw new GatewayConfigError(msg.badOption(FN, 'model', 'a non-empty string', model));
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new GatewayConfigError(msg.badOption(FN, 'timeoutMs', 'a positive number', timeoutMs));
  }
  const maxConnections = options.maxConnections ?? 64;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new GatewayConfigError(msg.badOption(FN, 'maxConnections', 'a positive integer', maxConnections));
  }
  const apiKey = options.apiKey;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || /[\r\n\0]/.test(apiKey))) {
    throw new GatewayConfigError(msg.badApiKey(FN));
  }
  // Known to the writers of run folders: an answer that echoes the key is stored redacted.
  registerSecret(apiKey);
  const protocol = createProtocol(options.protocol ?? 'openai', {
    ...(options.anthropicVersion !== undefined ? { anthropicVersion: options.anthropicVersion } : {}),
  });
  const basePath = url.pathname.replace(/\/+$/, '');
  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'canarylab/0.1',
    ...protocol.fixedHeaders,
  };
  for (const [k, v] of Object.entries(options.headers ?? {})) baseHeaders[k.toLowerCase()] = v;
  if (apiKey) Object.assign(baseHeaders, protocol.authHeaders(apiKey));
  return {
    model,
    protocol,
    url,
    timeoutMs,
    maxConnections,
    maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
    streamUsage: options.streamUsage ?? true,
    secrets: apiKey ? [apiKey] : [],
    jsonHeaders: Object.freeze({ ...baseHeaders, accept: 'application/json' }),
    streamHeaders: Object.freeze({ ...baseHeaders, accept: 'text/event-stream' }),
    pathOf(m: string, stream: boolean): string {
      const p = `${basePath}${protocol.path(m, stream)}`;
      return url.search ? `${p}${p.includes('?') ? '&' : '?'}${url.search.slice(1)}` : p;
    },
  };
}

/** The base URL as a URL: a string, http or https. */
function baseUrlOf(baseURL: unknown): URL {
  if (typeof baseURL !== 'string')
    throw new GatewayConfigError(msg.badOption(FN, 'baseURL', 'a string', baseURL));
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new GatewayConfigError(msg.badBaseURL(FN, baseURL));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GatewayConfigError(msg.badBaseURL(FN, baseURL));
  return url;
}
