import { parseDate } from '../finance.ts';
import type { Profile, RuleContext } from '../profile.ts';
import { byApprovalLevel, byRevenueShare, carriedAmount, paidPrice, priceBasis, priceRefundByArea, priceRefundByReserves } from '../rules.ts';
import type { Check, ItemDraft, PaidBy } from '../types.ts';

/**
 * 巴彦淖尔市人民政府《巴彦淖尔市自然保护区内工矿企业退出补偿办法》(2020-04-30), as
 * compensation-spec.md reads it.
 */

const DOC = '巴彦淖尔市自然保护区内工矿企业退出补偿办法（2020）';
const CUTOFF = 'cutoff_date';

function eligibility(ctx: RuleContext): Check[] {
  const { f } = ctx;
  const cutoff = String(ctx.options[CUTOFF]);
  const enterprise = ctx.licenceType === 'enterprise';
  const established = f.date('established_date', 'the eligibility check "established before the 2016 central environmental inspection"');
  const valid = f.yesNo('licence_valid', enterprise ? 'the eligibility check "legal enterprise" (合法工矿企业)' : 'the eligibility check "valid certificate, or extension / retention applied for"');
  const consolidated = f.yesNo('consolidation_compensated', 'the eligibility check "not compensated under a resource-consolidation scheme"');
  return [
    established < cutoff
      ? { clause: `${DOC} 四`, passed: true, text: `established ${established}, before the cut-off ${cutoff} (2016 central environmental inspection of Inner Mongolia)` }
      : { clause: `${DOC} 四`, passed: false, text: `established ${established}, not before the cut-off ${cutoff}: only enterprises legally established in the reserve before the 2016 central environmental inspection are compensated (以2016年中央对内蒙古自治区开展环境保护督察为时间节点)` },
    valid
      ? { clause: `${DOC} 四`, passed: true, text: enterprise ? 'legal enterprise' : 'certificate valid, or extension / retention applied for (在有效期限内，含申请延续、保留登记)' }
      : enterprise
        ? { clause: `${DOC} 二（五）`, passed: false, text: 'illegal enterprise: banned, not compensated (非法工矿企业依法取缔，不予补偿)' }
        : { clause: `${DOC} 四`, passed: false, text: 'the certificate is not valid and no extension or retention was applied for (勘查许可证、采矿许可证不在有效期限内，且未申请延续、保留登记)' },
    consolidated
      ? { clause: `${DOC} 四`, passed: false, text: 'already compensated under a resource-consolidation scheme (已经取得针对资源整合补偿的除外)' }
      : { clause: `${DOC} 四`, passed: true, text: 'not compensated under a resource-consolidation scheme' },
  ];
}

function explorationPrice(ctx: RuleContext): ItemDraft {
  if (ctx.f.optionalChoice('price_basis') === 'reserves') {
    ctx.warn('price_basis is "reserves", but this document refunds an exploration right\'s price by area (五（一）): area used');
  }
  const clause = `${DOC} 五（一）`;
  if (ctx.exitKind === 'whole') {
    const P = paidPrice(ctx, 'the price refund of a cancelled exploration right');
    return {
      item: 'price_refund',
      rule: 'exploration right cancelled: the full price is refunded (探矿权注销，全价款补偿探矿权)',
      clause,
      formula: 'P',
      inputs: P.inputs,
      amount: P.value,
      paidBy: byRevenueShare(ctx),
    };
  }
  if (ctx.q.certificateArea() === null) {
    ctx.warn('no certificate area (certificate_area_km2): the computed licence area stands in for the certificate exploration area at exit');
  }
  return priceRefundByArea(ctx, {
    rule: 'exploration right, partial exit: area leaving the reserve ÷ certificate exploration area at exit × paid price (退出自然保护区的面积÷退出时证载勘查面积*已缴纳价款)',
    clause,
  }, 'A_cert');
}

function miningPrice(ctx: RuleContext): ItemDraft {
  const clause = `${DOC} 五（一）`;
  if (priceBasis(ctx) === 'area') {
    return priceRefundByArea(ctx, { rule: 'mining right, price assessed on area (reading: no reserves were estimated)', clause });
  }
  return priceRefundByReserves(ctx, {
    rule: 'mining right: reserves leaving the reserve ÷ transferred reserves × transfer price (退出自然保护区资源储量÷出让资源储量×出让价款; or the reserves submitted at conversion with the exploration price)',
    clause,
  });
}

const byCounty = (why: string): (() => PaidBy) => () => ({ kind: 'level', level: 'city_county', why });

function lineItems(ctx: RuleContext): ItemDraft[] {
  const payers = byApprovalLevel(ctx, `${DOC} 六（五）`);
  switch (ctx.licenceType) {
    case 'exploration':
      return [
        explorationPrice(ctx),
        carriedAmount(ctx, 'investment', 'appraised_investment_yuan', {
          rule: 'exploration investment: replacement cost appraised by the third-party firm (勘查投入…采用重置成本法进行资产评估，审核认定补偿金额)',
          clause: `${DOC} 五（二）1`,
          formula: 'appraised replacement cost (input)',
        }, payers),
      ];
    case 'mining':
      return [
        miningPrice(ctx),
        carriedAmount(ctx, 'investment', 'appraised_investment_yuan', {
          rule: 'mining investment: appraised replacement cost of mining infrastructure, equipment and works, excluding roads, water, power, telecoms outside the mining area (采矿基础设施设备和采矿工程投入…重置成本法)',
          clause: `${DOC} 五（二）2`,
          formula: 'appraised replacement cost (input)',
        }, payers),
      ];
    case 'enterprise':
      return [
        carriedAmount(ctx, 'investment', 'enterprise_amount_yuan', {
          rule: 'other production or processing enterprise: investment compensation as the banner/county government decides (其他生产、加工类企业投入补偿方式可由旗县人民政府…确定)',
          clause: `${DOC} 五（二）3`,
          formula: 'amount set by the banner/county government (input), carried through',
        }, byCounty(`set and paid by the banner/county government, the compensating body (旗县人民政府是补偿主体), ${DOC} 六（五）`)),
      ];
  }
}

export const bayannur2020: Profile = {
  id: 'bayannur-2020',
  title: '巴彦淖尔市人民政府《巴彦淖尔市自然保护区内工矿企业退出补偿办法》（2020年4月30日）',
  document: DOC,
  zoneTypes: ['nature_reserve'],
  zoneWords: 'a nature reserve (自然保护区)',
  licenceTypes: ['exploration', 'mining', 'enterprise'],
  options: [
    {
      key: CUTOFF,
      description: 'enterprises established on or after this date are not compensated: the 2016 central environmental inspection of Inner Mongolia (default 2016-07-14, to be confirmed by the bureau)',
      default: '2016-07-14',
      parse: (v) => {
        const d = typeof v === 'string' ? parseDate(v) : null;
        if (!d) throw new Error(`${CUTOFF} must be a date such as 2016-07-14`);
        return d;
      },
    },
  ],
  revenueShares: [
    { from: '2006-09-01', to: '2017-06-30', central: '0.2', local: '0.8', province: null, cityCounty: null, source: '财政部 国土资源部 中国人民银行 notice on price income, 2006 (财建〔2006〕694号): price (价款) 20 % central, 80 % local, split set by the region' },
    { from: '2017-07-01', to: '2023-12-31', central: '0.4', local: '0.6', province: null, cityCounty: null, source: '国发〔2017〕29号: transfer proceeds (出让收益) 40 % central, 60 % local, split set by the region' },
    { from: '2024-01-01', to: null, central: '0.4', local: '0.6', province: '0.3', cityCounty: '0.3', source: '内财综规〔2024〕12号: Inner Mongolia from 2024, 40 % central, 30 % region, 30 % league/city' },
  ],
  restoration: {
    clause: `${DOC} 五（三）、六（三）`,
    zeroStatuses: ['accepted', 'not_needed'],
    words: 'restoration carried out by the banner/county government: its actual cost is deducted from the compensation, surplus refunded, shortfall recovered (治理费用…从退出补偿金中扣除，多退少补)',
  },
  paymentConditions: 'paid in instalments after the ecological restoration has passed acceptance (对通过生态修复工程核验的工矿企业予以分期兑付补偿), 六（三); the banner/county government is the compensating body (旗县人民政府是补偿主体), 六（五)',
  deadlines: [],
  usesFacilities: false,
  eligibility,
  lineItems,
};
