/**
 * The manifest of the broken-input corpus (test/fixtures/broken/manifest.json): one entry per
 * file given to redline, what is wrong with it, and what redline must say (or, for tricky but
 * valid files, what it must read). Written by scripts/make-broken-corpus.ts, checked by
 * test/io/broken-corpus.test.ts.
 *
 * Messages are the full InputError message with `{dir}` standing for the corpus folder (the
 * absolute path the test reads from), since every message starts with the file's path.
 */

export interface ReadOptions {
  layer?: string;
  encoding?: string;
}

/** What one feature of a correctly read layer must hold. */
export interface FeatureCheck {
  feature: number;
  /** attribute values, compared exactly */
  attributes?: Record<string, string | number | boolean | null>;
  /** plane area (shoelace, exteriors minus holes), compared to 1e-9 relative */
  area?: number;
  /** number of polygons of the multipolygon (null geometry: 0) */
  polygons?: number;
  /** number of rings of each polygon */
  rings?: number[];
  /** the repairs recorded on the feature; null for none */
  repairs?: string[] | null;
}

export interface CorpusCase {
  /** path relative to the corpus folder: what the user gives redline */
  file: string;
  /** what is wrong (or tricky) with it, in words */
  case: string;
  /** readLayer options */
  read?: ReadOptions;
  /**
   * present for CRS cases: the layer is read, then its CRS resolved by resolveLayerCrs with this
   * flag (`--licence-crs`), or null for no flag
   */
  crs?: string | null;
  /**
   * the file is given as licences to `redline screen` (the CLI refuses non-polygon layers); the
   * message is what the CLI prints after `redline: `
   */
  screen?: true;
  /** the exact full message, or a regular expression it must match */
  expect?: string | { match: string };
  /** a tricky file that must be read correctly */
  ok?: true;
  features?: number;
  kind?: 'polygon' | 'point' | 'line' | 'none';
  encoding?: { name: string; how: string };
  /** CRS cases read correctly: whether the axes were found swapped */
  swapped?: boolean;
  /** CRS cases read correctly: the EPSG code resolved */
  epsg?: number;
  checks?: FeatureCheck[];
}
