/**
 * Attribute values of generated licences: certificate numbers in the national formats, mine and
 * project names the way certificates spell them, minerals, mining elevations. All fictional
 * (the county 燕岭县 and its places do not exist); the shapes of the strings are what matter.
 */
import type { Rng } from './prng.ts';

export type LicenceKind = 'mining' | 'exploration';

export interface Mineral {
  /** 矿种 as written on the certificate */
  name: string;
  /** short form used inside a mine name */
  short: string;
  /** tonnes of metal (or of the mineral) per tonne of ore; null for rock mined as such */
  grade: [number, number] | null;
}

export const MINING_MINERALS: readonly (readonly [Mineral, number])[] = [
  [{ name: '铁矿', short: '铁矿', grade: [0.2, 0.35] }, 30],
  [{ name: '金矿', short: '金矿', grade: [1.5e-6, 6e-6] }, 18],
  [{ name: '萤石', short: '萤石矿', grade: [0.25, 0.55] }, 8],
  [{ name: '钼矿', short: '钼矿', grade: [6e-4, 1.5e-3] }, 6],
  [{ name: '铅锌矿', short: '铅锌矿', grade: [0.03, 0.09] }, 5],
  [{ name: '银矿', short: '银矿', grade: [8e-5, 2.5e-4] }, 3],
  [{ name: '水泥用灰岩', short: '石灰岩矿', grade: null }, 12],
  [{ name: '建筑用花岗岩', short: '建筑石料矿', grade: null }, 12],
  [{ name: '饰面用大理岩', short: '大理岩矿', grade: null }, 4],
];

export const EXPLORATION_MINERALS: readonly (readonly [Mineral, number])[] = MINING_MINERALS.filter(
  ([m]) => m.grade !== null,
);

const PLACE_HEAD = [
  '金厂', '大石', '黄土', '北台', '马圈', '石佛', '龙潭', '白草', '桃山', '八道', '三岔', '东台', '西沟',
  '南天', '老虎', '青石', '柳树', '杨树', '榆树', '梨树', '东庄', '西庄', '上营', '下营', '孤山', '双峰',
  '黑山', '红石', '碾子', '磨石', '铁匠', '蘑菇', '长城', '鹰嘴', '将军', '娘娘庙', '五道', '六道',
  '半壁', '火石', '银洞', '锅底', '干河', '小寺', '大杖子', '前苇', '后川', '板城', '花果',
];
const PLACE_TAIL = ['沟', '梁', '峪', '台', '岭', '洼', '坡', '山', '营', '庄', '岔', '子', '川', '甸子'];
const COMPANY_HEAD = ['宏达', '鑫源', '兴盛', '金隆', '燕山', '华通', '瑞丰', '利民', '天宝', '昌盛', '永安', '中鑫'];

export function placeName(rng: Rng): string {
  const head = rng.pick(PLACE_HEAD);
  // Three-character heads (大杖子, 娘娘庙) are place names already.
  return head.length >= 3 ? head : head + rng.pick(PLACE_TAIL);
}

export function mineName(rng: Rng, county: string, mineral: Mineral, kind: LicenceKind): string {
  const place = placeName(rng);
  if (kind === 'exploration') {
    const stage = rng.pickWeighted([['普查', 5], ['详查', 3], ['勘探', 1]] as const);
    return `河北省${county}${place}${mineral.name.replace(/矿$/, '')}矿${stage}`;
  }
  const form = rng.next();
  if (form < 0.5) return `${county}${place}${mineral.short}`;
  const company = `${county}${rng.pick(COMPANY_HEAD)}${rng.pick(['矿业', '建材', '实业'])}有限公司`;
  return form < 0.85 ? `${company}${place}${mineral.short}` : `${company}${place}${mineral.short}(${rng.int(1, 3)}号矿区)`;
}

/**
 * 采矿许可证号: C + 6-digit province code + year and month of issue + two one-digit codes +
 * year of first issue + 4-digit serial, 23 characters (e.g. C1100002010071120070001).
 * 勘查许可证号: T + 2-digit province + 1 + year and month + 2 digits + 6-digit serial, 18
 * characters (e.g. T11120080302005678).
 */
export class LicenceNumbers {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng, private readonly provinceCode: string) {}

  next(kind: LicenceKind): string {
    for (;;) {
      const r = this.rng;
      const y = r.int(2006, 2023);
      const mm = String(r.int(1, 12)).padStart(2, '0');
      const id =
        kind === 'mining'
          ? `C${this.provinceCode}0000${y}${mm}${r.int(1, 2)}${r.int(1, 3)}${r.int(1998, y)}${String(r.int(1, 9999)).padStart(4, '0')}`
          : `T${this.provinceCode}1${y}${mm}0${r.int(1, 3)}${String(r.int(1, 999999)).padStart(6, '0')}`;
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}

/** 开采上限 / 开采下限 (m, national elevation datum): a mining depth range in hilly terrain. */
export function miningElevations(rng: Rng): { top: number; bottom: number } {
  const top = 10 * Math.round(rng.uniform(450, 1350) / 10);
  const bottom = top - 10 * Math.round(rng.uniform(120, 650) / 10);
  return { top, bottom };
}
