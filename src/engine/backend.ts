/** Switching tfjs backends safely: tf.setBackend can fail quietly and fall back to another. */
import type * as tfCore from '@tensorflow/tfjs-core';

export class BackendUnavailable extends Error {
  constructor(wanted: string, detail: string) {
    super(`The ${wanted} backend is not available: ${detail}`);
    this.name = 'BackendUnavailable';
  }
}

/** Activates `name` and proves it is the backend actually in use. */
export async function activateBackend(tf: typeof tfCore, name: string): Promise<string> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailable(name, error instanceof Error ? error.message : String(error));
  }
  const active = tf.getBackend();
  if (!ok || active !== name) throw new BackendUnavailable(name, `tfjs is using ${active ?? 'no backend'} instead`);
  return active;
}
