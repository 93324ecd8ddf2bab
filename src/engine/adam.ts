/**
 * Adam exactly as PyTorch's default (betas 0.9/0.999, eps 1e-8, no weight decay), written out
 * so that its arithmetic is known: a parameter whose gradient has always been exactly zero
 * never moves (m = v = 0, so the update is 0 / (0 + eps) = 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM } from '../protocol/referenceMlp';
import { ownVariable, type ParamName, type Params } from './mlp';

export const { beta1: BETA1, beta2: BETA2, eps: EPS } = ADAM;

export class Adam {
  private readonly m: Record<ParamName, tf.Variable>;
  private readonly v: Record<ParamName, tf.Variable>;
  private t = 0;
  /** The parameters' names, in the order they were given. */
  private readonly names: ParamName[];

  constructor(
    private readonly params: Params,
    private readonly lr: number,
  ) {
    this.names = Object.keys(params) as ParamName[];
    this.m = {} as Record<ParamName, tf.Variable>;
    this.v = {} as Record<ParamName, tf.Variable>;
    for (const name of this.names) {
      this.m[name] = ownVariable(tf.zerosLike(params[name]));
      this.v[name] = ownVariable(tf.zerosLike(params[name]));
    }
  }

  /** Applies one update; the gradients are the caller's to dispose. */
  apply(grads: Record<ParamName, tf.Tensor>): void {
    this.t += 1;
    const stepSize = this.lr / (1 - BETA1 ** this.t);
    const sqrtBias2 = Math.sqrt(1 - BETA2 ** this.t);
    tf.tidy(() => {
      for (const name of this.names) {
        const g = grads[name];
        const m = tf.add(tf.mul(this.m[name], BETA1), tf.mul(g, 1 - BETA1));
        const v = tf.add(tf.mul(this.v[name], BETA2), tf.mul(tf.square(g), 1 - BETA2));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBias2), EPS);
        this.params[name].assign(tf.sub(this.params[name], tf.mul(tf.div(m, denom), stepSize)));
        this.m[name].assign(m);
        this.v[name].assign(v);
      }
    });
  }

  dispose(): void {
    for (const name of this.names) {
      this.m[name].dispose();
      this.v[name].dispose();
    }
  }
}
