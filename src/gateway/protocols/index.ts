/** The wire protocols of the gateway's client, by name (config `protocol: openai | anthropic | gemini`). */
import { GatewayConfigError } from '../errors';
import { msg } from '../messages';
import { anthropicProtocol } from './anthropic';
import { geminiProtocol } from './gemini';
import { openaiProtocol } from './openai';
import { PROTOCOLS, type Protocol, type ProtocolName } from './types';

export { ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_VERSION } from './anthropic';
export { PROTOCOLS, type Protocol, type ProtocolName } from './types';

/**
 * The protocol of a name.
 *
 * @throws {GatewayConfigError} for a name that is not openai, anthropic or gemini
 * @example
 * createProtocol('anthropic').path('claude-sonnet-4-5', false); // => '/messages'
 */
export function createProtocol(name: ProtocolName, options: { anthropicVersion?: string } = {}): Protocol {
  switch (name) {
    case 'openai':
      return openaiProtocol;
    case 'anthropic':
      return anthropicProtocol({ version: options.anthropicVersion });
    case 'gemini':
      return geminiProtocol();
    default:
      throw new GatewayConfigError(
        msg.badOption('createChatClient', 'protocol', `one of ${PROTOCOLS.join(', ')}`, name),
      );
  }
}
