import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadVitalsConfig } from './config.js';

describe('the vitals configuration', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads IMPORT_PIPELINE_DEPTH, and IMPORT_CONCURRENCY, its old name, for one more release with a deprecation warning', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(loadVitalsConfig({ IMPORT_PIPELINE_DEPTH: '3' }).IMPORT_PIPELINE_DEPTH).toBe(3);
    expect(emitWarning).not.toHaveBeenCalled();
    expect(loadVitalsConfig({ IMPORT_CONCURRENCY: '5' }).IMPORT_PIPELINE_DEPTH).toBe(5);
    expect(emitWarning).toHaveBeenCalledWith(expect.stringMatching(/IMPORT_CONCURRENCY is deprecated.*IMPORT_PIPELINE_DEPTH/), 'DeprecationWarning');
  });
});
