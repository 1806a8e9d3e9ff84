/**
 * erf and erfc in double precision. JavaScript has neither; TPE's truncated normals need both to
 * ~1 ulp in the tails. Algorithm and coefficients: Sun's fdlibm `s_erf.c` (rational approximations
 * on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35), [1/0.35, 28)), the same the C library and
 * Python's `math.erf` use.
 */

// erf(x) = x + x·pp(x²)/qq(x²) on |x| < 0.84375.
const EFX = 1.28379167095512586316e-1;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
// erf(1 + s) = erx + pa(s)/qa(s) on 0.84375 <= |x| < 1.25.
const ERX = 8.45062911510467529297e-1;
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// erfc(x) = exp(−x² − 0.5625 + ra(1/x²)/sa(1/x²))/x on 1.25 <= |x| < 1/0.35.
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
// The same with rb/sb on 1/0.35 <= |x| < 28.
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

function poly(c: readonly number[], x: number): number {
  let y = 0;
  for (let i = c.length - 1; i >= 0; i--) y = y * x + c[i];
  return y;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
/** x with the low 32 bits of its mantissa cleared (fdlibm's SET_LOW_WORD(z, 0)). */
function truncLow(x: number): number {
  f64[0] = x;
  u32[LOW] = 0;
  return f64[0];
}

/** erfc(|x|)·… for 1.25 <= ax < 28: the tail term shared by erf and erfc. */
function tail(ax: number): number {
  const s = 1 / (ax * ax);
  const rs = ax < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
  const z = truncLow(ax);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs)) / ax;
}

/** The error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2 ** -28) return x + EFX * x;
  if (ax < 0.84375) {
    const z = x * x;
    return x + (x * poly(PP, z)) / poly(QQ, z);
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const v = ERX + poly(PA, s) / poly(QA, s);
    return x >= 0 ? v : -v;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const v = 1 - tail(ax);
  return x >= 0 ? v : -v;
}

/** The complementary error function 1 − erf(x), accurate where erf(x) is close to ±1. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = (x * poly(PP, z)) / poly(QQ, z);
    return x < 0.25 ? 1 - (x + y) : 0.5 - (x - 0.5 + y);
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const p = poly(PA, s) / poly(QA, s);
    return x >= 0 ? 1 - ERX - p : 1 + ERX + p;
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const t = tail(ax);
    return x > 0 ? t : 2 - t;
  }
  return x > 0 ? 0 : 2;
}
