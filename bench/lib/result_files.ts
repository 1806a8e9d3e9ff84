/**
 * The result files bench/optimizers.ts, bench/engine.ts, bench/training.ts and bench/augment.ts write to
 * bench/results/, as bench/report.ts reads them: every field optional, because an older file (or a
 * run with --skip-torch or --skip-time-to-accuracy) lacks some, and the report must still render.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where and when a benchmark ran (older optimizers.json files lack it: see OptimizersFile). */
export interface RunRecord {
  benchmark?: string;
  started?: string;
  finished?: string;
  command?: string;
  machine?: {
    cpu?: string;
    logicalCores?: number;
    node?: string;
    /** os.loadavg() (1, 5 and 15 minutes) when the benchmark started and finished. */
    loadAverage?: { start?: number[]; end?: number[] };
  };
}

/** One timed optimizer pair of bench/optimizers.ts: median ms per step of each side. */
export interface OptimizerResult {
  optimizer?: string;
  /** The backend as timed, e.g. "cpu" or "wasm (2 threads)". */
  backend?: string;
  trainkitMs?: number;
  tfjsMs?: number;
  trainkitMinMs?: number;
  tfjsMinMs?: number;
  steps?: number;
  maxParamDifference?: number;
  tensorsLeakedPerStep?: number;
}

export interface OptimizersFile extends RunRecord {
  /** Older files: the time the file was written (the end of the run), and the machine at the top level. */
  date?: string;
  cpu?: string;
  cores?: number;
  node?: string;
  parameters?: number;
  warmup?: number;
  results?: OptimizerResult[];
}

/** bench/lib/torch.ts `blasLossCheck`: PyTorch's first losses on OpenBLAS vs the reference BLAS. */
export interface BlasCheck {
  model?: string;
  steps?: number;
  tolerance?: number;
  openblas?: { losses?: number[]; blas?: string[] };
  reference?: { losses?: number[]; blas?: string[]; note?: string };
  maxRelDiff?: number;
  pass?: boolean;
}

/** A PyTorch run of bench/torch/*.py. */
export interface TorchRun {
  torch?: string;
  threads?: number;
  mkldnn?: boolean;
  blas?: string[];
  env?: Record<string, string | null>;
  gemm1024?: { gflops?: number };
  mlp?: { examplesPerSecond?: number };
  cnn?: { examplesPerSecond?: number };
  peakRssMb?: number;
}

/** One configuration of bench/engine.ts (GEMM GFLOP/s, MLP examples/s). */
export interface EngineRow {
  id?: string;
  label?: string;
  gemm?: number;
  gemmT?: number;
  mlp?: number;
  /** The same MLP with tf.train.adam instead of trainkit's adam. */
  mlpTfjsAdam?: number;
}

export interface EngineFile extends RunRecord {
  table?: EngineRow[];
  targets?: { fixedVsShipped?: { config?: string } | null };
  pytorch?: { timed?: TorchRun; check?: BlasCheck } | null;
  /** The MLP step's products per configuration, as a markdown table (bench/engine.ts). */
  productsMarkdown?: string;
}

/** One runner of bench/lib/train_config.ts. */
export interface Throughput {
  examplesPerSecond?: number;
  error?: string;
  peakRssMb?: number;
  batch?: number;
  plan?: { warmup?: number; rounds?: number; steps?: number };
}

/** bench/lib/train_tta.ts and bench/torch/cnn.py --mode tta. */
export interface TimeToAccuracy {
  target?: number;
  reached?: boolean;
  seconds?: number | null;
  steps?: number;
  epochs?: number;
  wallSeconds?: number;
  trainSeconds?: number;
  evalSeconds?: number;
  capSeconds?: number;
  bestAccuracy?: number;
  evaluations?: Array<{ step?: number; epoch?: number; accuracy?: number; seconds?: number }>;
  recipe?: Record<string, number | string>;
}

/** bench/lib/profile_cnn.ts: where a trainkit CNN step's time goes. */
export interface CnnProfile {
  batch?: number;
  steps?: number;
  wallMsPerStep?: number;
  kernelMsPerStep?: number;
  kernels?: Array<{ name?: string; msPerStep?: number; share?: number; callsPerStep?: number }>;
}

export type Runner = 'trainkit-fit' | 'layers-fit' | 'layers-fit-shipped';

/** bench/lib/paired.ts: trainkit and PyTorch in alternating rounds. */
export interface PairedFile {
  plan?: { warmupSteps?: number; settle?: number; steps?: number; rounds?: number };
  examplesPerSecond?: { trainkit?: number; pytorch?: number; 'pytorch-plain'?: number };
  ratio?: { pytorch?: { median?: number; min?: number; max?: number }; 'pytorch-plain'?: { median?: number; min?: number; max?: number } };
  peakRssMb?: { trainkit?: number; pytorch?: number; 'pytorch-plain'?: number };
}

export interface TrainingFile extends RunRecord {
  quick?: boolean;
  throughput?: { mlp?: Partial<Record<Runner, Throughput>>; cnn?: Partial<Record<Runner, Throughput>> };
  /** Files before the paired rounds: PyTorch's throughput from its own runs. */
  pytorch?: { mlp?: TorchRun; cnn?: TorchRun; checks?: BlasCheck[] } | null;
  paired?: { mlp?: PairedFile; cnn?: PairedFile } | null;
  profile?: CnnProfile | null;
  timeToAccuracy?: {
    /** The first seed's runs. */
    trainkit?: { tta?: TimeToAccuracy; peakRssMb?: number };
    pytorch?: { tta?: TimeToAccuracy; peakRssMb?: number; blas?: string[] };
    /** Every seed's runs (files from 2026-12-02 on). */
    seeds?: Array<{ seed?: number; trainkit?: { tta?: TimeToAccuracy; peakRssMb?: number }; pytorch?: { tta?: TimeToAccuracy; peakRssMb?: number } }>;
  } | null;
  peakRssMb?: {
    cnnThroughput?: { trainkit?: number | null; pytorch?: number | null } | null;
    cnnTimeToAccuracy?: { trainkit?: number | null; pytorch?: number | null } | null;
  };
}

/** One arm of bench/lib/augment_accuracy.ts: the CNN trained without or with augmentation. */
export interface AugmentArm {
  augment?: string;
  trainSeconds?: number;
  finalTrainLoss?: number;
  testAccuracy?: number;
  mirrorTtaAccuracy?: number;
  tenCropTtaAccuracy?: number;
  /** The ten-crop windows without their mirrors. */
  fiveCropTtaAccuracy?: number;
  evalSeconds?: number;
}

/** bench/augment.ts: augmentation throughput and the accuracy effect. */
export interface AugmentFile extends RunRecord {
  throughput?: { batch?: number[]; results?: Array<{ stage?: string; msPerBatch?: number; imagesPerSecond?: number; roundsMs?: number[] }> };
  accuracy?: {
    started?: string;
    finished?: string;
    loadAverage?: { start?: number[]; end?: number[] };
    config?: { trainImages?: number; testImages?: number; epochs?: number; batch?: number; padding?: number; seed?: number; optimizer?: string; peakLr?: number; schedule?: string; tenCrop?: string };
    plain?: AugmentArm;
    augmented?: AugmentArm;
    /** The padded crop without the flip (--crop-only). */
    cropOnly?: AugmentArm;
  } | null;
}

/** The result files; a file that does not exist is undefined. */
/** bench/search-fashion.ts: one search per arm, issue 8's protocol. */
export interface SearchFashionFile extends RunRecord {
  seconds?: number;
  workers?: number;
  epochs?: number;
  summary?: Record<string, { best?: number | null; testAccuracy?: number | null; foundAt_s?: number | null; bestBy?: Record<string, number | null> }>;
  tpeReachedOptunaBestAt_s?: number | null;
  arms?: Record<string, { label?: string; wall_s?: number; trials?: Array<{ state?: string }>; versions?: { blas?: string[] } }>;
}

/** bench/dashboard.ts: the command center in headless Chromium. */
export interface DashboardFile extends RunRecord {
  chromium?: string;
  firstRender?: { trials?: number; points?: number; coldMs?: number; coldNoPrefetchMs?: number; warmMedianMs?: number; targetMs?: number };
  firstRender10k?: { trials?: number; points?: number; coldMs?: number; coldNoPrefetchMs?: number; warmMedianMs?: number };
  reportToScreen?: { samples?: number; medianMs?: number; p95Ms?: number; maxMs?: number; targetMs?: number };
}

export interface BenchResults {
  optimizers?: OptimizersFile;
  engine?: EngineFile;
  training?: TrainingFile;
  augment?: AugmentFile;
  searchFashion?: SearchFashionFile;
  dashboard?: DashboardFile;
}

export const RESULT_FILES = ['optimizers', 'engine', 'training', 'augment', 'search-fashion', 'dashboard'] as const;

/** Reads {optimizers,engine,training,augment}.json in `dir`; a missing file is left out, a malformed one throws naming it. */
export function readResults(dir: string): BenchResults {
  const read = (name: string) => {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  };
  return {
    optimizers: read('optimizers'),
    engine: read('engine'),
    training: read('training'),
    augment: read('augment'),
    searchFashion: read('search-fashion'),
    dashboard: read('dashboard'),
  };
}
