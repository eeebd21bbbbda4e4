import { plain } from '../money.ts';
import type { Profile, RuleContext } from '../profile.ts';
import { exitRatio } from '../quantities.ts';
import {
  byApprovalLevel, facilitiesItem, nonFiscalShare, priceBasis, priceRefundByArea, priceRefundByReserves, proRata, ratioInput,
} from '../rules.ts';
import type { Check, ItemDraft, OptionValue } from '../types.ts';

/**
 * 海南省自然资源和规划厅 海南省财政厅《关于生态保护红线内矿业权退出补偿的指导意见》
 * 琼自然资规〔2023〕7号 (in force 2024-01-01 for 3 years), as compensation-spec.md reads it.
 */

const DOC = '琼自然资规〔2023〕7号';
const PAYERS = `${DOC} 五（二）`;

const FISCAL_REDUCTION = 'fiscal_reduction_applies_to';

function fiscalReductionOn(options: Readonly<Record<string, OptionValue>>, item: 'investment' | 'price'): boolean {
  const v = options[FISCAL_REDUCTION];
  return Array.isArray(v) && v.includes(item);
}

function eligibility(ctx: RuleContext): Check[] {
  const { f } = ctx;
  const checks: Check[] = [];
  const valid = f.yesNo('licence_valid', 'the eligibility check "legal and valid mineral right" (合法有效矿业权)');
  if (valid) {
    checks.push({ clause: `${DOC} 二`, passed: true, text: 'legal and valid mineral right (合法有效矿业权)' });
  } else {
    const court = f.yesNo('court_ordered', 'the eligibility check of a licence that is not valid (法院裁定或行政复议决定)');
    checks.push(court
      ? { clause: `${DOC} 二`, passed: true, text: 'not valid, but a court ruling or administrative reconsideration says it must still be compensated (法院裁定或行政复议决定明确矿业权仍需要补偿)' }
      : { clause: `${DOC} 二`, passed: false, text: 'the mineral right is not legal and valid, and no court ruling or administrative reconsideration orders compensation (不属于合法有效矿业权)' });
  }
  if (ctx.licenceType === 'exploration') {
    const share = f.number('fiscal_share', 'the eligibility check of state-funded exploration (财政资金全额出资)');
    checks.push(share.eq(1)
      ? { clause: `${DOC} 三（一）`, passed: false, text: 'exploration fully funded by the state budget is not compensated (财政资金全额出资勘查项目探矿权不予补偿)' }
      : { clause: `${DOC} 三（一）`, passed: true, text: `exploration funded ${plain(share.times(100))} % by the state budget: compensated, the state-funded part deducted` });
  }
  return checks;
}

function priceRefund(ctx: RuleContext): ItemDraft {
  const exploration = ctx.licenceType === 'exploration';
  const clause = `${DOC} 三（${exploration ? '一' : '二'}）`;
  const reduce = exploration && fiscalReductionOn(ctx.options, 'price');
  const factors = reduce ? [nonFiscalShare(ctx, 'the co-funding reduction of the price refund')] : [];
  const also = reduce ? `; co-funding reduction applied to the price too (option ${FISCAL_REDUCTION})` : '';
  if (priceBasis(ctx) === 'area') {
    return priceRefundByArea(ctx, { rule: `price refund, price assessed on area (reading: no reserves were estimated)${also}`, clause }, 'A_ref', factors);
  }
  return priceRefundByReserves(ctx, {
    rule: (exploration
      ? 'price refund: the paid price that corresponds to the reserves in the vertical projection of the exit range (退出范围垂直投影内资源储量对应的已缴纳的探矿权价款)'
      : 'price refund: the paid price that corresponds to the remaining reserves in the vertical projection of the exit range (退出范围垂直投影内剩余资源储量对应的已缴纳的采矿权价款)') + also,
    clause,
  }, factors);
}

function explorationInvestment(ctx: RuleContext): ItemDraft {
  const why = 'the exploration investment item';
  const total = ctx.f.number('exploration_investment_yuan', why);
  const aExit = ctx.q.exitArea();
  const aRef = ctx.q.referenceArea();
  const ratio = exitRatio(aExit, aRef, 'A_exit / A_ref', (t) => ctx.warn(t));
  const nf = fiscalReductionOn(ctx.options, 'investment') ? nonFiscalShare(ctx, 'the co-funding reduction of the exploration investment') : null;
  return {
    item: 'investment',
    rule: 'exploration investment: total investment × (exit area ÷ licence area), the state-funded share deducted (勘查投资按勘查总投资金额×(退出范围面积÷探矿权面积)计算；按照合作出资比例核减财政资金出资部分)',
    clause: `${DOC} 三（一）`,
    formula: `I_total × (A_exit / A_ref)${nf ? ' × (1 − fiscal_share)' : ''}`,
    inputs: [ctx.f.input('I_total', 'exploration_investment_yuan', total, 'yuan'), ...aExit.inputs, ...aRef.inputs, ratioInput('A_exit / A_ref', ratio), ...(nf?.inputs ?? [])],
    amount: proRata(total, aExit.value, aRef.value, nf ? [nf] : []),
    paidBy: byApprovalLevel(ctx, PAYERS),
  };
}

function lineItems(ctx: RuleContext): ItemDraft[] {
  if (ctx.licenceType === 'exploration') return [priceRefund(ctx), explorationInvestment(ctx)];
  return [
    priceRefund(ctx),
    facilitiesItem(ctx, {
      rule: 'mining facilities: net value of the facilities in the exit range, except those relocated for reuse, and the relocation losses (开采设施投入按照退出范围内开采设施投入净值核算，需搬迁再利用的除外；搬迁相应设施等直接损失); facilities outside the mining area (roads, water, power, telecoms) excluded',
      clause: `${DOC} 三、三（二）`,
    }, byApprovalLevel(ctx, PAYERS)),
  ];
}

export const hainan2023: Profile = {
  id: 'hainan-2023',
  title: '海南省自然资源和规划厅 海南省财政厅《关于生态保护红线内矿业权退出补偿的指导意见》（琼自然资规〔2023〕7号）',
  document: DOC,
  zoneTypes: ['redline'],
  zoneWords: 'the ecological protection red line (生态保护红线)',
  licenceTypes: ['exploration', 'mining'],
  options: [
    {
      key: FISCAL_REDUCTION,
      description: 'which items the co-funding reduction (1 − fiscal_share) applies to: ["investment"] (the spec: the holder paid the price in full) or ["investment", "price"]',
      default: ['investment'],
      parse: (v) => {
        const ok = Array.isArray(v) && v.length > 0 && v.every((x) => x === 'investment' || x === 'price') && v.includes('investment');
        if (!ok) throw new Error(`${FISCAL_REDUCTION} must be ["investment"] or ["investment", "price"]`);
        return [...new Set(v as string[])];
      },
    },
  ],
  revenueShares: [
    { from: '2006-09-01', to: '2017-06-30', central: '0.2', local: '0.8', province: null, cityCounty: null, source: '财政部 国土资源部 中国人民银行 notice on price income, 2006 (财建〔2006〕694号): price (价款) 20 % central, 80 % local, split set by the province' },
    { from: '2017-07-01', to: null, central: '0.4', local: '0.6', province: null, cityCounty: null, source: '国发〔2017〕29号 (矿产资源权益金制度改革方案): transfer proceeds (出让收益) 40 % central, 60 % local, split set by the province' },
  ],
  restoration: {
    clause: `${DOC} 三（二）`,
    zeroStatuses: ['accepted', 'not_needed'],
    words: 'restoration done by the city/county government for the holder; the cost is deducted from the compensation and any excess is borne by the holder (生态修复费用从矿业权人退出补偿金额中核减，超出部分由矿业权人承担)',
  },
  paymentConditions: 'paid by the government under the exit compensation agreement after the on-site inspection and acceptance (经现场检查验收通过的，由政府按退出补偿协议予以补偿), 琼自然资规〔2023〕7号 四（四); the central share is reclaimed from the Ministry of Finance Hainan office (向财政部海南监管局申请退还), 五（二）',
  deadlines: [
    { step: 'objection to the accounting result, from its receipt (对核算结果有异议的，可自收到核算结果5个工作日内书面要求复核)', workingDays: 5, clause: `${DOC} 四（二）` },
    { step: 'review result of the accounting firm (应在5个工作日内作出复核结果)', workingDays: 5, clause: `${DOC} 四（二）` },
  ],
  usesFacilities: true,
  eligibility,
  lineItems,
};
