import type { FinanceValues } from './finance.ts';
import { Dec, ONE, plain, sum, ZERO, type Decimal } from './money.ts';
import type { ExitKind, OptionValue, ReserveQuantity, ScreenedLicence, ScreeningInput, TraceInput } from './types.ts';

/** A figure a formula uses, with the inputs it came from. */
export interface Quantity {
  value: Decimal;
  inputs: TraceInput[];
}

const M2_PER_KM2 = new Dec(1_000_000);

/**
 * The spatial quantities of the spec (A_lic, A_cert, A_ref, A_exit, Q_exit, Q_all, Q_basis) for
 * one licence, each computed when a rule asks for it (a rule that does not need reserves must not
 * warn about missing reserve blocks), with its sources for the trace.
 */
export class Quantities {
  constructor(
    private readonly licence: ScreenedLicence | null,
    private readonly screening: ScreeningInput,
    private readonly f: FinanceValues,
    readonly exitKind: ExitKind,
    private readonly options: Readonly<Record<string, OptionValue>>,
    private readonly warn: (text: string) => void,
  ) {}

  private get measure(): 'plane' | 'ellipsoidal' {
    return this.options.area_measure === 'ellipsoidal' ? 'ellipsoidal' : 'plane';
  }

  private screened(why: string): ScreenedLicence {
    if (!this.licence) throw this.f.error('licence_id', `names a licence that is not in ${this.screening.sources.licences}; ${why} needs its screening`);
    return this.licence;
  }

  private screeningSource(column: string): string {
    return `${this.screening.sources.licences}, licence ${this.f.licenceId}, ${column}`;
  }

  /** A_lic: the computed licence area. */
  licenceArea(): Quantity {
    const l = this.screened('the licence area');
    const value = this.measure === 'plane' ? l.licenceAreaPlaneM2 : l.licenceAreaEllipsoidalM2;
    return { value, inputs: [{ name: 'A_lic', value: plain(value), unit: 'm²', source: this.screeningSource(`licence_area_${this.measure}_m2`) }] };
  }

  /** A_cert in m², or null when the certificate area is not given. */
  certificateArea(): Quantity | null {
    const km2 = this.f.optionalNumber('certificate_area_km2');
    if (km2 === null) return null;
    if (km2.isZero()) throw this.f.error('certificate_area_km2', 'is 0; a certificate area must be positive');
    return { value: km2.times(M2_PER_KM2), inputs: [this.f.input('A_cert', 'certificate_area_km2', km2, 'km² (× 1,000,000 m²)')] };
  }

  /** Warns when the certificate area and the computed licence area disagree beyond the tolerance. */
  checkCertificateArea(): void {
    const cert = this.certificateArea();
    if (cert === null || !this.licence) return;
    const lic = this.licenceArea().value;
    const tol = new Dec(String(this.options.certificate_tolerance));
    if (lic.gt(0) && cert.value.minus(lic).abs().div(lic).gt(tol)) {
      const off = cert.value.minus(lic).div(lic).times(100).toSignificantDigits(3).toFixed();
      this.warn(
        `certificate area ${plain(cert.value.div(M2_PER_KM2))} km² differs from the computed licence area ` +
        `${lic.div(M2_PER_KM2).toDecimalPlaces(6).toFixed()} km² by ${off} % (more than ${tol.times(100).toFixed()} %): check the certificate and the licence boundary`,
      );
    }
  }

  /** A_ref: the certificate area when given, else the computed one. */
  referenceArea(): Quantity {
    const cert = this.certificateArea();
    if (cert === null) {
      const lic = this.licenceArea();
      return { value: lic.value, inputs: lic.inputs.map((i) => ({ ...i, name: 'A_ref = A_lic' })) };
    }
    this.checkCertificateArea();
    return { value: cert.value, inputs: cert.inputs.map((i) => ({ ...i, name: 'A_ref = A_cert' })) };
  }

  /** A_exit: the exit area; for a whole exit the exit range is the whole licence, A_exit := A_ref. */
  exitArea(): Quantity {
    if (this.exitKind === 'whole') {
      const ref = this.referenceArea();
      return { value: ref.value, inputs: ref.inputs.map((i) => ({ ...i, name: `A_exit := ${i.name} (whole exit)` })) };
    }
    const l = this.screened('the exit area');
    const value = this.measure === 'plane' ? l.exitAreaPlaneM2 : l.exitAreaEllipsoidalM2;
    return { value, inputs: [{ name: 'A_exit', value: plain(value), unit: 'm²', source: this.screeningSource(`exit_area_${this.measure}_m2`) }] };
  }

  /** Which reserve figure (ore or metal) prices were assessed on. */
  reserveQuantity(why: string): ReserveQuantity {
    return this.f.choice<ReserveQuantity>('reserve_quantity', why);
  }

  private blocks(why: string): ScreenedLicence['blocks'] {
    const l = this.screened(why);
    if (!this.screening.hasReserves) {
      this.warn(`${why} is reserve-based but the screening ran without reserve blocks (no ${this.screening.sources.reserves ?? 'reserves.csv'}): the reserves are taken as 0; screen with --reserves`);
      return [];
    }
    if (l.blocks.length === 0) {
      this.warn(`${why} is reserve-based but the licence has no reserve blocks in ${this.screening.sources.reserves}: the reserves are taken as 0`);
    }
    return l.blocks;
  }

  private reserveSum(kind: ReserveQuantity, exit: boolean, why: string): Quantity {
    const used: Decimal[] = [];
    const ids: string[] = [];
    for (const b of this.blocks(why)) {
      if (b.excluded) continue;
      const v = exit ? (kind === 'ore' ? b.exitOreT : b.exitMetalT) : kind === 'ore' ? b.oreT : b.metalT;
      if (v === null) {
        this.warn(`reserve block ${b.blockId} has no ${kind}_t: counted as 0`);
        continue;
      }
      used.push(v);
      ids.push(b.blockId);
    }
    const value = sum(used);
    const col = exit ? `exit_${kind}_t` : `${kind}_t`;
    const source = `${this.screening.sources.reserves ?? 'reserves.csv'}, licence ${this.f.licenceId}, Σ ${col} over blocks ${ids.join(', ') || '(none)'}`;
    return { value, inputs: [{ name: exit ? 'Q_exit' : 'Q_all', value: plain(value), unit: `t (${kind})`, source }] };
  }

  /** Q_all: the remaining (retained) reserves of the licence: all its blocks. */
  reservesAll(kind: ReserveQuantity, why: string): Quantity {
    return this.reserveSum(kind, false, why);
  }

  /** Q_exit: reserves in the vertical projection of the exit range; Q_all for a whole exit. */
  reservesExit(kind: ReserveQuantity, why: string): Quantity {
    if (this.exitKind === 'whole') {
      const all = this.reservesAll(kind, why);
      return { value: all.value, inputs: all.inputs.map((i) => ({ ...i, name: 'Q_exit := Q_all (whole exit)' })) };
    }
    return this.reserveSum(kind, true, why);
  }

  /** Q_basis: the reserves the paid price was assessed on (finance input). */
  basisReserves(kind: ReserveQuantity, why: string): Quantity {
    const v = this.f.number('basis_reserves_t', why);
    if (v.isZero()) throw this.f.error('basis_reserves_t', `is 0; ${why} divides by it`);
    return { value: v, inputs: [this.f.input('Q_basis', 'basis_reserves_t', v, `t (${kind})`)] };
  }
}

/** part / whole, unrounded, with the "exit ratio above 1" warning of the issue. */
export function exitRatio(part: Quantity, whole: Quantity, what: string, warn: (text: string) => void): Decimal {
  if (whole.value.isZero()) {
    warn(`exit ratio ${what}: the denominator is 0, so the ratio is taken as 0`);
    return ZERO;
  }
  const r = part.value.div(whole.value);
  if (r.gt(ONE)) {
    warn(`exit ratio ${what} = ${r.toSignificantDigits(8).toFixed()} is above 1: the exit exceeds the basis; check the inputs before signing`);
  }
  return r;
}
