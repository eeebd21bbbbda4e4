import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './common.ts';
import { screenCommand } from './screen.ts';

/**
 * `npm start`: until the service lands, screen the sample county so a new user sees results at
 * once, and say where they are.
 */
export async function startCommand(argv: string[]): Promise<number> {
  const sample = join(PROJECT_ROOT, 'data', 'sample');
  const out = argv[0] ?? 'var/sample-screening';
  const file = (name: string): string => join(sample, name);
  const args = [
    '--licences', file('licences.shp'),
    '--zones', file('redline.shp'),
    '--zones', file('nature_reserve.shp'),
    '--out', out,
  ];
  if (existsSync(file('reserve_blocks.shp'))) args.push('--reserves', file('reserve_blocks.shp'));
  const code = await screenCommand(args);
  process.stdout.write(`\nThe sample county is screened. Open ${out}/screening.csv (Excel) or ${out}/overlaps.geojson (QGIS).\n`);
  return code;
}
