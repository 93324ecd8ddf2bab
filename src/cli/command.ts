/** What every CLI command does the same way: its checks before any training, where its report goes, and its exit codes. */
import { cpus } from 'node:os';
import { BackendUnavailable } from '../engine/backend';
import { adapterText, DawnUnavailable } from '../node/dawn';
import type { NodeBackend } from '../node/backend';
import type { Config, ConfigIssue } from '../protocol/config';
import type { CliOptions } from './args';
import { checkOutputs, STDOUT, type Output } from './outputs';

export interface Prepared {
  config: Config;
  outputs: Output[];
  /** Where the report goes: standard error when an output is standard output, so that stdout stays parseable. */
  report: (text: string) => void;
  backend: NodeBackend;
  /** Where it runs, for the receipt (on WebGPU, the adapter too, once startBackend has found it). */
  runtime: string;
}

/**
 * Checks a command's options before any training (a run can take half an hour): bad flags, a
 * browser-only backend, outputs that cannot be written. Returns the exit code to stop with (0 after
 * --help, 2 for bad arguments), or what the command needs.
 */
export function prepare(options: CliOptions, help: () => string, extraIssues: readonly ConfigIssue[] = []): Prepared | number {
  if (options.help) {
    console.log(help());
    return 0;
  }
  const issues = [...options.issues, ...extraIssues];
  if (issues.length > 0) {
    for (const issue of issues) console.error(`error: ${issue.message}`);
    console.error('Run with --help for the list of flags.');
    return 2;
  }
  const { config } = options;
  if (config.backend === 'webgl') {
    console.error('error: backend webgl needs a browser; in Node use wasm (default), webgpu (on Dawn) or cpu.');
    return 2;
  }
  const outputs = [options.json, options.csv].filter((o) => o !== undefined);
  const problems = checkOutputs(outputs);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${problem}`);
    console.error('Nothing was trained: fix the output paths and run again.');
    return 2;
  }
  return {
    config,
    outputs,
    report: outputs.some((o) => o.path === STDOUT) ? console.error : console.log,
    backend: config.backend === 'cpu' || config.backend === 'webgpu' ? config.backend : 'wasm',
    runtime: `node ${process.version} ${process.platform} ${process.arch}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? 'CPU'}`,
  };
}

/**
 * Starts WebGPU in this process, where a run on it trains (worker threads start their own backend):
 * before any training, so that a machine without the Dawn package or an adapter is told within
 * seconds (exit 2), with what to install or which backend to use. The runtime then names the adapter.
 */
export async function startBackend(prepared: Prepared): Promise<Prepared | number> {
  if (prepared.backend !== 'webgpu') return prepared;
  try {
    const { activateWebGpu } = await import('../node/backend');
    const adapter = await activateWebGpu();
    return { ...prepared, runtime: `${prepared.runtime}, ${adapterText(adapter)}` };
  } catch (error) {
    if (!(error instanceof DawnUnavailable || error instanceof BackendUnavailable)) throw error;
    console.error(`error: --backend webgpu: ${error.message}.`);
    console.error('Nothing was trained.');
    return 2;
  }
}

/** Runs a command's main and exits with its code; an error it throws is a failed run (exit 1), with its message. */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
