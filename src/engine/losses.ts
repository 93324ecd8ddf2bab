/**
 * The protocol's losses with their gradients with respect to the logits, written
 * out so the backward pass can stay hand-written (see mlp.ts). Logits come as model-major rows
 * of K models ([K·B, width]); each model's loss is a mean over its batch of B, and the reported
 * loss is the mean over models. Columns outside a loss get an exactly-zero gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import type { StudentLoss } from '../protocol/config';
import { DIGITS } from '../protocol/constants';
import { distilledColumns } from '../protocol/referenceMlp';

export interface LossAndGrad {
  /** Mean over models of each model's batch-mean loss. */
  loss: tf.Scalar;
  /** d(each model's loss)/d(its logits), [K·B, width]. */
  dLogits: tf.Tensor2D;
}

/** Cross-entropy on logits 0–9 only; the aux logits are never in this loss. `oneHot` is [K·B, 10], each model's own labels. */
export function digitCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, batch: number): LossAndGrad {
  const [rows, width] = logits.shape;
  const logProbs = tf.logSoftmax(tf.slice(logits, [0, 0], [rows, DIGITS]));
  const loss = tf.div(tf.neg(tf.sum(tf.mul(oneHot, logProbs))), rows) as tf.Scalar;
  const dDigits = tf.div(tf.sub(tf.exp(logProbs), oneHot), batch);
  const dLogits = tf.pad(dDigits, [
    [0, 0],
    [0, width - DIGITS],
  ]) as tf.Tensor2D;
  return { loss, dLogits };
}

export { distilledColumns };

/** The gradient over the chosen columns, zero-padded to the full width. */
function padColumns(dChosen: tf.Tensor2D, start: number, width: number): tf.Tensor2D {
  const size = dChosen.shape[1];
  return size === width
    ? dChosen
    : tf.pad(dChosen, [
        [0, 0],
        [start, width - start - size],
      ]);
}

/**
 * The student's loss against its teacher over the chosen logits: KL(softmax(teacher) ‖
 * softmax(student)), "batchmean", temperature 1; or the mean squared difference of the raw logits,
 * a mean over the batch and the chosen columns (PyTorch's mse_loss). `teacherLogits` holds only the
 * chosen columns, one row per student row ([K·B, size]).
 */
export function distillationLoss(
  logits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  which: Distill,
  loss: StudentLoss,
  batch: number,
): LossAndGrad {
  const [rows, width] = logits.shape;
  const { start, size } = distilledColumns(which, width);
  const chosen = tf.slice(logits, [0, start], [rows, size]);
  if (loss === 'mse') {
    const diff = tf.sub(chosen, teacherLogits);
    return {
      loss: tf.div(tf.sum(tf.square(diff)), rows * size),
      dLogits: padColumns(tf.mul(diff, 2 / (batch * size)), start, width),
    };
  }
  const studentLogProbs = tf.logSoftmax(chosen);
  const teacherLogProbs = tf.logSoftmax(teacherLogits);
  const teacherProbs = tf.exp(teacherLogProbs);
  return {
    loss: tf.div(tf.sum(tf.mul(teacherProbs, tf.sub(teacherLogProbs, studentLogProbs))), rows),
    dLogits: padColumns(tf.div(tf.sub(tf.exp(studentLogProbs), teacherProbs), batch), start, width),
  };
}
