import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable } from '../helpers/browser';

describe('chromiumAvailable', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fails under CI when Chromium is missing, naming the path and the fix', () => {
    expect(() => chromiumAvailable('/nonexistent/chromium', { CI: 'true' })).toThrow(
      /Browser tests need \/nonexistent\/chromium, which is missing on this CI machine: install Debian's chromium/,
    );
  });

  it('skips with a warning outside CI when Chromium is missing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(chromiumAvailable('/nonexistent/chromium', {})).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^\[browser tests skipped\] \/nonexistent\/chromium is missing/),
    );
  });

  it('is true when the binary exists', () => {
    // /bin/sh stands in for an existing path; the default is Debian's chromium.
    expect(chromiumAvailable('/bin/sh', { CI: 'true' })).toBe(true);
    expect(CHROMIUM_PATH).toBe('/usr/bin/chromium');
  });
});
