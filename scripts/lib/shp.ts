/**
 * Writes the generated layers as shapefiles the way Chinese bureaus' files arrive: attributes in
 * GBK (CP936) and no .cpg, and no language byte in the DBF header (GDAL writes none), so a reader
 * has nothing to go on but the bytes themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';

export interface FieldSpec {
  name: string;
  type: 'string' | 'real' | 'integer';
  width: number;
  precision?: number;
}

export type FieldValue = string | number | null;

export interface OutFeature {
  geom: gdal.Geometry;
  values: Record<string, FieldValue>;
}

export interface WriteOptions {
  /** keep ring winding as given; the shapefile writer otherwise rewinds to its convention */
  keepWinding?: boolean;
}

const SIDECARS = ['.shp', '.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx'];

export function removeShapefile(shp: string): void {
  const base = shp.replace(/\.shp$/i, '');
  for (const ext of SIDECARS) fs.rmSync(base + ext, { force: true });
}

export function writeShapefile(
  shp: string, srs: gdal.SpatialReference, fields: FieldSpec[], features: OutFeature[], opts: WriteOptions = {},
): void {
  removeShapefile(shp);
  fs.mkdirSync(path.dirname(shp), { recursive: true });
  // SHAPE_REWIND_ON_WRITE is process-wide in GDAL: set it for this write only.
  const previous = gdal.config.get('SHAPE_REWIND_ON_WRITE');
  gdal.config.set('SHAPE_REWIND_ON_WRITE', opts.keepWinding ? 'NO' : 'YES');
  try {
    const ds = gdal.open(shp, 'w', 'ESRI Shapefile');
    const layer = ds.layers.create(path.basename(shp, '.shp'), srs, gdal.wkbPolygon, ['ENCODING=CP936']);
    for (const f of fields) {
      const type = f.type === 'string' ? gdal.OFTString : f.type === 'real' ? gdal.OFTReal : gdal.OFTInteger;
      const defn = new gdal.FieldDefn(f.name, type);
      defn.width = f.width;
      if (f.precision !== undefined) defn.precision = f.precision;
      layer.fields.add(defn);
    }
    for (const of of features) {
      const feature = new gdal.Feature(layer);
      for (const f of fields) {
        const v = of.values[f.name];
        if (v !== null && v !== undefined) feature.fields.set(f.name, v);
      }
      feature.setGeometry(of.geom);
      layer.features.add(feature);
    }
    ds.close();
  } finally {
    gdal.config.set('SHAPE_REWIND_ON_WRITE', previous);
  }
  // The .cpg is what would tell a reader the encoding; real bureau files usually lack it.
  fs.rmSync(shp.replace(/\.shp$/i, '.cpg'), { force: true });
  const dbfPath = shp.replace(/\.shp$/i, '.dbf');
  const dbf = fs.readFileSync(dbfPath);
  if (dbf[29] !== 0) throw new Error(`${shp}: GDAL wrote language byte ${dbf[29]}; the generator assumes none`);
  // The header's last-update date is today's: pin it so that the committed sample regenerates
  // byte for byte.
  dbf[1] = FIXED_DATE[0] - 1900;
  dbf[2] = FIXED_DATE[1];
  dbf[3] = FIXED_DATE[2];
  fs.writeFileSync(dbfPath, dbf);
}

const FIXED_DATE = [2024, 6, 30] as const;
