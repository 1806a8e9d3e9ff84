export { writeFileAtomic, commitFile, syncDirectory } from './atomic.js';
export { saveLayersModel, fileLoader, saveParams, loadParams } from './model-files.js';
export { saveCheckpoint, loadCheckpoint, disposeCheckpoint, type Checkpoint, type CheckpointPosition } from './checkpoint.js';
