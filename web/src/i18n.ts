/**
 * Every visible string, in Chinese (the default) and English. The switch in the header is
 * remembered in localStorage; without a choice the server's settings `language` decides.
 * Terms follow the glossary of shared/policy/README.md.
 */
import { h } from './dom.ts';

export type Lang = 'zh' | 'en';
const LANG_KEY = 'redline.lang';

const M = {
  app_title: ['redline 矿业权生态保护红线筛查', 'redline: mineral rights vs. protected zones'],
  app_subtitle: ['矿业权与生态保护红线、自然保护区重叠筛查', 'mineral rights against the red line and nature reserves'],
  tab_upload: ['数据上传', 'Upload'],
  tab_screening: ['筛查', 'Screening'],
  tab_cases: ['案件列表', 'Cases'],
  settings: ['设置', 'Settings'],
  current_run: ['当前筛查', 'Current run'],
  map: ['地图', 'Map'],
  legend: ['图例', 'Legend'],
  close: ['关闭', 'Close'],
  open: ['打开', 'Open'],
  save: ['保存', 'Save'],
  saved: ['已保存', 'Saved'],
  cancel: ['取消', 'Cancel'],
  loading: ['加载中…', 'Loading…'],
  all: ['全部', 'All'],
  none_found: ['无', 'none'],
  and_more: ['…另有 {n} 项', '… and {n} more'],
  exact: ['精确值', 'exact'],
  yuan: ['元', 'yuan'],
  unit_m2: ['平方米', 'm²'],
  unit_ha: ['公顷', 'ha'],
  unit_km2: ['平方公里', 'km²'],
  tianditu_attribution: ['© 天地图', '© Tianditu'],
  zone: ['保护区', 'Zone'],
  case: ['案件', 'Case'],
  // statuses, zone types, licence types, exit kinds
  status_whole: ['整体重叠', 'Wholly inside'],
  status_partial: ['部分重叠', 'Partial overlap'],
  status_sliver: ['碎片重叠', 'Sliver'],
  status_touch: ['边界相接', 'Touching'],
  status_none: ['无重叠', 'No contact'],
  zt_redline: ['生态保护红线', 'Ecological protection red line'],
  zt_nature_reserve: ['自然保护区', 'Nature reserve'],
  type_mining: ['采矿权', 'Mining right'],
  type_exploration: ['探矿权', 'Exploration right'],
  type_enterprise: ['工矿企业', 'Industrial enterprise'],
  exit_whole: ['整体退出', 'Whole exit'],
  exit_partial: ['核减部分范围退出', 'Partial exit (area reduction)'],
  exit_whole_short: ['整体退出', 'whole'],
  exit_partial_short: ['部分退出', 'partial'],
  // legend
  legend_licences: ['矿业权（按重叠类型着色）', 'Licences (by overlap class)'],
  legend_redline: ['生态保护红线', 'Ecological protection red line'],
  legend_nature_reserve: ['自然保护区', 'Nature reserves'],
  legend_exit_ranges: ['退出范围', 'Exit ranges'],
  legend_remaining_parts: ['剩余范围', 'Remaining parts'],
  legend_reserve_blocks: ['储量块段', 'Reserve blocks'],
  legend_outlines: ['县界', 'County outlines'],
  legend_basemap: ['底图', 'Basemap'],
  from_zoom: ['（{z} 级以上显示）', '(from zoom {z})'],
  // upload
  upload_title: ['上传数据', 'Upload a layer'],
  upload_intro: ['选择数据类型后，将 zip（Shapefile）、GeoPackage、GeoJSON、KML、DXF、CSV、Excel 或拐点坐标文件拖到下方。', 'Choose what the file holds, then drop a zip of shapefiles, a GeoPackage, GeoJSON, KML, DXF, CSV, Excel or a boundary-point file below.'],
  upload_kind: ['数据类型', 'Kind'],
  kind_auto: ['自动识别（按文件名）', 'Automatic (from the file name)'],
  kind_licences: ['矿业权（许可证）', 'Licences'],
  kind_redline: ['生态保护红线', 'Zones: ecological protection red line'],
  kind_nature_reserve: ['自然保护区', 'Zones: nature reserve'],
  kind_reserves: ['储量块段', 'Reserve blocks'],
  upload_crs: ['坐标系（可选）', 'CRS (optional)'],
  upload_crs_hint: ['文件缺少 .prj 时填写，如 EPSG:4527', 'when the file has no .prj, e.g. EPSG:4527'],
  advanced: ['更多选项', 'More options'],
  upload_layer: ['图层', 'Layer'],
  upload_layer_hint: ['多图层数据源（GeoPackage、GDB、多表 Excel）需指定', 'needed for multi-layer sources'],
  upload_encoding: ['属性编码', 'Attribute encoding'],
  encoding_auto: ['自动检测', 'Detect'],
  drop_here: ['拖放文件到此处，或点击选择文件', 'Drop a file here, or click to choose one'],
  drop_formats: ['.zip .gpkg .geojson .kml .kmz .dxf .fgb .csv .xlsx .txt', '.zip .gpkg .geojson .kml .kmz .dxf .fgb .csv .xlsx .txt'],
  uploading: ['正在上传并校验…', 'Uploading and checking…'],
  ds_ready: ['已导入', 'Imported'],
  ds_needs_crs: ['待确认坐标系', 'CRS to confirm'],
  confirm_intro: ['文件未声明坐标系。请核对系统根据坐标推断的坐标系，确认后方可用于筛查。', 'The file declares no CRS. Check the one suggested from the coordinates; the layer can be screened once it is confirmed.'],
  confirm_crs_label: ['坐标系', 'CRS'],
  confirm_crs: ['确认坐标系', 'Confirm CRS'],
  goto_screening: ['去筛查', 'Go to screening'],
  // report
  report: ['校验报告', 'Validation report'],
  verdict_ok: ['通过', 'OK'],
  verdict_warnings: ['有警告', 'Warnings'],
  verdict_errors: ['有错误', 'Errors'],
  level_error: ['错误', 'error'],
  level_warning: ['警告', 'warning'],
  report_source: ['来源', 'Source'],
  report_format: ['格式', 'Format'],
  report_geometry: ['几何类型', 'Geometry type'],
  geom_polygon: ['面', 'polygon'],
  geom_point: ['点', 'point'],
  geom_line: ['线', 'line'],
  geom_none: ['无几何', 'none'],
  report_features: ['要素数', 'Features'],
  multipart: ['多部件 {n} 个', '{n} multipart'],
  vertices: ['节点 {n} 个', '{n} vertices'],
  report_crs: ['坐标系', 'CRS'],
  crs_found_from: ['来自 {source}', 'from {source}'],
  crs_suggested: ['推断', 'suggested'],
  crs_reason: ['依据', 'why'],
  crs_unknown: ['未知', 'unknown'],
  crs_swapped: ['文件中 X/Y 互换（北坐标在前），已自动换回', 'X and Y are swapped in the file (northing first); swapped back'],
  report_encoding: ['编码', 'Encoding'],
  report_extent: ['范围（经纬度）', 'Extent (lon/lat)'],
  extent_in_file: ['文件坐标', 'in the file'],
  report_id_field: ['编号字段', 'Id field'],
  report_fields: ['字段', 'Fields'],
  report_invalid: ['无效几何', 'Invalid geometries'],
  not_checked: ['不适用（非面图层）', 'not checked (not polygons)'],
  report_empty: ['空几何', 'Empty shapes'],
  report_duplicates: ['重复编号', 'Duplicate ids'],
  report_missing_ids: ['缺少编号', 'Missing ids'],
  report_repairs: ['读取时修复', 'Repaired on reading'],
  // screening
  screening_title: ['筛查', 'Screening'],
  run_licences: ['矿业权图层', 'Licences'],
  run_zones: ['保护区图层（生态保护红线、自然保护区）', 'Zones (red line, nature reserves)'],
  run_reserves: ['储量块段（可选）', 'Reserve blocks (optional)'],
  no_reserves: ['（不使用）', '(none)'],
  run_sliver: ['碎片阈值（平方米）', 'Sliver size (m²)'],
  run_sliver_hint: ['小于此面积的重叠视为边界误差', 'smaller overlaps are boundary mismatches'],
  start_run: ['开始筛查', 'Start screening'],
  no_datasets: ['（尚无数据，请先上传）', '(nothing uploaded yet)'],
  progress: ['筛查进度', 'Screening progress'],
  progress_of: ['已完成 {done} / {total} 个矿业权', '{done} of {total} licences'],
  run_queued: ['排队中', 'Queued'],
  run_running: ['进行中', 'Running'],
  run_done: ['已完成', 'Done'],
  run_failed: ['失败', 'Failed'],
  runs_history: ['筛查记录', 'Runs'],
  no_runs: ['尚无筛查记录', 'No runs yet'],
  run_id: ['编号', 'Id'],
  created_at: ['创建时间', 'Created'],
  status: ['状态', 'Status'],
  // cases table
  cases_title: ['案件列表', 'Cases'],
  no_run_open: ['尚未打开筛查结果。请在“筛查”中开始或打开一次筛查。', 'No run is open: start or open one under Screening.'],
  filter_status: ['按重叠类型筛选', 'Filter by overlap class'],
  filter_q: ['搜索', 'Search'],
  filter_q_placeholder: ['许可证号或名称', 'licence number or name'],
  filter_min_ratio: ['退出比例 ≥ %', 'Exit ratio ≥ %'],
  filter_max_ratio: ['退出比例 ≤ %', 'Exit ratio ≤ %'],
  filter_type: ['矿业权类型', 'Licence type'],
  area_unit: ['面积单位', 'Area unit'],
  col_licence: ['许可证号 / 矿山名称', 'Licence / name'],
  col_status: ['重叠类型', 'Overlap'],
  col_exit_area: ['退出面积', 'Exit area'],
  col_exit_ratio: ['退出比例', 'Exit ratio'],
  col_decision: ['处置决定', 'Decision'],
  no_results: ['没有符合条件的矿业权', 'No licence matches'],
  prev: ['上一页', 'Previous'],
  next: ['下一页', 'Next'],
  range_of: ['第 {from}–{to} 条，共 {total} 条', '{from}–{to} of {total}'],
  // case panel
  fit_case: ['缩放至该矿权', 'Zoom to licence'],
  case_summary: ['概况', 'Summary'],
  case_zones: ['涉及的保护区', 'Zones overlapped'],
  case_blocks: ['储量块段（垂直投影）', 'Reserve blocks (vertical projection)'],
  case_compensation: ['退出补偿测算', 'Exit compensation'],
  case_finance: ['财务数据', 'Finance figures'],
  case_decision: ['处置决定', 'Decision'],
  case_audit: ['操作记录', 'Audit history'],
  area_plane: ['平面面积', 'Plane'],
  area_ellipsoidal: ['椭球面积', 'Ellipsoidal'],
  area_plane_title: ['高斯-克吕格投影平面上的面积', 'area in the Gauss-Krüger plane'],
  area_ellipsoidal_title: ['CGCS2000 椭球面上的面积（TD/T 1055 附录 D）', 'area on the CGCS2000 ellipsoid (TD/T 1055 appendix D)'],
  licence_area: ['矿权面积', 'Licence area'],
  exit_area: ['退出面积', 'Exit area'],
  exit_ratio: ['退出比例（椭球面积）', 'Exit ratio (ellipsoidal)'],
  remaining_parts: ['剩余块数', 'Remaining parts'],
  zone_ids: ['保护区编号', 'Zone ids'],
  no_zones: ['未与保护区重叠', 'No zone overlapped'],
  zone_id: ['编号', 'Zone id'],
  zone_name: ['名称 / 编号', 'Name / id'],
  zone_type: ['类型', 'Type'],
  overlap_plane: ['重叠面积（平面）', 'Overlap (plane)'],
  overlap_ellipsoidal: ['重叠面积（椭球）', 'Overlap (ellipsoidal)'],
  no_blocks: ['无储量块段', 'No reserve blocks'],
  block_id: ['块段号', 'Block'],
  category: ['类别', 'Category'],
  block_area: ['块段面积（平面）', 'Block area (plane)'],
  ore_t: ['矿石量（吨）', 'Ore (t)'],
  metal_t: ['金属量（吨）', 'Metal (t)'],
  exit_fraction: ['退出比例', 'Exit share'],
  exit_ore_t: ['退出矿石量（吨）', 'Exit ore (t)'],
  exit_metal_t: ['退出金属量（吨）', 'Exit metal (t)'],
  exit_kind: ['退出方式', 'Exit kind'],
  reviewed: ['已复核', 'Reviewed'],
  note: ['备注', 'Note'],
  decided_by_label: ['经办人', 'By'],
  decided_by: ['{by} 于 {at} 决定', 'decided by {by} on {at}'],
  save_decision: ['保存决定', 'Save decision'],
  no_audit: ['暂无记录', 'No entries yet'],
  audit_case_open: ['立案', 'case opened'],
  audit_case_decide: ['处置决定', 'decision'],
  audit_finance_save: ['财务数据', 'finance figures'],
  audit_compensation_save: ['补偿测算', 'compensation'],
  // compensation
  policy: ['补偿政策', 'Policy'],
  policy_hainan: ['海南省 2023（生态保护红线）', 'Hainan 2023 (red line)'],
  policy_bayannur: ['巴彦淖尔市 2020（自然保护区）', 'Bayannur 2020 (nature reserves)'],
  policy_hainan_doc: ['琼自然资规〔2023〕7号《关于生态保护红线内矿业权退出补偿的指导意见》', 'Qiong Zi Ran Zi Gui [2023] No. 7: exit compensation of mineral rights in the red line'],
  policy_bayannur_doc: ['《巴彦淖尔市自然保护区内工矿企业退出补偿办法》（2020-04-30）', 'Bayannur: exit compensation of enterprises in nature reserves (2020-04-30)'],
  compensation_run: ['测算（全部案件）', 'Compute (whole run)'],
  computing: ['测算中…', 'Computing…'],
  compensation_not_run: ['尚未测算：选择政策后点击“测算”。', 'Not computed yet: choose a policy and compute.'],
  compensation_needs_finance: ['尚无财务数据：请先在“财务数据”中填写或导入财务表，再测算。', 'No finance figures yet: fill in or import the finance table first.'],
  eligible: ['符合补偿条件', 'Eligible'],
  not_eligible: ['不予补偿', 'Not eligible'],
  checks: ['条件核查', 'Eligibility checks'],
  item_price_refund: ['价款（出让收益）退还', 'Price refund'],
  item_investment: ['投资补偿', 'Investment'],
  item_facilities: ['开采设施补偿', 'Facilities'],
  clause: ['依据条款', 'Clause'],
  formula: ['计算公式', 'Formula'],
  unrounded: ['未舍入值', 'Unrounded'],
  input_name: ['参数', 'Input'],
  input_value: ['取值', 'Value'],
  input_source: ['来源', 'Source'],
  restoration: ['生态修复', 'Ecological restoration'],
  restoration_accepted: ['已验收', 'accepted'],
  restoration_not_needed: ['无需治理', 'not needed'],
  restoration_not_done: ['未治理', 'not done'],
  gross: ['补偿合计', 'Gross'],
  restoration_deduction: ['生态修复扣减', 'Restoration deduction'],
  payable: ['应支付', 'Payable'],
  owed_by_holder: ['权利人应退缴（多退少补）', 'Owed by the holder'],
  who_pays: ['资金承担', 'Who pays'],
  payer_central: ['中央', 'Central'],
  payer_province: ['省级', 'Province'],
  payer_city_county: ['市县', 'City/county'],
  payer_local_unsplit: ['地方（未分省、市县）', 'Local (not split)'],
  payer_unallocated: ['未分配', 'Unallocated'],
  payers_basis: ['分担依据', 'Basis'],
  // finance
  finance_intro: ['第三方会计核算或评估机构出具的数据；空白表示未提供。', 'Figures from the third-party accounting or appraisal firm; empty means not given.'],
  finance_import: ['导入财务表（整次筛查）…', 'Import a finance table (whole run)…'],
  finance_import_hint: ['CSV 或 Excel，列名同 redline compensate', 'CSV or Excel, the columns of redline compensate'],
  finance_imported: ['已导入 {n} 行', '{n} rows imported'],
  fin_licence_type: ['矿业权类型', 'Licence type'],
  fin_exit_kind: ['退出方式', 'Exit kind'],
  fin_approval_level: ['审批登记机关级别', 'Approval level'],
  fin_certificate_area_km2: ['证载面积（平方公里）', 'Certificate area (km²)'],
  fin_paid_price_yuan: ['已缴价款/出让收益（元）', 'Price paid (yuan)'],
  fin_price_basis: ['价款计算依据', 'Price basis'],
  fin_basis_reserves_t: ['出让/评估利用储量（吨）', 'Reserves the price was assessed on (t)'],
  fin_reserve_quantity: ['储量口径', 'Reserve quantity'],
  fin_exploration_investment_yuan: ['勘查投资（元）', 'Exploration investment (yuan)'],
  fin_fiscal_share: ['财政出资比例', 'Fiscal share'],
  fin_facilities_yuan: ['开采设施投入净值（元）', 'Net value of facilities (yuan)'],
  fin_relocation_yuan: ['搬迁损失（元）', 'Relocation losses (yuan)'],
  fin_appraised_investment_yuan: ['评估重置成本（元）', 'Appraised investment (yuan)'],
  fin_restoration: ['生态修复情况', 'Restoration'],
  fin_restoration_cost_yuan: ['生态修复费用（元）', 'Restoration cost (yuan)'],
  fin_established_date: ['设立日期', 'Established'],
  fin_price_paid_date: ['价款缴纳日期', 'Price paid on'],
  fin_licence_valid: ['证照有效', 'Licence valid'],
  fin_consolidation_compensated: ['已在资源整合中补偿', 'Compensated in a consolidation'],
  fin_court_ordered: ['法院判决/复议决定补偿', 'Ordered by a court'],
  fin_enterprise_amount_yuan: ['企业补偿金额（元）', 'Enterprise amount (yuan)'],
  choice_exploration: ['探矿权', 'exploration'],
  choice_mining: ['采矿权', 'mining'],
  choice_enterprise: ['工矿企业', 'enterprise'],
  choice_whole: ['整体退出', 'whole'],
  choice_partial: ['核减部分范围退出', 'partial'],
  choice_province: ['省级', 'province'],
  choice_city_county: ['市县', 'city/county'],
  choice_reserves: ['按储量', 'by reserves'],
  choice_area: ['按面积', 'by area'],
  choice_ore: ['矿石量', 'ore'],
  choice_metal: ['金属量', 'metal'],
  choice_accepted: ['已验收', 'accepted'],
  choice_not_needed: ['无需治理', 'not needed'],
  choice_not_done: ['未治理', 'not done'],
  choice_yes: ['是', 'yes'],
  choice_no: ['否', 'no'],
  // settings
  basemap_url: ['栅格底图地址（留空则使用离线底图）', 'Raster basemap URL (empty: offline map)'],
  basemap_hint: ['瓦片地址模板，含 {z}/{x}/{y}；天地图需填写本单位密钥（tk）', 'a tile URL template with {z}/{x}/{y}; Tianditu needs the bureau’s key (tk)'],
  division_code: ['默认行政区划代码', 'Default division code'],
  division_hint: ['6 位（县级）或 9、12 位', '6 digits (county), or 9 or 12'],
  operator: ['经办人（仅保存在本机）', 'Your name (kept in this browser)'],
  operator_hint: ['记入操作记录', 'recorded in the audit history'],
  lang_switch: ['English', '中文'],
  lang_switch_label: ['切换到英文', 'Switch to Chinese'],
} as const satisfies Record<string, readonly [string, string]>;

export type Key = keyof typeof M;

let current: Lang = 'zh';
const listeners: Array<() => void> = [];

export const lang = (): Lang => current;

/** The stored choice, else the server's default language, else Chinese. */
export function initLanguage(serverDefault?: string): void {
  const stored = localStorage.getItem(LANG_KEY);
  current = stored === 'en' || stored === 'zh' ? stored : serverDefault === 'en' ? 'en' : 'zh';
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

export function setLang(l: Lang): void {
  current = l;
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  for (const f of listeners) f();
}

export function onLanguage(f: () => void): void {
  listeners.push(f);
}

/** The string for `key`, with `{name}` placeholders filled; an unknown key shows as itself. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  const entry = (M as Record<string, readonly [string, string]>)[key];
  let s = entry ? entry[current === 'zh' ? 0 : 1] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function statusLabel(s: string): string {
  return t(`status_${s}` as Key);
}

export function zoneTypeLabel(z: string): string {
  if (z === 'redline' || z === '生态保护红线') return t('zt_redline');
  if (z === 'nature_reserve' || z === '自然保护区') return t('zt_nature_reserve');
  return z || '—';
}

/** The header button: 中文 ⇄ English. */
export function langSwitch(): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'ghost lang', testid: 'lang-switch' });
  const render = (): void => {
    b.textContent = t('lang_switch');
    b.setAttribute('aria-label', t('lang_switch_label'));
    b.setAttribute('lang', current === 'zh' ? 'en' : 'zh-CN');
    b.dataset.lang = current;
  };
  b.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh'));
  render();
  onLanguage(render);
  return b;
}
