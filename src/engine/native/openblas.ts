/**
 * OpenBLAS through koffi (an FFI with prebuilt binaries: no compiler at install time), in Node.
 *
 * koffi passes a typed array to a `void *` parameter as the address of its contents, with no copy,
 * also for a SharedArrayBuffer: `cblas_sgemm` reads and writes the wasm backend's tensors in place.
 * A call costs ~0.3 µs. The library is checked on a 2×2 product before it is used, so a file that
 * loads but computes wrong is refused like one that does not load.
 */
import type { NotLoaded } from './library.js';
import { firstLine, openLibrary } from './library.js';
import type { NativeBlas } from './blas.js';

/** Where Debian's `libopenblas0-pthread` installs the library (the pthread build; x86-64, arm64, ...). */
export function debianOpenBlasPath(arch: string = process.arch): string {
  const triplet = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu' }[arch];
  return `/usr/lib/${triplet ?? `${arch}-linux-gnu`}/openblas-pthread/libopenblas.so.0`;
}

/** The outcome of loading: the library, or why not (`broken`: a file was there but is unusable). */
export type OpenBlasLoad = { blas: NativeBlas } | NotLoaded;

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/**
 * Products of fewer multiply-adds (m·n·k) than this run on one thread. OpenBLAS splits anything
 * above 2¹⁸ across its threads, and handing work to a second thread costs more than such a product
 * gains: measured here (2 vCPUs, OpenBLAS 0.3.21, products 0.3 ms apart as in a training step), the
 * 128×512×10 product of an MLP's last layer took 0.061 ms on average with two threads (p99 0.46 ms,
 * worst 4 ms) and 0.031 ms on one (p99 0.1 ms), while 128×512×512 is still faster on two (0.43 vs
 * 0.57 ms).
 */
export const SMALL_PRODUCT = 2 ** 22;

/**
 * Loads OpenBLAS from `path`, binds `cblas_sgemm`, sets its thread count and checks one product.
 *
 * @example
 * const loaded = loadOpenBlas(debianOpenBlasPath(), 2);
 * if ('blas' in loaded) console.log(loaded.blas.version); // 'OpenBLAS 0.3.21 ... SkylakeX MAX_THREADS=64'
 */
export function loadOpenBlas(path: string, threads: number): OpenBlasLoad {
  const opened = openLibrary(path);
  if (!('lib' in opened)) return opened;
  const { lib } = opened;
  try {
    const cblasSgemm = lib.func(
      'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, void *a, int lda, void *b, int ldb, float beta, void *c, int ldc)',
    );
    const getConfig = lib.func('const char *openblas_get_config(void)');
    const setThreads = lib.func('void openblas_set_num_threads(int threads)');
    const getThreads = lib.func('int openblas_get_num_threads(void)');
    setThreads(threads);
    // Small products on the calling thread alone (see SMALL_PRODUCT); the others on `threads`.
    let current = threads;
    const blas: NativeBlas = {
      sgemm: (heap, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc) => {
        const want = m * n * k < SMALL_PRODUCT ? 1 : threads;
        if (want !== current) {
          setThreads(want);
          current = want;
        }
        cblasSgemm(
          ROW_MAJOR,
          transA ? TRANS : NO_TRANS,
          transB ? TRANS : NO_TRANS,
          m,
          n,
          k,
          1,
          heap.subarray(a >>> 2),
          lda,
          heap.subarray(b >>> 2),
          ldb,
          beta,
          heap.subarray(c >>> 2),
          ldc,
        );
      },
      library: path,
      version: String(getConfig()),
      threads: Number(getThreads()),
    };
    const wrong = checkProduct(blas);
    if (wrong !== undefined) return { reason: `${path} computed a wrong product (${wrong})`, broken: true };
    return { blas };
  } catch (error) {
    return { reason: `${path} is not a usable OpenBLAS: ${firstLine(error)}`, broken: true };
  }
}

/** [[1, 2], [3, 4]]ᵀ·[[5, 6], [7, 8]] + 1·C0 in float32, or a description of what came out instead. */
function checkProduct(blas: NativeBlas): string | undefined {
  const heap = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1]);
  blas.sgemm(heap, true, false, 2, 2, 2, 0, 2, 16, 2, 1, 32, 2);
  const want = [27, 31, 39, 45];
  const got = Array.from(heap.subarray(8));
  return got.every((v, i) => v === want[i]) ? undefined : `[${got}] for [${want}]`;
}

