/**
 * The two losses of the protocol with their gradients with respect to the logits, written
 * out so the backward pass can stay hand-written (see mlp.ts). Both are means over the batch.
 * Columns outside a loss get an exactly-zero gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS } from './mlp';

export interface LossAndGrad {
  loss: tf.Scalar;
  dLogits: tf.Tensor2D;
}

/** Cross-entropy on logits 0–9 only; the aux logits are never in this loss. */
export function digitCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): LossAndGrad {
  const [batch, width] = logits.shape;
  const digitLogits = tf.slice(logits, [0, 0], [batch, DIGITS]);
  const logProbs = tf.logSoftmax(digitLogits);
  const loss = tf.div(tf.neg(tf.sum(tf.mul(oneHot, logProbs))), batch) as tf.Scalar;
  const dDigits = tf.div(tf.sub(tf.exp(logProbs), oneHot), batch);
  const dLogits = tf.concat([dDigits, tf.zeros([batch, width - DIGITS])], 1) as tf.Tensor2D;
  return { loss, dLogits };
}

/** Which of the student's logits imitate the teacher's. */
export type DistilledLogits = 'aux' | 'all';

/** First column and width of the distilled logits. */
export function distilledColumns(which: DistilledLogits, width: number): { start: number; size: number } {
  return which === 'aux' ? { start: DIGITS, size: width - DIGITS } : { start: 0, size: width };
}

/**
 * KL(softmax(teacher) ‖ softmax(student)) over the chosen logits, "batchmean", temperature 1.
 * `teacherLogits` holds only the chosen columns.
 */
export function distillationKl(logits: tf.Tensor2D, teacherLogits: tf.Tensor2D, which: DistilledLogits): LossAndGrad {
  const [batch, width] = logits.shape;
  const { start, size } = distilledColumns(which, width);
  const studentLogProbs = tf.logSoftmax(tf.slice(logits, [0, start], [batch, size]));
  const teacherLogProbs = tf.logSoftmax(teacherLogits);
  const teacherProbs = tf.exp(teacherLogProbs);
  const loss = tf.div(tf.sum(tf.mul(teacherProbs, tf.sub(teacherLogProbs, studentLogProbs))), batch) as tf.Scalar;
  const dChosen = tf.div(tf.sub(tf.exp(studentLogProbs), teacherProbs), batch);
  const dLogits = (start === 0 ? dChosen : tf.concat([tf.zeros([batch, start]), dChosen], 1)) as tf.Tensor2D;
  return { loss, dLogits };
}
