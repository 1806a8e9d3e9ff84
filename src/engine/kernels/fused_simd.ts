/**
 * WebAssembly SIMD versions of the fused elementwise kernels, for the wasm backend.
 *
 * Why: plain JavaScript loops are scalar, so on the wasm backend a fused JS loop (~11 ns per
 * element for Adam, measured) is slower than the 9–13 SIMD kernels it replaces (~1 ns per element
 * and pass). A kernel here is an expression over four float32 lanes (`Lane`), compiled at run time
 * into a tiny WebAssembly module (one function, one loop, ~200 bytes) that imports the wasm
 * backend's own memory, so it reads and writes the tensors where they are, in one pass.
 *
 * Arithmetic: f32x4.add/sub/mul/div/sqrt are IEEE float32 operations, correctly rounded (the
 * WebAssembly specification leaves no freedom there), exactly what the backend's own kernels do
 * one operation at a time; so a kernel gives the bits of the op route when its expression has the
 * op route's operations in the op route's order.
 *
 * The wasm backend's memory is not public API: it is found as `wasmMemory` (threaded build) or as
 * the exported `memory` (single-threaded build) of the Emscripten module of tfjs-backend-wasm
 * 4.22 (the version package.json pins). Where it is not found, or the engine lacks SIMD, there is
 * no SIMD function (`simdFunction` returns undefined) and the caller takes another route.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A value of four float32 lanes: an input, a constant (splat), or an operation on lanes. */
export type Lane =
  | { op: 'input'; index: number }
  | { op: 'const'; index: number }
  | { op: 'add' | 'sub' | 'mul' | 'div'; a: Lane; b: Lane }
  | { op: 'sqrt' | 'sign'; a: Lane }
  | { op: 'gt' | 'ne' | 'and' | 'andNot' | 'or'; a: Lane; b: Lane }
  | { op: 'select'; mask: Lane; a: Lane; b: Lane };

/** Lane builders, for writing a kernel's expression. */
export const lanes = {
  add: (a: Lane, b: Lane): Lane => ({ op: 'add', a, b }),
  sub: (a: Lane, b: Lane): Lane => ({ op: 'sub', a, b }),
  mul: (a: Lane, b: Lane): Lane => ({ op: 'mul', a, b }),
  div: (a: Lane, b: Lane): Lane => ({ op: 'div', a, b }),
  sqrt: (a: Lane): Lane => ({ op: 'sqrt', a }),
  /** 1 where a > 0, −1 where a < 0, 0 for ±0 and NaN. */
  sign: (a: Lane): Lane => ({ op: 'sign', a }),
  /** A lane mask: all ones where a > b (false for NaN), all zeros elsewhere. */
  gt: (a: Lane, b: Lane): Lane => ({ op: 'gt', a, b }),
  /** A lane mask: all ones where a ≠ b (true for NaN: `ne(x, x)` finds NaNs). */
  ne: (a: Lane, b: Lane): Lane => ({ op: 'ne', a, b }),
  /** Bitwise a | b. */
  or: (a: Lane, b: Lane): Lane => ({ op: 'or', a, b }),
  /** Bitwise a & b (a mask and a value: the value where the mask is set, +0 elsewhere). */
  and: (a: Lane, b: Lane): Lane => ({ op: 'and', a, b }),
  /** Bitwise a & ~b. */
  andNot: (a: Lane, b: Lane): Lane => ({ op: 'andNot', a, b }),
  /** a where `mask` is set, b elsewhere (bitwise select). */
  select: (mask: Lane, a: Lane, b: Lane): Lane => ({ op: 'select', mask, a, b }),
};

/** A kernel's SIMD form: `build` maps the input and constant lanes to the output lanes. */
export interface SimdKernel {
  name: string;
  inputs: number;
  outputs: number;
  constants: number;
  build(inputs: Lane[], constants: Lane[]): Lane[];
}

/**
 * `fn(...inputOffsets, ...outputOffsets, count, ...constants)`: one pass over `count` elements
 * (a multiple of 4) at the given byte offsets of the wasm heap.
 */
export type SimdFunction = (...args: number[]) => void;

// ---- WebAssembly binary encoding (just what these kernels need) ----

export const I32 = 0x7f;
const F32 = 0x7d;
export const V128 = 0x7b;
const SIMD = 0xfd;
/** The WebAssembly opcodes trainkit's runtime-built kernels use (this file's and gemm_simd.ts's). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
} as const;
/** SIMD sub-opcodes (after the 0xfd prefix, LEB128-encoded). */
export const VOP = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  f32x4Splat: 0x13,
  f32x4Ne: 0x42,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  and: 0x4e,
  andNot: 0x4f,
  or: 0x50,
  bitselect: 0x52,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
} as const;
const BINARY = {
  add: VOP.f32x4Add,
  sub: VOP.f32x4Sub,
  mul: VOP.f32x4Mul,
  div: VOP.f32x4Div,
  gt: VOP.f32x4Gt,
  ne: VOP.f32x4Ne,
  and: VOP.and,
  or: VOP.or,
  andNot: VOP.andNot,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

export const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
export const simd = (op: number) => [SIMD, ...uleb(op)];
/** memarg: alignment hint 2^2 (float32 arrays are 4-byte aligned), offset 0. */
export const MEMARG = [2, 0];

/** A v128.const of four lanes of float32 `x`. */
export function splat4(x: number): number[] {
  const bytes = new Uint8Array(Float32Array.of(x, x, x, x).buffer);
  return [...simd(VOP.const), ...bytes];
}

/** The function body: locals, the constant splats, the loop. */
function compileBody(k: SimdKernel): number[] {
  const inputs = Array.from({ length: k.inputs }, (_, index): Lane => ({ op: 'input', index }));
  const constants = Array.from({ length: k.constants }, (_, index): Lane => ({ op: 'const', index }));
  const outputs = k.build(inputs, constants);
  if (outputs.length !== k.outputs) throw new Error(`${k.name}: ${outputs.length} outputs built, ${k.outputs} declared`);

  // Parameters: input offsets, output offsets, count (i32); constants (f32).
  const count = k.inputs + k.outputs;
  const firstConstParam = count + 1;
  // Locals after the parameters: i, end (i32); one v128 per constant; then v128 temporaries.
  const iLocal = firstConstParam + k.constants;
  const endLocal = iLocal + 1;
  const constLocal = (c: number) => endLocal + 1 + c;
  let temps = 0;
  const newTemp = () => endLocal + 1 + k.constants + temps++;

  // Lanes used more than once are computed once per iteration into a temporary.
  const uses = new Map<Lane, number>();
  const countUses = (x: Lane) => {
    uses.set(x, (uses.get(x) ?? 0) + 1);
    if (uses.get(x)! > 1) return;
    if ('a' in x) countUses(x.a);
    if ('b' in x) countUses(x.b);
    if ('mask' in x) countUses(x.mask);
  };
  outputs.forEach(countUses);
  const saved = new Map<Lane, number>();

  const emit = (x: Lane): number[] => {
    const local = saved.get(x);
    if (local !== undefined) return [OP.localGet, ...uleb(local)];
    let code: number[];
    switch (x.op) {
      case 'input':
        code = [OP.localGet, ...uleb(x.index), OP.localGet, ...uleb(iLocal), OP.i32Add, ...simd(VOP.load), ...MEMARG];
        break;
      case 'const':
        return [OP.localGet, ...uleb(constLocal(x.index))];
      case 'sqrt':
        code = [...emit(x.a), ...simd(VOP.f32x4Sqrt)];
        break;
      case 'sign': {
        // (a > 0) & 1.0  |  (a < 0) & −1.0: the compare masks are all-ones or all-zeros lanes.
        const t = newTemp();
        code = [
          ...emit(x.a), OP.localTee, ...uleb(t), ...splat4(0), ...simd(VOP.f32x4Gt), ...splat4(1), ...simd(VOP.and),
          OP.localGet, ...uleb(t), ...splat4(0), ...simd(VOP.f32x4Lt), ...splat4(-1), ...simd(VOP.and),
          ...simd(VOP.or),
        ];
        break;
      }
      case 'select':
        code = [...emit(x.a), ...emit(x.b), ...emit(x.mask), ...simd(VOP.bitselect)];
        break;
      default:
        code = [...emit(x.a), ...emit(x.b), ...simd(BINARY[x.op])];
    }
    if (uses.get(x)! > 1) {
      const t = newTemp();
      saved.set(x, t);
      code.push(OP.localTee, ...uleb(t));
    }
    return code;
  };

  const loopBody: number[] = [OP.localGet, ...uleb(iLocal), OP.localGet, ...uleb(endLocal), OP.i32GeU, OP.brIf, 1];
  outputs.forEach((lane, j) => {
    loopBody.push(OP.localGet, ...uleb(k.inputs + j), OP.localGet, ...uleb(iLocal), OP.i32Add);
    loopBody.push(...emit(lane), ...simd(VOP.store), ...MEMARG);
  });
  loopBody.push(OP.localGet, ...uleb(iLocal), OP.i32Const, ...sleb(16), OP.i32Add, OP.localSet, ...uleb(iLocal));
  loopBody.push(OP.br, 0);

  const code: number[] = [];
  for (let c = 0; c < k.constants; c++) {
    code.push(OP.localGet, ...uleb(firstConstParam + c), ...simd(VOP.f32x4Splat), OP.localSet, ...uleb(constLocal(c)));
  }
  code.push(OP.localGet, ...uleb(count), OP.i32Const, 2, OP.i32Shl, OP.localSet, ...uleb(endLocal));
  code.push(OP.block, 0x40, OP.loop, 0x40, ...loopBody, OP.end, OP.end, OP.end);
  const locals = vec([
    [...uleb(2), I32],
    [...uleb(k.constants + temps), V128],
  ]);
  return [...locals, ...code];
}

/** The module of one kernel: imports `env.memory` (shared or not, as the backend's is), exports `run`. */
export function compileSimdModule(k: SimdKernel, sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const params = [...Array(k.inputs + k.outputs + 1).fill(I32), ...Array(k.constants).fill(F32)];
  return runModule(params, compileBody(k), sharedMemory);
}

/**
 * A module of one function `run(params) → nothing` with `body` (its locals and code), importing
 * `env.memory` (shared or not, as the backend's is; a shared memory must declare a maximum:
 * 65536 pages = 4 GiB).
 */
export function runModule(params: number[], body: number[], sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec(params.map((p) => [p])), ...vec([])];
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str('run'), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

// ---- Instances, one per kernel and wasm memory ----

/** The wasm backend's WebAssembly.Memory (see the module comment), or undefined. */
export function backendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const module = (backend as BackendWasm | undefined)?.wasm as unknown as
    | { wasmMemory?: unknown; asm?: Record<string, unknown> }
    | undefined;
  if (module == null) return undefined;
  if (module.wasmMemory instanceof WebAssembly.Memory) return module.wasmMemory;
  // The single-threaded build exports it among ~300 functions: searched once per module (a memory
  // object stays the same when it grows; only its buffer is replaced).
  const asm = module.asm;
  if (asm == null) return undefined;
  if (!exportedMemory.has(asm)) exportedMemory.set(asm, Object.values(asm).find((v) => v instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined);
  return exportedMemory.get(asm);
}

const exportedMemory = new WeakMap<object, WebAssembly.Memory | undefined>();

const instances = new WeakMap<WebAssembly.Memory, Map<string, SimdFunction | null>>();

/**
 * The compiled SIMD function of `k` on this wasm backend's memory, or undefined where it cannot be
 * built (memory not found, no SIMD in this engine). Compiled once per memory and kernel.
 */
export function simdFunction(backend: unknown, k: SimdKernel): SimdFunction | undefined {
  return runFunction<SimdFunction>(backend, k.name, (shared) => compileSimdModule(k, shared));
}

/**
 * The `run` export of the module `build` makes (see `runModule`), instantiated on this wasm
 * backend's memory once per `name`; undefined where it cannot be (memory not found, no SIMD in this
 * engine, a module the engine refuses).
 */
export function runFunction<F>(backend: unknown, name: string, build: (sharedMemory: boolean) => Uint8Array<ArrayBuffer>): F | undefined {
  const memory = backendMemory(backend);
  if (memory === undefined) return undefined;
  let byName = instances.get(memory);
  if (byName === undefined) instances.set(memory, (byName = new Map()));
  if (!byName.has(name)) {
    let fn: SimdFunction | null = null;
    try {
      const bytes = build(typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer);
      if (WebAssembly.validate(bytes)) fn = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.run as SimdFunction;
    } catch {
      fn = null; // no SIMD here, or the memory cannot be imported: the caller takes another route
    }
    byName.set(name, fn);
  }
  return (byName.get(name) ?? undefined) as F | undefined;
}
