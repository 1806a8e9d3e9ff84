/**
 * Shared by the optimizer tests: parameters as plain tensors or as variables, and the check that
 * repeated steps (`step` or `stepVariables`) leak neither tensors nor backend buffers.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../tree/tree.js';
import { disposeTree } from '../tree/ops.js';
import { step, stepVariables, type GradientTransformation } from './transform.js';

/** `values` as they are, or as variables (the tensors of `values` are then disposed). */
export function asParams(values: Record<string, tf.Tensor>, variables: boolean): ParamTree {
  if (!variables) return values;
  const vars = Object.fromEntries(Object.entries(values).map(([k, t]) => [k, tf.variable(t)]));
  disposeTree(values);
  return vars;
}

/**
 * Steps `tx` from `params` with the gradients `g` once (state and kernels warm), then `steps` more
 * times through `stepVariables` (variables) or `step`, and asserts that the tensor and backend
 * buffer counts did not move. Disposes the params and the state it ends with (not `g`).
 */
export function assertStepsLeakNothing(tx: GradientTransformation<any>, params: ParamTree, g: ParamTree, variables: boolean, label: string, steps: number): void {
  let state = tx.init(params);
  const run = () => {
    if (variables) state = stepVariables(tx, params, g, state);
    else ({ params, state } = step(tx, params, g, state));
  };
  run();
  const [tensors, buffers] = [tf.memory().numTensors, tf.backend().numDataIds()];
  for (let i = 0; i < steps; i++) run();
  const name = `${label}${variables ? ' (variables)' : ''}`;
  assert.equal(tf.memory().numTensors, tensors, `${name}: tensors`);
  assert.equal(tf.backend().numDataIds(), buffers, `${name}: buffers`);
  disposeTree([params, state]);
}
