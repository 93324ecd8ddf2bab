/**
 * The layers' import rules hold, at any depth: lint fails when the page reaches past protocol/
 * and the worker client, or the engine into the page, the worker, the CLI or Node; and no module of src/ imports itself through others, so each reads after what it imports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const problems = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0].messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'layers/imports')
    .map((m) => m.message);

describe('layer boundaries (eslint)', () => {
  it('forbids ui/ and store/ to import the engine, the worker or tfjs', async () => {
    expect(await problems('src/store/deeper/probe.ts', "import { Mlp } from '../../engine/mlp';\nexport { Mlp };\n")).toHaveLength(1);
    expect(await problems('src/store/deeper/probe.ts', "import { DIGITS } from '../../protocol/constants';\nexport { DIGITS };\n")).toEqual(
      [],
    );
    for (const file of ['src/ui/Probe.tsx', 'src/store/probe.ts']) {
      expect(await problems(file, "import { Mlp } from '../engine/mlp';\nexport { Mlp };\n"), file).toHaveLength(1);
      expect(await problems(file, "export { Mlp } from '../engine/mlp';\n"), file).toHaveLength(1);
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

  it('keeps the engine out of the page, the worker, the CLI and Node, from any depth', async () => {
    const file = 'src/engine/webgpu/probe.ts';
    expect(await problems(file, "import { App } from '../../ui/App';\nexport { App };\n")).toHaveLength(1);
    expect(await problems(file, "import { createStore } from '../../store/store';\nexport { createStore };\n")).toHaveLength(1);
    expect(await problems(file, "import { MnistLoader } from '../../data/loadMnist';\nexport { MnistLoader };\n")).toHaveLength(1);
    expect(await problems('src/engine/probe.ts', "const app = import('../ui/App');\nexport { app };\n")).toHaveLength(1);
    // Its own modules (engine/data.ts is not src/data/) and protocol/ from any depth.
    expect(
      await problems(
        file,
        "import { fillImages } from '../data';\nimport { DIGITS } from '../../protocol/constants';\nexport { fillImages, DIGITS };\n",
      ),
    ).toEqual([]);
  });

  it('keeps protocol/ free of tfjs and of every other layer', async () => {
    expect(await problems('src/protocol/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport { tf };\n")).toHaveLength(1);
    expect(await problems('src/protocol/probe.ts', "import { Mlp } from '../engine/mlp';\nexport { Mlp };\n")).toHaveLength(1);
  });
});

/** The modules a file imports at run time (type-only imports vanish when compiled, so they are left out), as paths. */
function runtimeImports(file: string, modules: Set<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const named = clause?.namedBindings;
      const typesOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          named &&
          ts.isNamedImports(named) &&
          named.elements.length > 0 &&
          named.elements.every((e) => e.isTypeOnly));
      if (!typesOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly)
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
  }
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => join(dirname(file), specifier.replace(/\?.*$/, '')))
    .map((base) => [base, `${base}.ts`, `${base}.tsx`].find((path) => modules.has(path)))
    .filter((path): path is string => path !== undefined);
}

/** Every cycle of run-time imports among these modules, each as the chain of files that closes it. */
function importCycles(files: string[]): string[] {
  const modules = new Set(files);
  const imports = new Map(files.map((file) => [file, runtimeImports(file, modules)]));
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    path.push(file);
    for (const next of imports.get(file)!) {
      if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of files) if (!done.has(file)) visit(file);
  return cycles;
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /(?<!\.test)\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

describe('the module graph', () => {
  it('has no import cycle in src/: each module reads after the ones it imports', () => {
    const files = sourceFiles('src');
    expect(files.length).toBeGreaterThan(50);
    expect(importCycles(files)).toEqual([]);
  });

  it('finds a cycle when there is one, and leaves type-only imports out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
    try {
      const write = (name: string, code: string) => (writeFileSync(join(dir, name), code), join(dir, name));
      const files = [
        write('a.ts', "import { b } from './b';\nexport const a = () => b;\n"),
        write('b.ts', "import { c } from './c';\nexport const b = c;\n"),
        write('c.ts', "export { a as c } from './a';\n"),
        // Types only, both ways: gone once compiled.
        write('d.ts', "import type { E } from './e';\nexport interface D { e?: E }\n"),
        write('e.ts', "import { type D } from './d';\nexport interface E { d?: D }\n"),
      ];
      expect(importCycles(files)).toEqual([['a', 'b', 'c', 'a'].map((name) => join(dir, `${name}.ts`)).join(' → ')]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
