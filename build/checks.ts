/**
 * `npm run check`: the type check and the linters side by side (each is one core's work, and they
 * read the same files). Each one's output is printed whole once it ends, so the two never interleave;
 * the exit status is the first failure's.
 */
import { spawn } from 'node:child_process';

const SCRIPTS = ['typecheck', 'lint'];

function run(script: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('close', (code) => {
      const status = code ?? 1;
      process.stdout.write(`> ${script}: ${status === 0 ? 'ok' : `failed (exit ${status})`}\n${Buffer.concat(output).toString()}`);
      resolve(status);
    });
  });
}

const statuses = await Promise.all(SCRIPTS.map(run));
process.exitCode = statuses.find((status) => status !== 0) ?? 0;
