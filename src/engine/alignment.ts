/**
 * The mechanism, measured: the cosine between a student's cumulative update (θ_student − its
 * initial θ) and its teacher's (θ_teacher − θ_reference), over all parameters and per layer, for
 * each of K models. The paper's first-order argument says a student sharing the teacher's
 * initialisation moves with the teacher (Δθ_S · Δθ_T ≥ 0); from a different initialisation
 * nothing ties the two.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Alignment } from '../protocol/results';
import { layerCount, layerOf } from '../protocol/network';
import type { Mlp, ParamName } from './mlp';

export class UpdateAlignment {
  private constructor(private readonly teacherUpdate: Record<ParamName, tf.Tensor>) {}

  /** Keeps the teacher's update, θ_teacher − θ_reference, for the run's students. */
  static of(teacher: Mlp, reference: Mlp): UpdateAlignment {
    const update = {} as Record<ParamName, tf.Tensor>;
    for (const name of teacher.names) update[name] = tf.sub(teacher.params[name], reference.params[name]);
    return new UpdateAlignment(update);
  }

  /** The cosine of each model's update from `start` to `student` with its teacher's (0 where either has not moved). */
  async measure(student: Mlp, start: Mlp): Promise<Alignment[]> {
    const layers = layerCount(student.shape);
    // Per layer and model: Δs·Δt, |Δs|², |Δt|² → [layers, 3 sums, K].
    const sums = tf.tidy(() => {
      const perLayer: tf.Tensor[][] = Array.from({ length: layers }, () => []);
      for (const name of student.names) {
        const s = tf.sub(student.params[name], start.params[name]);
        const t = this.teacherUpdate[name];
        const axes = Array.from({ length: s.rank - 1 }, (_, i) => i + 1);
        perLayer[layerOf(name) - 1].push(tf.stack([tf.sum(tf.mul(s, t), axes), tf.sum(tf.square(s), axes), tf.sum(tf.square(t), axes)]));
      }
      return tf.stack(perLayer.map((parts) => tf.addN(parts)));
    });
    let values: Float32Array;
    try {
      values = (await sums.data()) as Float32Array;
    } finally {
      sums.dispose();
    }
    const k = student.count;
    const at = (layer: number, sum: number, model: number) => values[(layer * 3 + sum) * k + model];
    const cosine = (dot: number, ss: number, tt: number) => (ss > 0 && tt > 0 ? dot / Math.sqrt(ss * tt) : 0);
    return Array.from({ length: k }, (_, model) => {
      const perLayer = Array.from({ length: layers }, (_, l) => cosine(at(l, 0, model), at(l, 1, model), at(l, 2, model)));
      const total = (sum: number) => Array.from({ length: layers }, (_, l) => at(l, sum, model)).reduce((a, b) => a + b, 0);
      return { overall: cosine(total(0), total(1), total(2)), layers: perLayer };
    });
  }

  dispose(): void {
    for (const update of Object.values(this.teacherUpdate)) update.dispose();
  }
}
