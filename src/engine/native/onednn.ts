/**
 * oneDNN 2.x convolutions through koffi, in Node: forward, input gradient and filter gradient of a
 * dilation-1 NHWC convolution, reading and writing the wasm heap in place.
 *
 * Each convolution, per geometry, is built once and cached: a primitive, buffers of its own for the
 * operands it wants in another layout, and reorders between those and tfjs's NHWC / HWIO tensors
 * (whose addresses are set on every call). The activations (input, output and their gradients) are
 * asked for in tfjs's own NHWC layout and only the filter's layout is left to oneDNN
 * (`format_tag_any`). On AVX-512 and AVX2, oneDNN 2.6 then picks a direct NHWC kernel (`brgconv:…`,
 * `jit:…`), as fast as its blocked ones or faster, and the reorders of the activations, ~9 of the
 * CNN benchmark's ~32 ms of convolution per step, disappear. Where its choice for NHWC is not a
 * direct kernel (`x64:gemm:jit`, im2col on SSE4.1-only CPUs: up to 6× slower than in its own
 * layouts, measured with `DNNL_MAX_CPU_ISA=SSE41`; `ref:…`), every layout is left to it,
 * activations included, with reorders around. (A filter in tfjs's plain HWIO layout gets oneDNN's
 * reference kernel, `ref:any`, in every pass: ~900 ms measured for the gradients.)
 *
 * Its C API takes descriptor structs by pointer whose size changes between 2.x and 3.x: they are
 * opaque buffers here, far larger than any 2.x descriptor, and `dnnl_version()` must say 2.
 * oneDNN's OpenMP threads are told to sleep when idle (`OMP_WAIT_POLICY=passive`) so they do not
 * spin against OpenBLAS's.
 */
import type { LibraryHandle } from 'koffi';
import { EngineError } from '../../errors.js';
import type { ConvGeometry, ConvKind, ConvPlan, NativeConv } from './dnn.js';
import { countConvolution } from './dnn.js';
import { firstLine, openLibrary, type NotLoaded } from './library.js';

/** Where Debian's `libdnnl2` installs the library. */
export function debianOneDnnPath(arch: string = process.arch): string {
  const triplet = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu' }[arch];
  return `/usr/lib/${triplet ?? `${arch}-linux-gnu`}/libdnnl.so.2`;
}

export type OneDnnLoad = { conv: NativeConv } | NotLoaded;

// oneDNN 2.x constants (dnnl_types.h).
const F32 = 3;
const FORMAT_ANY = 1;
const CPU = 1;
const IN_ORDER = 1;
const FORWARD_TRAINING = 64;
const DIRECT = 1;
const EXEC_ARG_MD = 255;
const ARG = { src: 1, dst: 17, weights: 33, bias: 41, diffSrc: 129, diffDst: 145, diffWeights: 161 } as const;
/** `DNNL_MEMORY_ALLOCATE`: the library allocates the buffer. */
const ALLOCATE = -1;
/** Bytes reserved for a descriptor struct (2.x: a memory descriptor < 1 KiB, a convolution's < 5 KiB). */
const DESC_BYTES = 16384;
/** `dnnl_query_impl_info_str`: the implementation's name. */
const QUERY_IMPL = 8;
/** oneDNN's direct convolution kernels ('brgconv:avx512_core', 'jit:avx2', …), fast on NHWC. */
const DIRECT_KERNEL = /^(jit|brg)/;
/** Geometries whose primitives are kept (a training run has a few; more means shapes keep changing). */
const CACHE_LIMIT = 64;

type Handle = unknown;

/** koffi's `dnnl_exec_arg_t` (a type name can be declared once per process). */
let execArg: unknown;
let versionType: unknown;
type Fn = (...args: unknown[]) => unknown;

function bind(lib: LibraryHandle): Record<string, Fn> {
  const fn = (decl: string) => lib.func(decl) as Fn;
  return {
    engineCreate: fn('int dnnl_engine_create(_Out_ void **engine, int kind, size_t index)'),
    streamCreate: fn('int dnnl_stream_create(_Out_ void **stream, void *engine, unsigned int flags)'),
    mdStrides: fn('int dnnl_memory_desc_init_by_strides(void *md, int ndims, int64_t *dims, int dataType, int64_t *strides)'),
    mdTag: fn('int dnnl_memory_desc_init_by_tag(void *md, int ndims, int64_t *dims, int dataType, int tag)'),
    convForward: fn('int dnnl_convolution_forward_desc_init(void *desc, int prop, int alg, void *src, void *weights, void *bias, void *dst, int64_t *strides, int64_t *padL, int64_t *padR)'),
    convBackwardData: fn('int dnnl_convolution_backward_data_desc_init(void *desc, int alg, void *diffSrc, void *weights, void *diffDst, int64_t *strides, int64_t *padL, int64_t *padR)'),
    convBackwardWeights: fn('int dnnl_convolution_backward_weights_desc_init(void *desc, int alg, void *src, void *diffWeights, void *diffBias, void *diffDst, int64_t *strides, int64_t *padL, int64_t *padR)'),
    pdCreate: fn('int dnnl_primitive_desc_create(_Out_ void **pd, void *desc, void *attr, void *engine, void *hint)'),
    queryString: fn('int dnnl_primitive_desc_query(void *pd, int what, int index, _Out_ const char **result)'),
    queryMd: fn('void *dnnl_primitive_desc_query_md(void *pd, int what, int index)'),
    memoryCreate: fn('int dnnl_memory_create(_Out_ void **memory, void *md, void *engine, void *handle)'),
    memoryAllocate: fn('int dnnl_memory_create(_Out_ void **memory, void *md, void *engine, intptr_t handle)'),
    setHandle: fn('int dnnl_memory_set_data_handle(void *memory, void *handle)'),
    mdEqual: fn('int dnnl_memory_desc_equal(void *a, void *b)'),
    reorderPd: fn('int dnnl_reorder_primitive_desc_create(_Out_ void **pd, void *src, void *srcEngine, void *dst, void *dstEngine, void *attr)'),
    primitiveCreate: fn('int dnnl_primitive_create(_Out_ void **primitive, void *pd)'),
    execute: fn('int dnnl_primitive_execute(void *primitive, void *stream, int nargs, dnnl_exec_arg_t *args)'),
    wait: fn('int dnnl_stream_wait(void *stream)'),
    primitiveDestroy: fn('int dnnl_primitive_destroy(void *primitive)'),
    pdDestroy: fn('int dnnl_primitive_desc_destroy(void *pd)'),
    memoryDestroy: fn('int dnnl_memory_destroy(void *memory)'),
  };
}

/**
 * Where a convolution's activations live for oneDNN: `'nhwc'` (the default) asks for tfjs's own
 * layout and falls back to `'any'` per convolution when oneDNN has no direct kernel for it;
 * `'any'` lets oneDNN choose (its blocked layouts, with reorders on every call).
 */
export type ActivationLayout = 'nhwc' | 'any';

/**
 * Loads oneDNN from `path`, checks that it is 2.x, and returns its convolutions after checking one
 * small forward convolution against a direct sum.
 *
 * @example
 * const loaded = loadOneDnn(debianOneDnnPath(), 2);
 * if ('conv' in loaded) console.log(loaded.conv.version); // 'oneDNN 2.6.3'
 */
export function loadOneDnn(path: string, threads: number, activations: ActivationLayout = 'nhwc'): OneDnnLoad {
  const opened = openLibrary(path, () => {
    // Read by OpenMP when the library loads.
    process.env.OMP_NUM_THREADS ??= String(threads);
    process.env.OMP_WAIT_POLICY ??= 'passive';
  });
  if (!('lib' in opened)) return opened;
  const { koffi, lib } = opened;
  try {
    versionType ??= koffi.struct('trainkit_dnnl_version_t', { major: 'int', minor: 'int', patch: 'int', hash: 'const char *', cpuRuntime: 'unsigned int', gpuRuntime: 'unsigned int' });
    const version = koffi.decode(lib.func('void *dnnl_version(void)')(), versionType as never) as { major: number; minor: number; patch: number };
    const name = `oneDNN ${version.major}.${version.minor}.${version.patch}`;
    if (version.major !== 2) return { reason: `${path} is ${name}; trainkit's convolutions need oneDNN 2.x`, broken: false };
    execArg ??= koffi.struct('dnnl_exec_arg_t', { arg: 'int', memory: 'void *' });
    const conv = makeConvolutions(bind(lib), path, name, activations);
    const wrong = checkForward(conv);
    if (wrong !== undefined) return { reason: `${path} computed a wrong convolution (${wrong})`, broken: true };
    return { conv };
  } catch (error) {
    return { reason: `${path} is not a usable oneDNN 2.x: ${firstLine(error)}`, broken: true };
  }
}

interface Step {
  primitive: Handle;
  args: { arg: number; memory: Handle }[];
}

/**
 * A cached convolution: the user-layout memories to point at tensors, the steps to run, what to
 * free, and what it is (the layout of its activations, oneDNN's name for its implementation, and how
 * many reorders run around it).
 */
interface Built {
  user: Record<string, Handle>;
  steps: Step[];
  owned: { primitives: Handle[]; pds: Handle[]; memories: Handle[] };
  plan: ConvPlan;
}

function makeConvolutions(f: Record<string, Fn>, library: string, version: string, activations: ActivationLayout): NativeConv {
  const ok = (status: unknown, what: string) => {
    if (status !== 0) throw new EngineError(`oneDNN: ${what} failed (status ${String(status)})`);
  };
  const create = (what: string, call: (out: Handle[]) => unknown): Handle => {
    const out: Handle[] = [null];
    ok(call(out), what);
    return out[0];
  };
  const engine = create('engine', (o) => f.engineCreate(o, CPU, 0));
  const stream = create('stream', (o) => f.streamCreate(o, engine, IN_ORDER));
  const dims = (values: number[]) => BigInt64Array.from(values.map(BigInt));
  const desc = () => Buffer.alloc(DESC_BYTES);
  const plain = (shape: number[], strides: number[]) => {
    const md = desc();
    ok(f.mdStrides(md, shape.length, dims(shape), F32, dims(strides)), 'memory descriptor');
    return md;
  };
  const any = (shape: number[]) => {
    const md = desc();
    ok(f.mdTag(md, shape.length, dims(shape), F32, FORMAT_ANY), 'memory descriptor');
    return md;
  };
  /** Handles made for the convolution being built, freed when it leaves the cache. */
  let owned: Built['owned'] = { primitives: [], pds: [], memories: [] };
  const pdOf = (what: string, call: (out: Handle[]) => unknown) => {
    const pd = create(what, call);
    owned.pds.push(pd);
    return pd;
  };
  const primitive = (pd: Handle) => {
    const p = create('primitive', (o) => f.primitiveCreate(o, pd));
    owned.primitives.push(p);
    return p;
  };
  const memory = (md: unknown, handle: unknown, allocate: Fn) => {
    const m = create('memory', (o) => allocate(o, md, engine, handle));
    owned.memories.push(m);
    return m;
  };
  /** The primitive's memory for `arg`: the user's own when layouts agree, else a buffer and a reorder step. */
  const connect = (pd: Handle, arg: number, userMd: Buffer, user: Handle, direction: 'in' | 'out', before: Step[], after: Step[]) => {
    const md = f.queryMd(pd, EXEC_ARG_MD, arg);
    if (f.mdEqual(md, userMd) === 1) return user;
    const own = memory(md, ALLOCATE, f.memoryAllocate);
    const [from, to, fromMd, toMd] = direction === 'in' ? [user, own, userMd, md] : [own, user, md, userMd];
    const reorder = primitive(pdOf('reorder', (o) => f.reorderPd(o, fromMd, engine, toMd, engine, null)));
    (direction === 'in' ? before : after).push({ primitive: reorder, args: [{ arg: ARG.src, memory: from }, { arg: ARG.dst, memory: to }] });
    return own;
  };

  const implementation = (pd: Handle): string => {
    const out: Handle[] = [null];
    ok(f.queryString(pd, QUERY_IMPL, 0, out), 'implementation query');
    return String(out[0]);
  };

  const cache = new Map<string, Built>();
  /** The cached convolution of this kind and geometry, built on first use (a failed build frees what it made). */
  const build = (kind: ConvKind, g: ConvGeometry): Built => {
    const key = `${kind}:${Object.values(g).join(',')}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (cache.size >= CACHE_LIMIT) {
      for (const old of cache.values()) free(old.owned);
      cache.clear();
    }
    owned = { primitives: [], pds: [], memories: [] };
    try {
      // NHWC where oneDNN has a direct kernel for it; else (refused, im2col, reference) its own layouts.
      let built: Built | undefined;
      if (activations === 'nhwc') {
        try {
          built = construct(kind, g, 'nhwc');
        } catch {
          built = undefined;
        }
        if (built === undefined || !DIRECT_KERNEL.test(built.plan.implementation)) {
          free(owned);
          owned = { primitives: [], pds: [], memories: [] };
          built = undefined;
        }
      }
      built ??= construct(kind, g, 'any');
      cache.set(key, built);
      return built;
    } catch (error) {
      free(owned);
      throw error;
    }
  };
  const construct = (kind: ConvKind, g: ConvGeometry, layout: ActivationLayout): Built => {
    const xShape = [g.n, g.inC, g.inH, g.inW];
    const wShape = [g.outC, g.inC, g.kh, g.kw];
    const yShape = [g.n, g.outC, g.outH, g.outW];
    const mds = {
      x: plain(xShape, [g.inH * g.inW * g.inC, 1, g.inW * g.inC, g.inC]),
      w: plain(wShape, [1, g.outC, g.kw * g.inC * g.outC, g.inC * g.outC]),
      y: plain(yShape, [g.outH * g.outW * g.outC, 1, g.outW * g.outC, g.outC]),
      bias: plain([g.outC], [1]),
    };
    const strides = dims([g.strideH, g.strideW]);
    const padL = dims([g.padTop, g.padLeft]);
    const padR = dims([(g.outH - 1) * g.strideH + g.kh - g.inH - g.padTop, (g.outW - 1) * g.strideW + g.kw - g.inW - g.padLeft]);
    const withBias = kind === 'forwardBias';
    const act = (md: Buffer, shape: number[]) => (layout === 'nhwc' ? md : any(shape));
    const [xMd, yMd] = [act(mds.x, xShape), act(mds.y, yShape)];
    const forwardDesc = desc();
    ok(f.convForward(forwardDesc, FORWARD_TRAINING, DIRECT, xMd, any(wShape), withBias ? mds.bias : null, yMd, strides, padL, padR), 'convolution descriptor');
    const forwardPd = pdOf('convolution', (o) => f.pdCreate(o, forwardDesc, null, engine, null));
    const userMemory = (md: Buffer) => memory(md, null, f.memoryCreate);
    const user = { x: userMemory(mds.x), w: userMemory(mds.w), y: userMemory(mds.y), bias: userMemory(mds.bias) };
    const before: Step[] = [];
    const after: Step[] = [];
    let main: Step;
    let mainPd: Handle = forwardPd;
    if (kind === 'forward' || kind === 'forwardBias') {
      const args = [
        { arg: ARG.src, memory: connect(forwardPd, ARG.src, mds.x, user.x, 'in', before, after) },
        { arg: ARG.weights, memory: connect(forwardPd, ARG.weights, mds.w, user.w, 'in', before, after) },
        { arg: ARG.dst, memory: connect(forwardPd, ARG.dst, mds.y, user.y, 'out', before, after) },
        ...(withBias ? [{ arg: ARG.bias, memory: user.bias }] : []),
      ];
      main = { primitive: primitive(forwardPd), args };
    } else if (kind === 'data') {
      const d = desc();
      ok(f.convBackwardData(d, DIRECT, xMd, any(wShape), yMd, strides, padL, padR), 'convolution descriptor');
      const pd = pdOf('convolution', (o) => f.pdCreate(o, d, null, engine, forwardPd));
      const args = [
        { arg: ARG.diffDst, memory: connect(pd, ARG.diffDst, mds.y, user.y, 'in', before, after) },
        { arg: ARG.weights, memory: connect(pd, ARG.weights, mds.w, user.w, 'in', before, after) },
        { arg: ARG.diffSrc, memory: connect(pd, ARG.diffSrc, mds.x, user.x, 'out', before, after) },
      ];
      main = { primitive: primitive(pd), args };
      mainPd = pd;
    } else {
      const d = desc();
      ok(f.convBackwardWeights(d, DIRECT, xMd, any(wShape), null, yMd, strides, padL, padR), 'convolution descriptor');
      const pd = pdOf('convolution', (o) => f.pdCreate(o, d, null, engine, forwardPd));
      const args = [
        { arg: ARG.src, memory: connect(pd, ARG.src, mds.x, user.x, 'in', before, after) },
        { arg: ARG.diffDst, memory: connect(pd, ARG.diffDst, mds.y, user.y, 'in', before, after) },
        { arg: ARG.diffWeights, memory: connect(pd, ARG.diffWeights, mds.w, user.w, 'out', before, after) },
      ];
      main = { primitive: primitive(pd), args };
      mainPd = pd;
    }
    const plan = { activations: layout, implementation: implementation(mainPd), reorders: before.length + after.length };
    return { user, steps: [...before, main, ...after], owned, plan };
  };
  const free = ({ primitives, pds, memories }: Built['owned']) => {
    for (const p of primitives) f.primitiveDestroy(p);
    for (const pd of pds) f.pdDestroy(pd);
    for (const m of memories) f.memoryDestroy(m);
  };
  const run = (built: Built, heap: Float32Array, pointers: Record<string, number>) => {
    for (const [name, ptr] of Object.entries(pointers)) ok(f.setHandle(built.user[name], heap.subarray(ptr >>> 2)), 'set data handle');
    for (const step of built.steps) ok(f.execute(step.primitive, stream, step.args.length, step.args), 'execute');
    ok(f.wait(stream), 'stream wait');
    countConvolution();
  };
  return {
    forward: (heap, g, x, w, y, bias) =>
      bias === undefined ? run(build('forward', g), heap, { x, w, y }) : run(build('forwardBias', g), heap, { x, w, y, bias }),
    backwardData: (heap, g, dy, w, dx) => run(build('data', g), heap, { y: dy, w, x: dx }),
    backwardWeights: (heap, g, x, dy, dw) => run(build('weights', g), heap, { x, y: dy, w: dw }),
    plan: (kind, g) => build(kind, g).plan,
    library,
    version,
  };
}

/** A 1×3×3×2 input, a 2×2×2×1 filter of ones, stride 1, valid: each output is the sum of a 2×2×2 window. */
function checkForward(conv: NativeConv): string | undefined {
  const heap = new Float32Array(64);
  for (let i = 0; i < 18; i++) heap[i] = i;
  heap.fill(1, 20, 28);
  const g: ConvGeometry = { n: 1, inH: 3, inW: 3, inC: 2, outH: 2, outW: 2, outC: 1, kh: 2, kw: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
  conv.forward(heap, g, 0, 80, 128);
  // Window at (r, c) sums x[(r+i)·3 + c+j][ch] = 2((r+i)·3 + c+j) + ch over i, j, ch.
  const want = [0, 1, 3, 4].map((p) => [0, 1, 3, 4].reduce((s, q) => s + 4 * (p + q) + 1, 0));
  const got = Array.from(heap.subarray(32, 36));
  return got.every((v, i) => v === want[i]) ? undefined : `[${got}] for [${want}]`;
}

