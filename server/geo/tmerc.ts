import type { Ellipsoid } from './ellipsoid.ts';

/**
 * Transverse Mercator on an ellipsoid with the Krüger series to sixth order in the third
 * flattening n (C. F. F. Karney, "Transverse Mercator with an accuracy of a few nanometers",
 * J. Geodesy 85 (2011)): a few nanometres of truncation error within 3 900 km of the
 * central meridian, far more than a Gauss-Krüger zone (±1.5° or ±3°) needs. PROJ's default tmerc
 * (Poder/Engsager) is a series of the same kind; the two agree to ~1e-8 m in the tests.
 *
 * Everything works in place on flat [x0, y0, x1, y1, …] arrays: redline projects millions of
 * vertices per run and must not allocate per point.
 */

export interface TmSetup {
  /** central meridian, degrees */
  lon0: number;
  /** false easting / northing, metres */
  fe: number;
  fn: number;
  /** scale on the central meridian */
  k0: number;
  /** first eccentricity */
  e: number;
  /** k0 × rectifying radius A */
  kA: number;
  /** Krüger coefficients α1…α6 (forward) and β1…β6 (inverse) */
  alp: Float64Array;
  bet: Float64Array;
  /** coefficients of sin 2jχ taking conformal latitude χ to geodetic latitude φ */
  chi: Float64Array;
}

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** Evaluate a polynomial in n given by its coefficients of n¹…n⁶ (index 0 = n¹). */
function poly(c: readonly number[], n: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * n + c[i];
  return s * n;
}

// Coefficients of n^j … n^6 for α_j and β_j, lowest power first (Karney 2011).
const ALPHA: readonly (readonly number[])[] = [
  [1 / 2, -2 / 3, 5 / 16, 41 / 180, -127 / 288, 7891 / 37800],
  [13 / 48, -3 / 5, 557 / 1440, 281 / 630, -1983433 / 1935360],
  [61 / 240, -103 / 140, 15061 / 26880, 167603 / 181440],
  [49561 / 161280, -179 / 168, 6601661 / 7257600],
  [34729 / 80640, -3418889 / 1995840],
  [212378941 / 319334400],
];
const BETA: readonly (readonly number[])[] = [
  [1 / 2, -2 / 3, 37 / 96, -1 / 360, -81 / 512, 96199 / 604800],
  [1 / 48, 1 / 15, -437 / 1440, 46 / 105, -1118711 / 3870720],
  [17 / 480, -37 / 840, -209 / 4480, 5569 / 90720],
  [4397 / 161280, -11 / 504, -830251 / 7257600],
  [4583 / 161280, -108847 / 3991680],
  [20648693 / 638668800],
];

// Conformal → geodetic latitude, φ = χ + Σ d_j sin 2jχ, the classical series to sixth order in n
// (as tabulated by Karney 2011). Checked against solving τ'(τ) exactly by Newton's method: equal
// to 2e-16 rad at all latitudes on GRS80, IAG 1975 and Krassowsky, and no transcendental call.
const CHI_TO_PHI: readonly (readonly number[])[] = [
  [2, -2 / 3, -2, 116 / 45, 26 / 45, -2854 / 675],
  [7 / 3, -8 / 5, -227 / 45, 2704 / 315, 2323 / 945],
  [56 / 15, -136 / 35, -1262 / 105, 73814 / 2835],
  [4279 / 630, -332 / 35, -399572 / 14175],
  [4174 / 315, -144838 / 6237],
  [601676 / 22275],
];

export function tmSetup(ell: Ellipsoid, lon0: number, fe: number, fn = 0, k0 = 1): TmSetup {
  const { a, f } = ell;
  // eatanhSinh's truncated series needs an Earth-like flattening
  if (!(f >= 0 && f < 0.01)) throw new RangeError(`flattening ${f} is not an Earth ellipsoid's`);
  const n = f / (2 - f);
  const e2 = f * (2 - f);
  const n2 = n * n;
  const A = (a / (1 + n)) * (1 + n2 / 4 + (n2 * n2) / 64 + (n2 * n2 * n2) / 256);
  const alp = new Float64Array(6);
  const bet = new Float64Array(6);
  const chi = new Float64Array(6);
  for (let j = 0; j < 6; j++) {
    // the j-th coefficient starts at n^(j+1): poly() multiplies by n once, the rest by n^j.
    const nj = n ** j;
    alp[j] = poly(ALPHA[j], n) * nj;
    bet[j] = poly(BETA[j], n) * nj;
    chi[j] = poly(CHI_TO_PHI[j], n) * nj;
  }
  return { lon0, fe, fn, k0, e: Math.sqrt(e2), kA: k0 * A, alp, bet, chi };
}

/**
 * sinh(e · atanh(e · x)) for |x| ≤ 1, the term that turns geodetic into conformal latitude
 * (σ in Karney 2011), by its Taylor series: e·x ≤ 0.082 on any Earth ellipsoid, so eight terms of
 * atanh and four of sinh are exact to double precision and several times cheaper than the calls.
 */
function eatanhSinh(e: number, x: number): number {
  const u = e * x;
  const u2 = u * u;
  const y =
    e * u * (1 + u2 * (1 / 3 + u2 * (1 / 5 + u2 * (1 / 7 + u2 * (1 / 9 + u2 * (1 / 11 + u2 * (1 / 13 + u2 / 15)))))));
  const y2 = y * y;
  return y * (1 + (y2 / 6) * (1 + (y2 / 20) * (1 + y2 / 42)));
}

const HALF_PI = Math.PI / 2;

/**
 * asinh by its Taylor series when |x| < 0.1 (η' of points within ~600 km of the central
 * meridian; nine terms are exact to double precision), else Math.asinh.
 */
function asinhSmall(x: number): number {
  if (!(x < 0.1 && x > -0.1)) return Math.asinh(x);
  const x2 = x * x;
  return (
    x *
    (1 + x2 * (-1 / 6 + x2 * (3 / 40 + x2 * (-5 / 112 + x2 * (35 / 1152 + x2 * (-63 / 2816 +
      x2 * (231 / 13312 + x2 * (-143 / 10240 + x2 * (6435 / 557056)))))))))
  );
}

/** The complex Clenshaw sum's y₁ (real, imaginary), written here: no allocation per point. */
const sum = new Float64Array(2);

/**
 * Clenshaw summation of the six-term series Σ k_j sin(2jζ) with complex 2cos(2ζ) = ar + i·ai:
 * leaves y₁ in `sum` (the caller multiplies by sin 2ζ). Shared by the forward series (α) and
 * the inverse (β); small enough for V8 to inline in both loops.
 */
function clenshaw(ar: number, ai: number, k: Float64Array): void {
  let yr = k[5];
  let yi = 0;
  let zr = 0;
  let zi = 0;
  for (let j = 4; j >= 0; j--) {
    const tr = ar * yr - ai * yi - zr + k[j];
    const ti = ar * yi + ai * yr - zi;
    zr = yr;
    zi = yi;
    yr = tr;
    yi = ti;
  }
  sum[0] = yr;
  sum[1] = yi;
}

/** Longitude/latitude in degrees → easting/northing in metres, in place. */
export function tmForward(c: Float64Array, s: TmSetup): void {
  const { e, kA, fe, fn, lon0 } = s;
  const alp = s.alp;
  for (let i = 0; i < c.length; i += 2) {
    const lam = (c[i] - lon0) * D2R;
    const phi = c[i + 1] * D2R;
    const sphi = Math.sin(phi);
    // cos φ ≥ 0 for |φ| ≤ 90°, so √(1 - sin²φ) saves a call; within 11° of a pole sin φ has
    // too few significant digits left for that and Math.cos takes over
    const cphi = sphi < 0.98 && sphi > -0.98 ? Math.sqrt((1 - sphi) * (1 + sphi)) : Math.cos(phi);
    // τ' = tan of the conformal latitude, written with sin/cos to stay finite near the pole
    const sig = eatanhSinh(e, sphi);
    const taup = (sphi * Math.sqrt(1 + sig * sig) - sig) / cphi;
    const sl = Math.sin(lam);
    const cl = lam < HALF_PI && lam > -HALF_PI ? Math.sqrt((1 - sl) * (1 + sl)) : Math.cos(lam);
    // ζ' = ξ' + iη' on the sphere. Its double-angle functions follow algebraically from τ' and λ,
    // which saves four transcendental calls per point (the trick GeographicLib uses).
    const r2 = taup * taup + cl * cl;
    const r = Math.sqrt(r2);
    const xip = Math.atan2(taup, cl);
    const she = sl / r; // sinh η'
    const etap = asinhSmall(she);
    const s2 = (2 * taup * cl) / r2; // sin 2ξ'
    const c2 = (cl * cl - taup * taup) / r2; // cos 2ξ'
    const ch = 1 + 2 * she * she; // cosh 2η'
    const sh = 2 * she * Math.sqrt(1 + she * she); // sinh 2η'
    clenshaw(2 * c2 * ch, -2 * s2 * sh, alp);
    const tr = sum[0];
    const ti = sum[1];
    // sum = sin(2ζ') · y1, sin(2ζ') = sin2ξ' cosh2η' + i cos2ξ' sinh2η'
    const sr = s2 * ch;
    const si = c2 * sh;
    c[i] = fe + kA * (etap + sr * ti + si * tr);
    c[i + 1] = fn + kA * (xip + sr * tr - si * ti);
  }
}

/** Easting/northing in metres → longitude/latitude in degrees, in place. */
export function tmInverse(c: Float64Array, s: TmSetup): void {
  const { kA, fe, fn, lon0 } = s;
  const bet = s.bet;
  const [d1, d2, d3, d4, d5, d6] = s.chi;
  for (let i = 0; i < c.length; i += 2) {
    const eta = (c[i] - fe) / kA;
    const xi = (c[i + 1] - fn) / kA;
    // double-angle functions of ζ = ξ + iη from one sin and one exp (cos ξ ≥ 0 within ±90°)
    const sx = Math.sin(xi);
    const cx = xi < HALF_PI && xi > -HALF_PI ? Math.sqrt((1 - sx) * (1 + sx)) : Math.cos(xi);
    const ex = Math.exp(eta);
    const shn = (ex - 1 / ex) / 2;
    const chn = (ex + 1 / ex) / 2;
    const s2 = 2 * sx * cx;
    const c2 = (cx - sx) * (cx + sx);
    const ch = 1 + 2 * shn * shn;
    const sh = 2 * shn * chn;
    clenshaw(2 * c2 * ch, -2 * s2 * sh, bet);
    const tr = sum[0];
    const ti = sum[1];
    const sr = s2 * ch;
    const si = c2 * sh;
    // ζ' = ζ - Σ β_j sin(2jζ); the correction d is below 1e-3 rad, so sin/cos/sinh of
    // ζ' follow from those of ζ by the addition theorems with short Taylor series for d.
    const dxi = sr * tr - si * ti;
    const deta = sr * ti + si * tr;
    let sxp: number;
    let cxp: number;
    let shp: number;
    if (dxi < 0.01 && dxi > -0.01 && deta < 0.01 && deta > -0.01) {
      const dd = dxi * dxi;
      const sd = dxi * (1 - (dd / 6) * (1 - (dd / 20) * (1 - dd / 42)));
      const cd = 1 - (dd / 2) * (1 - (dd / 12) * (1 - dd / 30));
      const h2 = deta * deta;
      const shd = deta * (1 + (h2 / 6) * (1 + (h2 / 20) * (1 + h2 / 42)));
      const chd = 1 + (h2 / 2) * (1 + (h2 / 12) * (1 + h2 / 30));
      sxp = sx * cd - cx * sd;
      cxp = cx * cd + sx * sd;
      shp = shn * chd - chn * shd;
    } else {
      sxp = Math.sin(xi - dxi);
      cxp = Math.cos(xi - dxi);
      shp = Math.sinh(eta - deta);
    }
    // conformal latitude χ, then geodetic latitude by the series above
    const q = Math.sqrt(shp * shp + cxp * cxp);
    const rq = 1 / Math.sqrt(sxp * sxp + q * q);
    const sc = sxp * rq; // sin χ
    const cc = q * rq; // cos χ
    const x2 = 2 * (cc - sc) * (cc + sc); // 2 cos 2χ
    let u0 = d6;
    let u1 = 0;
    let u2 = x2 * u0 - u1 + d5;
    u1 = u0; u0 = u2;
    u2 = x2 * u0 - u1 + d4; u1 = u0; u0 = u2;
    u2 = x2 * u0 - u1 + d3; u1 = u0; u0 = u2;
    u2 = x2 * u0 - u1 + d2; u1 = u0; u0 = u2;
    u2 = x2 * u0 - u1 + d1;
    c[i] = lon0 + Math.atan2(shp, cxp) * R2D;
    c[i + 1] = (Math.atan2(sxp, q) + 2 * sc * cc * u2) * R2D;
  }
}
