import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'notebooks';
const NOTEBOOKS = ['01-run.ipynb', '02-score.ipynb', '03-analyze.ipynb', '04-decide.ipynb'];

interface Cell {
  cell_type: string;
  outputs?: unknown[];
  execution_count?: number | null;
}

describe('committed notebooks', () => {
  it('are the four of the workflow', () => {
    const found = readdirSync(DIR).filter((f) => f.endsWith('.ipynb'));
    for (const nb of NOTEBOOKS) expect(found, `notebooks/${nb} is missing`).toContain(nb);
  });

  it.each(readdirSync(DIR).filter((f) => f.endsWith('.ipynb')))(
    '%s has no outputs, null execution counts and the tslab kernel',
    (name) => {
      const nb = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as {
        cells: Cell[];
        metadata: { kernelspec?: { name?: string } };
      };
      expect(nb.metadata.kernelspec?.name).toBe('tslab');
      const dirty = nb.cells
        .map((c, i) => ({ i, c }))
        .filter(
          ({ c }) => c.cell_type === 'code' && ((c.outputs?.length ?? 0) > 0 || c.execution_count !== null),
        )
        .map(
          ({ i, c }) => `cell ${i}: ${c.outputs?.length ?? 0} outputs, execution_count ${c.execution_count}`,
        );
      expect(dirty, `clear the outputs of ${name} before committing`).toEqual([]);
    },
  );
});
