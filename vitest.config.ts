import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest files first, so that the short ones fill in at the end instead of a long one running
 * alone: a fresh clone (CI) has no timing cache to order files by. The statistical tests take a
 * minute or two of one core each (the CLI on WebGPU about one, most of it SwiftShader compiling shaders); the browser files' order is their time in the suite (layout and
 * network each run a classroom preset to the end, the WebGPU files run on a software adapter).
 */
const LONGEST_FIRST = [
  'src/engine/favourite.test.ts',
  'src/engine/subliminal.test.ts',
  'src/cli/webgpu.test.ts',
  'tests/layout.test.ts',
  'tests/network.test.ts',
  'tests/webgpu.test.ts',
  'tests/fused-webgpu.test.ts',
  'tests/page.test.ts',
  'tests/training.test.ts',
];

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
