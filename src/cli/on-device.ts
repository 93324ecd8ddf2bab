/**
 * The CLI's jobs on WebGPU: in this process, one after the other, each job's seeds side by side on
 * the one device through the fused step (src/engine/webgpu), not a worker thread per core. A device
 * lost mid-run stops the jobs with a message that says so; what had not finished is not returned.
 */
import { runExperiment, TrainingDiverged } from '../engine/experiment';
import { deviceIsLost, lostText } from '../engine/webgpu/deviceLost';
import { activeGpuDevice } from '../engine/webgpu/tfjsAdapter';
import { loadMnist } from '../node/mnist';
import type { ExperimentResult } from '../protocol/results';
import type { PoolProgress } from './pool';
import type { Job } from './seed-worker';

export class GpuLost extends Error {
  constructor(why: string) {
    super(`${why} during training; the run stopped, and nothing it had not finished was written`);
    this.name = 'GpuLost';
  }
}

export async function runJobsOnDevice(
  jobs: readonly Job[],
  onProgress: (progress: PoolProgress) => void,
  onResult: (job: number, result: ExperimentResult) => void,
): Promise<ExperimentResult[]> {
  const device = activeGpuDevice();
  if (!device) throw new Error('runJobsOnDevice: tfjs is not on WebGPU (start it with activateWebGpu first)');
  let why = 'the GPU was lost';
  const lost = device.lost.then((info) => {
    why = lostText(info);
    return true;
  });
  const data = await loadMnist();
  const results: ExperimentResult[] = [];
  for (const [id, job] of jobs.entries()) {
    const run = runExperiment(job.config, data, {
      seeds: job.seeds,
      students: job.students,
      onEvent: (event) => {
        if (event.type === 'step') onProgress({ job: id, doneSteps: event.doneSteps, what: `${event.condition} epoch ${event.epoch}` });
      },
    });
    let result: ExperimentResult | 'lost';
    try {
      // A lost device may leave a read-back waiting for ever: its loss ends the wait.
      result = await Promise.race([run, lost.then(() => 'lost' as const)]);
    } catch (error) {
      if (!(error instanceof TrainingDiverged) && (await deviceIsLost(device, lost))) throw new GpuLost(why);
      throw error;
    }
    if (result === 'lost') {
      run.catch(() => {});
      throw new GpuLost(why);
    }
    results.push(result);
    onResult(id, result);
  }
  return results;
}
