/**
 * Real headless Chromium for browser tests: Debian's package at /usr/bin/chromium, driven by
 * playwright-core (never a browser downloaded by a tool). Launch flags keep Chromium from reaching out
 * on its own (background networking, component updates, sync, QUIC), so any request a test sees comes
 * from the page.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where scripts/setup.sh (and .ci/run) install Debian's chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Whether browser tests can run. Chromium present → true. Missing under CI (process.env.CI set) → throws,
 * so the suite fails with the fix in the message. Missing elsewhere → false, with a warning; the caller
 * skips its browser tests.
 *
 * @throws {Error} when /usr/bin/chromium is missing and process.env.CI is set
 */
export function chromiumAvailable(path = CHROMIUM_PATH, env: NodeJS.ProcessEnv = process.env): boolean {
  if (existsSync(path)) return true;
  const fix = `install Debian's chromium: \`apt-get install -y --no-install-recommends chromium\` (scripts/setup.sh does it unless CANARYLAB_SKIP_BROWSER=1)`;
  if (env.CI) {
    throw new Error(`Browser tests need ${path}, which is missing on this CI machine: ${fix}.`);
  }
  console.warn(`[browser tests skipped] ${path} is missing: ${fix}.`);
  return false;
}

/**
 * Launches headless Chromium from {@link CHROMIUM_PATH} with {@link CHROMIUM_ARGS} (a fresh temporary
 * profile each time). Close it with `browser.close()`.
 *
 * @example
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 30_000,
  });
}
