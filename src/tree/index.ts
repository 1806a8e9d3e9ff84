export * from './tree.js';
export * from './ops.js';
