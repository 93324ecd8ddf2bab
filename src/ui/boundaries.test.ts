/** The layers' import rules hold: lint fails when the page reaches past protocol/ and the worker client. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const problems = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0].messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

describe('layer boundaries (eslint)', () => {
  it('forbids ui/ and store/ to import the engine, the worker or tfjs', async () => {
    for (const file of ['src/ui/Probe.tsx', 'src/store/probe.ts']) {
      expect(await problems(file, "import { Mlp } from '../engine/mlp';\nexport { Mlp };\n"), file).toHaveLength(1);
      expect(await problems(file, "import { selectBackend } from '../worker/backends';\nexport { selectBackend };\n"), file).toHaveLength(
        1,
      );
      expect(await problems(file, "import * as tf from '@tensorflow/tfjs-core';\nexport { tf };\n"), file).toHaveLength(1);
      expect(
        await problems(
          file,
          "import { PRESETS } from '../protocol/presets';\nimport { startTrainingWorker } from '../worker/client';\nexport { PRESETS, startTrainingWorker };\n",
        ),
        file,
      ).toEqual([]);
    }
  });

  it('keeps protocol/ free of tfjs and of every other layer', async () => {
    expect(await problems('src/protocol/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport { tf };\n")).toHaveLength(1);
    expect(await problems('src/protocol/probe.ts', "import { Mlp } from '../engine/mlp';\nexport { Mlp };\n")).toHaveLength(1);
  });
});
