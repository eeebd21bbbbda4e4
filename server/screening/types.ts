import type { Crs, DatumShift, GaussKruger } from '../geo/crs-types.ts';
import type { Attributes, MultiPolygon } from '../geo/types.ts';
import type { FieldMapping, FieldOverrides, ZoneType } from './fields.ts';
import type { OverlayPool } from './pool.ts';

/** A polygon layer as screening sees it: features in a known CRS. The importers produce these. */
export interface LayerInput {
  /** the file the user gave, for messages */
  source: string;
  name: string;
  crs: Crs;
  fields: readonly string[];
  features: ReadonlyArray<{ index: number; geometry: MultiPolygon | null; attributes: Attributes }>;
  /** zone layers: the type a person declared for the whole layer (the service's upload form), used when a feature's own type field does not say */
  zoneType?: ZoneType | null;
}

export interface ScreeningOptions {
  licences: LayerInput;
  zones: readonly LayerInput[];
  reserves?: LayerInput;
  fieldOverrides?: FieldOverrides;
  /** exit areas below this many m² are slivers (boundary mismatch), not exits */
  sliverM2?: number;
  /** Bursa-Wolf parameters to CGCS2000 for Xian 80 / Beijing 54 inputs */
  datumShift?: DatumShift;
  /**
   * keep each licence's remaining range (licence − zones) as geometry; off by default: the
   * remaining parts are always counted, but their geometry costs a tenth of a county run
   */
  remainingRanges?: boolean;
  /** worker processes for the overlay; 0 runs in this process. Default: one per core. */
  workers?: number;
  /** an overlay pool started earlier (so it warms up while the inputs are read); closed here */
  pool?: OverlayPool;
  onProgress?: (done: number, total: number) => void;
}

/** Overlap class of a licence, see README "Overlap classes". */
export type Status = 'none' | 'touch' | 'sliver' | 'partial' | 'whole';

export interface ZoneOverlapRow {
  zoneId: string;
  zoneName: string | null;
  zoneType: ZoneType | null;
  areaPlane: number;
  areaEllipsoidal: number;
}

export interface LicenceResult {
  licenceId: string;
  name: string | null;
  status: Status;
  licenceAreaPlane: number;
  licenceAreaEllipsoidal: number;
  exitAreaPlane: number;
  exitAreaEllipsoidal: number;
  /** exit area / licence area, both ellipsoidal (the legal areas) */
  exitRatio: number;
  remainingParts: number;
  zoneIds: string[];
  zones: ZoneOverlapRow[];
  warnings: string[];
  /** the exit range in CGCS2000 lon/lat (EPSG:4490) */
  exitRangeLonLat: MultiPolygon;
  /** the same as GeoJSON geometry text, made while waiting for the other licences' overlays */
  exitRangeJson: string | null;
  /**
   * licence − zones in lon/lat, parts of at least the sliver size ([] for a whole exit); null
   * when no zone takes area from the licence, or when the screening was not asked to keep it
   * (ScreeningOptions.remainingRanges)
   */
  remainingRangeLonLat: MultiPolygon | null;
  /** the same as GeoJSON geometry text, when there is a remaining range */
  remainingRangeJson: string | null;
  /** the plane the licence was analysed in */
  plane: GaussKruger;
}

export interface BlockResult {
  licenceId: string;
  blockId: string;
  category: string | null;
  blockAreaPlane: number;
  oreT: number | null;
  metalT: number | null;
  exitFraction: number;
  exitOreT: number | null;
  exitMetalT: number | null;
  note: string | null;
}

export interface ScreeningResult {
  licences: LicenceResult[];
  blocks: BlockResult[];
  /** field chosen per layer source and key */
  fieldMappings: Record<string, FieldMapping>;
  zoneTypes: ZoneType[];
  sliverM2: number;
  warnings: string[];
  peakRssMb: number;
}
