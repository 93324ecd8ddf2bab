import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The statistical tests take a couple of minutes of one core each. Started first, one per core,
 * they overlap everything else; a fresh clone (CI) has no timing cache to order files by, and
 * left to vitest's default order they started last and ran alone.
 */
const LONGEST_FIRST = ['src/engine/favourite.test.ts', 'src/engine/subliminal.test.ts'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const index = LONGEST_FIRST.findIndex((path) => spec.moduleId.endsWith(path));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'build/**/*.test.ts'],
          environment: 'node',
          // Vitest leaves a core free by default: one worker on 2 cores, and the two statistical
          // tests (each a few minutes of one core) would then run one after the other.
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The real page in Debian's Chromium, against a production build served from a sub-path.
        test: {
          name: 'browser',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          // Two files at a time, each with its own Chromium: much of a browser test is waiting (for a
          // worker, a throttled line, a frame), and the network test counts bytes on a server of its own.
          maxWorkers: 2,
          testTimeout: 360_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
