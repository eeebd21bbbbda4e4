import type { DatumShift } from './crs-types.ts';
import type { Ellipsoid } from './ellipsoid.ts';

/**
 * Datum shifts between the old Chinese datums (Xian 1980, Beijing 1954) and CGCS2000: geodetic →
 * geocentric on the source ellipsoid, a seven-parameter Bursa-Wolf (position-vector, as PROJ's
 * +towgs84 and EPSG method 9606), geocentric → geodetic on the target ellipsoid. Heights are
 * unknown in 2-D data and taken as zero on the source ellipsoid, as PROJ does for 2-D points; the
 * height the point gets on the target ellipsoid is dropped.
 */

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;
const SEC2RAD = Math.PI / (180 * 3600);

export const ZERO_SHIFT: Readonly<DatumShift> = { dx: 0, dy: 0, dz: 0, rx: 0, ry: 0, rz: 0, ds: 0 };

/**
 * Parse a --datum-shift argument: "dx,dy,dz" (metres) or "dx,dy,dz,rx,ry,rz,ppm" (metres,
 * arc-seconds, parts per million), position-vector convention, from the datum to CGCS2000.
 */
export function parseDatumShift(text: string): DatumShift {
  const parts = text.trim().split(/\s*,\s*|\s+/);
  const nums = parts.map((p) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(p) ? Number(p) : NaN));
  if ((nums.length !== 3 && nums.length !== 7) || nums.some((v) => !Number.isFinite(v))) {
    throw new RangeError(
      `datum shift "${text}" is not understood: give 3 numbers "dx,dy,dz" (metres) or 7 numbers ` +
        `"dx,dy,dz,rx,ry,rz,ppm" (metres, arc-seconds, parts per million), position-vector ` +
        `convention as in PROJ's +towgs84, from the old datum to CGCS2000`,
    );
  }
  const [dx, dy, dz, rx = 0, ry = 0, rz = 0, ds = 0] = nums;
  return { dx, dy, dz, rx, ry, rz, ds };
}

/**
 * Returns an in-place pass mapping lon/lat degrees on `from` to lon/lat degrees on `to` through
 * geocentric coordinates. `inverse` applies the shift backwards (CGCS2000 → old datum) the way
 * PROJ reverses +towgs84: subtract the translation, divide by the scale, apply the transposed
 * rotation. That is not the exact inverse of the linearised rotation matrix — it differs by about
 * (rotation)² × R: 0.15 mm for 1″, 1.4 mm for 3″ — but it is what EPSG prescribes for reversing
 * method 9606 (to first order) and keeps redline's numbers identical to what GDAL/PROJ users see.
 */
export function helmertPass(
  from: Ellipsoid,
  to: Ellipsoid,
  p: DatumShift,
  inverse: boolean,
): (c: Float64Array) => void {
  const a1 = from.a;
  const e21 = from.f * (2 - from.f);
  const a2 = to.a;
  const f2 = to.f;
  const e22 = f2 * (2 - f2);
  const b2 = a2 * (1 - f2);
  const ep22 = e22 / (1 - e22);
  const rx = p.rx * SEC2RAD;
  const ry = p.ry * SEC2RAD;
  const rz = p.rz * SEC2RAD;
  const m = 1 + p.ds * 1e-6;
  const { dx, dy, dz } = p;
  return (c: Float64Array): void => {
    for (let i = 0; i < c.length; i += 2) {
      const lam = c[i] * D2R;
      const phi = c[i + 1] * D2R;
      const sphi = Math.sin(phi);
      // cos φ ≥ 0: √(1 - sin²φ) saves a call except near the poles (see tmerc.ts)
      const cphi = sphi < 0.98 && sphi > -0.98 ? Math.sqrt((1 - sphi) * (1 + sphi)) : Math.cos(phi);
      const nu = a1 / Math.sqrt(1 - e21 * sphi * sphi);
      const x = nu * cphi * Math.cos(lam);
      const y = nu * cphi * Math.sin(lam);
      const z = nu * (1 - e21) * sphi;
      let X: number;
      let Y: number;
      let Z: number;
      if (!inverse) {
        X = dx + m * (x - rz * y + ry * z);
        Y = dy + m * (rz * x + y - rx * z);
        Z = dz + m * (-ry * x + rx * y + z);
      } else {
        const u = (x - dx) / m;
        const v = (y - dy) / m;
        const w = (z - dz) / m;
        X = u + rz * v - ry * w;
        Y = -rz * u + v + rx * w;
        Z = ry * u - rx * v + w;
      }
      // Geocentric → geodetic by Bowring's formula iterated twice: the error is far below a
      // micrometre for points within a few kilometres of the ellipsoid, which is all we meet.
      // The angles are carried as unnormalised (cos, sin) vectors, so only the last needs atan2.
      const pp = Math.sqrt(X * X + Y * Y);
      let u = b2 * pp; // ∝ cos β, reduced latitude
      let v = a2 * Z; // ∝ sin β
      let num = 0;
      let den = 0;
      for (let k = 0; k < 2; k++) {
        const h = Math.sqrt(u * u + v * v);
        const sb = v / h;
        const cb = u / h;
        num = Z + ep22 * b2 * sb * sb * sb;
        den = pp - e22 * a2 * cb * cb * cb;
        // tan β = (1 - f) tan φ
        u = a2 * den;
        v = b2 * num;
      }
      c[i + 1] = Math.atan2(num, den) * R2D;
      c[i] = Math.atan2(Y, X) * R2D;
    }
  };
}

/** Geodetic (degrees, metres) → geocentric (metres); for tests and one-off use. */
export function geodeticToGeocentric(
  ell: Ellipsoid,
  lon: number,
  lat: number,
  h = 0,
): [number, number, number] {
  const e2 = ell.f * (2 - ell.f);
  const sphi = Math.sin(lat * D2R);
  const cphi = Math.cos(lat * D2R);
  const nu = ell.a / Math.sqrt(1 - e2 * sphi * sphi);
  return [
    (nu + h) * cphi * Math.cos(lon * D2R),
    (nu + h) * cphi * Math.sin(lon * D2R),
    (nu * (1 - e2) + h) * sphi,
  ];
}

/** Geocentric (metres) → geodetic [lon°, lat°, h m]; for tests and one-off use. */
export function geocentricToGeodetic(
  ell: Ellipsoid,
  X: number,
  Y: number,
  Z: number,
): [number, number, number] {
  const { a, f } = ell;
  const e2 = f * (2 - f);
  const b = a * (1 - f);
  const ep2 = e2 / (1 - e2);
  const p = Math.sqrt(X * X + Y * Y);
  let beta = Math.atan2(a * Z, b * p);
  let lat = 0;
  for (let k = 0; k < 3; k++) {
    const sb = Math.sin(beta);
    const cb = Math.cos(beta);
    lat = Math.atan2(Z + ep2 * b * sb * sb * sb, p - e2 * a * cb * cb * cb);
    beta = Math.atan2(b * Math.sin(lat), a * Math.cos(lat));
  }
  const s = Math.sin(lat);
  const nu = a / Math.sqrt(1 - e2 * s * s);
  // h along the normal; cos-form away from the poles, sin-form near them for stability
  const h = Math.abs(lat) < Math.PI / 4 ? p / Math.cos(lat) - nu : Z / s - nu * (1 - e2);
  return [Math.atan2(Y, X) * R2D, lat * R2D, h];
}
