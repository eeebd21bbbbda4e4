/**
 * Writer of the land-parcel exchange format (see parcel-exchange.ts). Each polygon's exterior and
 * holes become consecutive ring numbers of the parcel (1, 2, …); the reader finds the holes again
 * by containment. Points are named J1, J2, … through the parcel and every ring is closed by
 * repeating its first point under the same name, as the Ministry's own tools write it.
 */
import type { Datum } from '../../geo/ellipsoid.ts';
import { crsFromEpsg, crsName } from '../../geo/crs-epsg.ts';
import type { AttributeValue, Attributes } from '../../geo/types.ts';
import { signedArea2 } from '../rings.ts';
import type { CornerPoint } from './corner-ring.ts';
import { licenceIdOf, writtenPolygons } from './corner-ring.ts';
import type { WritableFeature, WriteOptions } from './decode.ts';
import { decimalsOf, encodeText, formatCoord, formatValue } from './decode.ts';
import { crsHintFromHeader } from './parcel-exchange.ts';

export interface ParcelWriteOptions extends WriteOptions {
  /** the CRS of the coordinates, a Gauss-Krüger EPSG code; null writes no CRS keys (unless `header` has them) */
  epsg: number | null;
  /** header values, e.g. a read file's `header`; the CRS keys are derived from `epsg` when it is given */
  header?: Record<string, string>;
}

const DATUM_TEXT: Partial<Record<Datum, string>> = {
  cgcs2000: '2000国家大地坐标系',
  xian80: '80西安坐标系',
  beijing54: '54北京坐标系',
};

const KEY_ORDER = ['格式版本号', '数据产生单位', '数据产生日期', '坐标系', '几度分带', '投影类型', '计量单位', '带号', '精度', '转换参数'];

function crsKeys(epsg: number): Record<string, string> {
  const crs = crsFromEpsg(epsg);
  if (crs.kind !== 'gauss-kruger' || crs.zone === null || !DATUM_TEXT[crs.datum]) {
    throw new RangeError(`the parcel exchange format is in Gauss-Kruger metres on CGCS2000, Xian 80 or Beijing 54; EPSG:${epsg} is ${crsName(crs)}`);
  }
  return {
    坐标系: DATUM_TEXT[crs.datum] ?? '',
    几度分带: String(crs.zoneWidth),
    投影类型: '高斯克吕格',
    计量单位: '米',
    带号: String(crs.zone),
  };
}

function text(v: AttributeValue | undefined, what: string, field: string): string {
  if (v === null || v === undefined) return '';
  const s = String(v).trim();
  if (/[,\r\n]/.test(s)) throw new RangeError(`${what}: ${field} ${JSON.stringify(s)} contains a comma or a line break`);
  return s;
}

/** The first of `names` the feature has a value for. */
function pick(attrs: Attributes, names: string[]): AttributeValue | undefined {
  for (const n of names) {
    const v = attrs[n];
    if (v !== null && v !== undefined && String(v).trim() !== '') return v;
  }
  return undefined;
}

/** Hectares, as the format states areas: from the 面积 attribute, else from the geometry. */
function areaOf(f: WritableFeature): string {
  const given = f.attributes['面积'];
  if (typeof given === 'number' && Number.isFinite(given)) return String(given);
  if (typeof given === 'string' && given.trim() !== '' && Number.isFinite(Number(given))) return given.trim();
  let m2 = 0;
  for (const p of f.geometry ?? []) p.forEach((r, i) => (m2 += (i === 0 ? 1 : -1) * Math.abs(signedArea2(r)) / 2));
  return formatValue(Number((m2 / 10_000).toFixed(4)));
}

export function writeParcelExchange(features: WritableFeature[], options: ParcelWriteOptions): Buffer {
  const decimals = decimalsOf(options);
  if (features.length === 0) throw new RangeError('no parcels to write');
  const header: Record<string, string> = {
    格式版本号: '1.01版本',
    数据产生单位: '',
    数据产生日期: '',
    精度: decimals === 0 ? '1' : (10 ** -decimals).toFixed(decimals),
    转换参数: ',,,,,,',
    ...options.header,
    ...(options.epsg === null ? {} : crsKeys(options.epsg)),
  };
  const keys = [...KEY_ORDER.filter((k) => k in header), ...Object.keys(header).filter((k) => !KEY_ORDER.includes(k))];
  const lines = ['[属性描述]'];
  for (const k of keys) {
    if (/[\r\n]/.test(header[k]) || /[=\r\n]/.test(k)) throw new RangeError(`header ${k}: a key or value with "=" or a line break`);
    lines.push(`${k}=${header[k]}`);
  }
  lines.push('[地块坐标]');
  const written: CornerPoint[] = [];
  features.forEach((f, i) => {
    const what = `feature #${i}`;
    const polygons = writtenPolygons(f, what);
    const points: string[] = [];
    let name = 0;
    let ringNo = 0;
    for (const p of polygons) {
      for (const ring of p) {
        ringNo++;
        const first = name + 1;
        for (const [n, e] of ring) {
          points.push(`J${++name},${ringNo},${formatCoord(n, decimals)},${formatCoord(e, decimals)}`);
          written.push({ no: name, x: n, y: e, at: `${what}, point J${name}` });
        }
        const [n0, e0] = ring[0];
        points.push(`J${first},${ringNo},${formatCoord(n0, decimals)},${formatCoord(e0, decimals)}`);
      }
    }
    const a = f.attributes;
    const values = [
      String(points.length),
      areaOf(f),
      text(pick(a, ['编号']) ?? licenceIdOf(a) ?? undefined, what, '编号'),
      text(pick(a, ['名称', 'name', '矿山名称']), what, '名称'),
      '面',
      text(a['图幅号'], what, '图幅号'),
      text(a['用途'], what, '用途'),
      text(a['地类编码'], what, '地类编码'),
      '@',
    ];
    lines.push(values.join(','), ...points);
  });
  // Write only what reads back as the same CRS: a zone prefix the coordinates lack (or carry for
  // another zone) would make the reader refuse the file, or worse, give it another CRS.
  if (options.epsg !== null) {
    const back = crsHintFromHeader(header, written, (reason) => {
      throw new RangeError(`the coordinates do not fit EPSG:${options.epsg}: ${reason}`);
    });
    if (back !== options.epsg) {
      throw new RangeError(`the coordinates do not fit EPSG:${options.epsg}: written this way the file would say EPSG:${back ?? 'unknown'}`);
    }
  }
  return encodeText(lines.map((l) => `${l}\r\n`).join(''), options, false);
}
