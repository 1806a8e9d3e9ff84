/**
 * The base of trainkit's random layers (SeededDropout, DropConnectDense, StochasticDepth,
 * FractionalMaxPooling2D): a tfjs-layers `Layer` that owns an `Rng` seeded from its config, so its
 * masks are reproducible and its seed is saved with the model. The generator's position is not part
 * of the saved model (a loaded model restarts from the seed); checkpoints that must resume exactly
 * save `getRngState()` and restore it with `setRngState()`.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '../errors.js';
import { Rng, type RngState } from '../engine/rng.js';

/** The base options every tfjs-layers layer takes (name, inputShape, trainable, dtype...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
/** The keyword arguments of `Layer.call` (`training`, `mask`). */
export type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** Options shared by the random layers. */
export interface SeededLayerArgs extends LayerArgs {
  /**
   * Seed of the layer's Rng. Default: a hash of the layer's name (names are unique within a model, so
   * two layers never share masks; the default name depends on how many such layers the process built
   * before, so pass a seed when runs must reproduce across programs). The seed is saved in the config.
   */
  seed?: number;
}

/** 32-bit FNV-1a hash of a string: the default seed of a random layer, derived from its name. */
export function seedFromName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const nameCounts = new Map<string, number>();

/**
 * `args` with a default layer name `prefix_N` (N counts per prefix in this process) when none is
 * given. trainkit's layers need it because their class names are namespaced ('trainkit>Maxout') and
 * tfjs-layers would build the default name from the class name, which may not contain '>'.
 */
export function withDefaultName<A extends LayerArgs>(args: A, prefix: string): A {
  if (args?.name !== undefined) return args;
  const n = (nameCounts.get(prefix) ?? 0) + 1;
  nameCounts.set(prefix, n);
  return { ...args, name: `${prefix}_${n}` };
}

/** A tfjs-layers Layer with a seeded trainkit `Rng` (see the file's comment). */
export abstract class SeededLayer extends tfl.layers.Layer {
  /** The seed in the layer's config. */
  readonly seed: number;
  protected rng: Rng;

  /** @param prefix the default layer name's prefix, e.g. 'seeded_dropout' */
  constructor(args: SeededLayerArgs, prefix: string) {
    super(withDefaultName(args, prefix));
    if (args.seed !== undefined && !Number.isSafeInteger(args.seed))
      throw new InvalidArgumentError('seed', args.seed, 'a safe integer');
    this.seed = args.seed ?? seedFromName(this.name);
    this.rng = new Rng(this.seed);
  }

  /** The generator's position, for checkpoints that resume exactly. */
  getRngState(): RngState {
    return this.rng.getState();
  }

  /** Continues the generator from a saved position. */
  setRngState(state: RngState): void {
    this.rng = Rng.fromState(state);
  }

  /** True when `kwargs.training` is set (tfjs-layers' rule: absent means inference). */
  protected isTraining(kwargs: Kwargs): boolean {
    return kwargs?.['training'] === true;
  }

  override getConfig() {
    return { ...super.getConfig(), seed: this.seed };
  }
}
