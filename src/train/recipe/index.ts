export { checkInitialLoss, type InitialLossOptions, type InitialLossReport } from './initial-loss.js';
export { overfitSmallSample, type OverfitOptions, type OverfitReport } from './overfit.js';
export { lrRangeTest, type LrRangeTestOptions, type LrRangeTestResult, type LrRangePoint } from './lr-range-test.js';
export { defineRun, type RunContext, type RunDefinition, type RunSpec } from './run.js';
