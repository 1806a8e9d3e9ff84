// The public surface of io/: model files, parameter trees, checkpoints, and the atomic writer.
export { writeFileAtomic } from './atomic.js';
export { saveLayersModel, fileLoader, saveParams, loadParams } from './model-files.js';
export { saveCheckpoint, loadCheckpoint, disposeCheckpoint, type Checkpoint, type CheckpointPosition } from './checkpoint.js';
