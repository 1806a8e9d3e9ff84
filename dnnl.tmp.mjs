import koffi from 'koffi';
process.env.OMP_WAIT_POLICY ??= 'passive';
process.env.OMP_NUM_THREADS ??= '2';
const lib = koffi.load('/usr/lib/x86_64-linux-gnu/libdnnl.so.2');
const ExecArg = koffi.struct('dnnl_exec_arg_t', { arg: 'int', memory: 'void *' });
const f = {
  engineCreate: lib.func('int dnnl_engine_create(_Out_ void **engine, int kind, size_t index)'),
  streamCreate: lib.func('int dnnl_stream_create(_Out_ void **stream, void *engine, unsigned int flags)'),
  mdStrides: lib.func('int dnnl_memory_desc_init_by_strides(void *md, int ndims, int64_t *dims, int dt, int64_t *strides)'),
  mdTag: lib.func('int dnnl_memory_desc_init_by_tag(void *md, int ndims, int64_t *dims, int dt, int tag)'),
  convFwd: lib.func('int dnnl_convolution_forward_desc_init(void *cd, int prop, int alg, void *src, void *w, void *bias, void *dst, int64_t *strides, int64_t *pl, int64_t *pr)'),
  convBwdData: lib.func('int dnnl_convolution_backward_data_desc_init(void *cd, int alg, void *diffSrc, void *w, void *diffDst, int64_t *strides, int64_t *pl, int64_t *pr)'),
  convBwdW: lib.func('int dnnl_convolution_backward_weights_desc_init(void *cd, int alg, void *src, void *diffW, void *diffBias, void *diffDst, int64_t *strides, int64_t *pl, int64_t *pr)'),
  pdCreate: lib.func('int dnnl_primitive_desc_create(_Out_ void **pd, void *opDesc, void *attr, void *engine, void *hint)'),
  queryMd: lib.func('void *dnnl_primitive_desc_query_md(void *pd, int what, int index)'),
  memCreate: lib.func('int dnnl_memory_create(_Out_ void **mem, void *md, void *engine, void *handle)'),
  memAlloc: lib.func('int dnnl_memory_create(_Out_ void **mem, void *md, void *engine, intptr_t handle)'),
  setHandle: lib.func('int dnnl_memory_set_data_handle(void *mem, void *handle)'),
  reorderPd: lib.func('int dnnl_reorder_primitive_desc_create(_Out_ void **pd, void *src, void *se, void *dst, void *de, void *attr)'),
  primCreate: lib.func('int dnnl_primitive_create(_Out_ void **p, void *pd)'),
  execute: lib.func('int dnnl_primitive_execute(void *p, void *stream, int nargs, dnnl_exec_arg_t *args)'),
  wait: lib.func('int dnnl_stream_wait(void *stream)'),
  mdEqual: lib.func('int dnnl_memory_desc_equal(void *a, void *b)'),
};
const ok = (s, what) => { if (s !== 0) throw new Error(`${what}: dnnl status ${s}`); };
const out = () => [null];
let o = out(); ok(f.engineCreate(o, 1, 0), 'engine'); const engine = o[0];
o = out(); ok(f.streamCreate(o, engine, 1), 'stream'); const stream = o[0];
const blob = () => Buffer.alloc(8192);
const dims = (a) => new BigInt64Array(a.map(BigInt));
const [N, H, W, C, KH, KW, O] = [64, 14, 14, 32, 3, 3, 64];
const [OH, OW] = [H, W]; // same, stride 1
const src = blob(), wts = blob(), dst = blob(), anyS = blob(), anyW = blob(), anyD = blob();
ok(f.mdStrides(src, 4, dims([N, C, H, W]), 3, dims([H * W * C, 1, W * C, C])), 'src md');
ok(f.mdStrides(wts, 4, dims([O, C, KH, KW]), 3, dims([1, O, KW * C * O, C * O])), 'w md');
ok(f.mdStrides(dst, 4, dims([N, O, OH, OW]), 3, dims([OH * OW * O, 1, OW * O, O])), 'dst md');
ok(f.mdTag(anyS, 4, dims([N, C, H, W]), 3, 1), 'any s');
ok(f.mdTag(anyW, 4, dims([O, C, KH, KW]), 3, 1), 'any w');
ok(f.mdTag(anyD, 4, dims([N, O, OH, OW]), 3, 1), 'any d');
const cd = blob();
ok(f.convFwd(cd, 64, 1, anyS, anyW, null, anyD, dims([1, 1]), dims([1, 1]), dims([1, 1])), 'conv desc');
o = out(); ok(f.pdCreate(o, cd, null, engine, null), 'pd'); const pd = o[0];
const EXEC_MD = 255;
const mdS = f.queryMd(pd, EXEC_MD, 1), mdW = f.queryMd(pd, EXEC_MD, 33), mdD = f.queryMd(pd, EXEC_MD, 17);
console.log('blocked src?', !f.mdEqual(mdS, src), 'w?', !f.mdEqual(mdW, wts), 'dst?', !f.mdEqual(mdD, dst));
const mem = (md, handle) => { const o = out(); ok(f.memCreate(o, md, engine, handle), 'mem'); return o[0]; };
const ALLOC = koffi.as ? null : null;
const heap = new Float32Array(new WebAssembly.Memory({ initial: 2000, maximum: 20000, shared: true }).buffer);
const xs = heap.subarray(0, N * H * W * C), ws = heap.subarray(N * H * W * C, N * H * W * C + KH * KW * C * O), ys = heap.subarray(4 << 20, (4 << 20) + N * OH * OW * O);
for (let i = 0; i < xs.length; i++) xs[i] = Math.random() - 0.5; for (let i = 0; i < ws.length; i++) ws[i] = Math.random() - 0.5;
const uS = mem(src, xs), uW = mem(wts, ws), uD = mem(dst, ys);
const allocate = (md) => { const o = out(); ok(f.memAlloc(o, md, engine, -1), 'alloc'); return o[0]; };
const bS = allocate(mdS), bW = allocate(mdW), bD = allocate(mdD);
const reorder = (from, to) => { let o = out(); ok(f.reorderPd(o, from, engine, to, engine, null), 'reorder pd'); const p = o[0]; o = out(); ok(f.primCreate(o, p), 'reorder'); return o[0]; };
const rS = reorder(src, mdS), rW = reorder(wts, mdW), rD = reorder(mdD, dst);
o = out(); ok(f.primCreate(o, pd), 'conv'); const conv = o[0];
const run = () => {
  ok(f.setHandle(uS, xs), 'h'); ok(f.setHandle(uW, ws), 'h'); ok(f.setHandle(uD, ys), 'h');
  ok(f.execute(rS, stream, 2, [{ arg: 1, memory: uS }, { arg: 17, memory: bS }]), 'x');
  ok(f.execute(rW, stream, 2, [{ arg: 1, memory: uW }, { arg: 17, memory: bW }]), 'x');
  ok(f.execute(conv, stream, 3, [{ arg: 1, memory: bS }, { arg: 33, memory: bW }, { arg: 17, memory: bD }]), 'x');
  ok(f.execute(rD, stream, 2, [{ arg: 1, memory: bD }, { arg: 17, memory: uD }]), 'x');
  ok(f.wait(stream), 'wait');
};
run();
// reference at a few points
let maxErr = 0;
for (let t = 0; t < 200; t++) {
  const n = t % N, y = (t * 7) % OH, x = (t * 3) % OW, oc = (t * 5) % O;
  let s = 0;
  for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) { const hy = y + i - 1, wx = x + j - 1; if (hy < 0 || hy >= H || wx < 0 || wx >= W) continue; for (let c = 0; c < C; c++) s += xs[((n * H + hy) * W + wx) * C + c] * ws[((i * KW + j) * C + c) * O + oc]; }
  maxErr = Math.max(maxErr, Math.abs(s - ys[((n * OH + y) * OW + x) * O + oc]));
}
console.log('maxErr', maxErr);
for (let r = 0; r < 3; r++) { const t0 = performance.now(); for (let i = 0; i < 20; i++) run(); const ms = (performance.now() - t0) / 20; console.log(ms.toFixed(2), 'ms', (2 * N * OH * OW * O * C * KH * KW / ms / 1e6).toFixed(1), 'GFLOP/s'); }
