/** Where the benchmarks find their PyTorch peers' Python. */
import { spawnSync } from 'node:child_process';

/**
 * A python3 with torch (`cuda`: one whose torch sees a CUDA device), or null. Debian's own python3
 * first: a python3 earlier on the PATH (pyenv, a virtual environment) often lacks the apt torch.
 */
export function findTorchPython(cuda: boolean): string | null {
  const check = cuda ? 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' : 'import torch';
  for (const python of ['/usr/bin/python3', 'python3'])
    if (spawnSync(python, ['-c', check], { stdio: 'ignore' }).status === 0) return python;
  return null;
}
