/**
 * Broken boundary-point text files (server/io/boundary-text/): mining-right corner points in the
 * registration system's keyed, string and line forms, and the Ministry's land-parcel exchange
 * format. No GDAL driver writes these, so they are spelled here as the registration system and
 * the bureaus' tools write them: GBK, CRLF, X = northing and Y = easting with the zone prefix.
 * A file of one licence is named by the licence id, so each case has its own folder.
 */
import iconv from 'iconv-lite';
import type { Corpus } from './broken-base.ts';

interface Ring {
  /** [pointNo, X (northing), Y (easting)] */
  points: Array<[number, number, number]>;
  top: number;
  bottom: number;
  remark: string;
  /** 1 a block (mined), -1 a ring excluded from the block before it */
  flag: 1 | -1;
}

/** Licence C1300002011: block 1 (2 km square) with an excluded 500 m square, block 2 (1 km square). */
const LICENCE: Ring[] = [
  { points: [[1, 4482000, 39500000], [2, 4482000, 39502000], [3, 4480000, 39502000], [4, 4480000, 39500000]], top: 1200, bottom: 800, remark: '', flag: 1 },
  { points: [[1, 4481500, 39500500], [2, 4481500, 39501000], [3, 4481000, 39501000], [4, 4481000, 39500500]], top: 1200, bottom: 800, remark: '扣除', flag: -1 },
  { points: [[5, 4482000, 39505000], [6, 4482000, 39506000], [7, 4481000, 39506000], [8, 4481000, 39505000]], top: 1100, bottom: 900, remark: '露天开采', flag: 1 },
];

const terminator = (r: Ring): string => `${r.top},${r.bottom},${r.remark},${r.flag}`;
const gbk = (lines: string[]): Buffer => iconv.encode(lines.join('\r\n') + '\r\n', 'gbk');

/** Keyed form: XY001=1,X,Y … XYnnn=标高,top,bottom,remark,flag after each ring. */
function keyed(rings: Ring[]): string[] {
  const lines: string[] = [];
  const key = (): string => `XY${String(lines.length + 1).padStart(3, '0')}`;
  for (const r of rings) {
    for (const p of r.points) lines.push(`${key()}=${p.join(',')}`);
    lines.push(`${key()}=标高,${terminator(r)}`);
  }
  return lines;
}

/** Line form: pointNo,X,Y lines, each ring closed by "*,top,bottom,remark,flag". */
function pointLines(rings: Ring[]): string[] {
  return rings.flatMap((r) => [...r.points.map((p) => p.join(',')), `*,${terminator(r)}`]);
}

/** String form: rings,(points,(no,X,Y)…,top,bottom,remark,flag)… on one line. */
function oneString(rings: Ring[]): string {
  return [String(rings.length), ...rings.map((r) => [r.points.length, ...r.points.flat(), terminator(r)].join(','))].join(',');
}

const PARCEL_HEADER = [
  '[属性描述]', '格式版本号=1.01版本', '数据产生单位=燕岭县自然资源局', '数据产生日期=2024-05-01', '坐标系=2000国家大地坐标系',
  '几度分带=3', '投影类型=高斯克吕格', '计量单位=米', '带号=39', '精度=0.001', '转换参数=,,,,,,',
];

/** Parcel exchange: a header, then per parcel "点数,面积,编号,名称,面,图幅号,用途,地类编码,@" and its J-named points. */
function parcels(count = 10): string[] {
  const ring = (r: Ring, no: number): string[] => [...r.points, r.points[0]].map(([, x, y], i) => `J${(no - 1) * 4 + (i % 4) + 1},${no},${x},${y}`);
  return [...PARCEL_HEADER, '[地块坐标]', `${count},375.0000,D001,北台沟地块,面,J50G066039,采矿用地,0602,@`, ...ring(LICENCE[0], 1), ...ring(LICENCE[1], 2)];
}

const ID = 'C1300002011';

export function textCases(c: Corpus): void {
  const ERR = '{dir}/text';
  const put = (name: string, lines: string[]): string => {
    c.write(`text/${name}`, gbk(lines));
    return `text/${name}`;
  };

  c.add({
    file: put(`keyed-gap/${ID}.txt`, keyed(LICENCE).map((l) => l.replace('=3,4480000,39502000', '=5,4480000,39502000'))),
    case: 'corner points, keyed form: point 3 of ring 1 numbered 5 (a gap in the point numbers)',
    expect: `${ERR}/keyed-gap/${ID}.txt: feature #0 (${ID}): line 3: point 5 follows point 2; point numbers must be consecutive`,
  });
  c.add({
    file: put(`keyed-typo/${ID}.txt`, keyed(LICENCE).map((l) => l.replace('=2,4482000,39502000', '=2,4482000,395O2000'))),
    case: 'corner points, keyed form: a Y coordinate typed with the letter O for a zero',
    expect: `${ERR}/keyed-typo/${ID}.txt: feature #0 (${ID}): line 2: the Y coordinate "395O2000" is not a number`,
  });
  c.add({
    file: put(`string-count/${ID}.txt`, [oneString(LICENCE).replace(/^3,4,/, '3,5,')]),
    case: 'corner points, string form: ring 1 declares 5 points but lists 4',
    expect: { match: `^${ERR}/string-count/${ID}\\.txt: feature #0 \\(${ID}\\): line 1, value \\d+: ring 1 declares 5 points but has (4|more)$` },
  });
  c.add({
    file: put(`line-open/${ID}.txt`, pointLines(LICENCE).slice(0, -1)),
    case: 'corner points, line form: the last ring has no "*,top,bottom,remark,flag" terminator',
    expect: `${ERR}/line-open/${ID}.txt: feature #0 (${ID}): ring 3 (from line 11) has no terminator: expected "*,top,bottom,remark,flag" after its last point (line 14)`,
  });
  c.add({
    file: put(`excluded-first/${ID}.txt`, pointLines([LICENCE[1], LICENCE[0], LICENCE[2]])),
    case: 'corner points, line form: an excluded ring (flag -1) before any block',
    expect: `${ERR}/excluded-first/${ID}.txt: feature #0 (${ID}): line 5: ring 1 (from line 1) is an excluded ring (flag -1) before any block (flag 1)`,
  });
  c.add({
    file: put('parcel-count.txt', parcels(12)), case: 'parcel exchange: 点数 says 12 points, 10 point lines follow',
    expect: `${ERR}/parcel-count.txt: feature #0 (D001): line 13: 点数 says 12 points but 10 point lines follow (line 14 to line 23)`,
  });
  c.add({
    file: put('notes.txt', ['矿区范围说明：', '见附图一。', '坐标系：2000国家大地坐标系']),
    case: 'a .txt that is no boundary-point format (a note)',
    expect: { match: `^${ERR}/notes\\.txt: not a boundary-point file: expected one of: .+` },
  });
  c.write('text/empty.txt', Buffer.alloc(0));
  c.add({ file: 'text/empty.txt', case: 'an empty .txt (0 bytes)', expect: `${ERR}/empty.txt: the file is empty (0 bytes)` });

  c.add({
    file: put(`ok-keyed/${ID}.txt`, keyed(LICENCE)),
    case: 'TRICKY: corner points, keyed form, GBK: two blocks, an excluded ring listed clockwise',
    ok: true, features: 1, encoding: { name: 'gb18030', how: 'detected' },
    checks: [{ feature: 0, attributes: { licence_id: ID, blocks: 2 }, area: 4_750_000, polygons: 2, rings: [2, 1] }],
  });
  c.add({
    file: put('ok-parcel.txt', parcels()), crs: null,
    case: 'TRICKY: parcel exchange whose header gives the CRS (CGCS2000, 3° zone 39): no flag needed, X/Y not taken as swapped',
    ok: true, features: 1, swapped: false, epsg: 4527,
    checks: [{ feature: 0, attributes: { 名称: '北台沟地块' }, area: 3_750_000, polygons: 1, rings: [2] }],
  });
}
