// Seed data for the customer, journey and care specs (no tests of its own): a customer with
// a complaint, a demand, a survey and two responses, written as a kefu-backup file and
// imported through Settings → Backup, as a user restoring a backup would.
import fs from 'node:fs';
import { expect, open, tmpPath } from './fixtures.mjs';

export const CUSTOMER_ID = 'customer:01E2E0000000000000000001';

const pad = (n) => String(n).padStart(2, '0');
/** The date `years` years before today + `days` (the browser's local date): its yearly return
 *  falls `days` from today, `years` years on, also across a year's end. */
function shifted(years, days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear() - years}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function seedDocs() {
  return [
    {
      _id: CUSTOMER_ID, type: 'customer', kind: 'Individual', name: '周杰', tier: 'Vip', value: 'High',
      lifecycle: 'Existing', account_no: '330000000001', account_opened: shifted(7, 3),
      birthday: shifted(46, 5), branch: 'BR01', phone: '13988887777', stage: 'in_sale',
    },
    {
      _id: 'customer:01E2E0000000000000000002', type: 'customer', kind: 'Individual', name: '吴新', tier: 'New',
      value: 'Low', lifecycle: 'New', account_no: '330000000002', branch: 'BR01', phone: '13711110000',
    },
    {
      _id: 'complaint:01E2E0000000000000000001', type: 'complaint', case_no: 'TS-20261120-0001', branch_code: 'BR01',
      complainant: { name: '周杰', phone: '13988887777', email: '', address: '' }, customer_id: CUSTOMER_ID,
      channel: 'phone', received_at: '2026-11-20T09:30:00', event_place: '',
      narrative: '交易软件在开盘时卡顿,委托未能及时成交', category: 'trading_system', preliminary_opinion: '',
      status: 'classified', rounds: [{ number: 1, opened_at: '2026-11-20T09:30:00' }], history: [],
    },
    {
      _id: 'demand:01E2E0000000000000000001', type: 'demand', customer_id: CUSTOMER_ID, customer_value: 'High',
      kind: 'TradingInquiry', description: '咨询科创板开通条件', urgency: 3, importance: 4, intensity: 'Medium',
      service_cost: 'Low', created_at: '2026-11-21T14:00:00.288', status: 'Open', stage: 'in_sale', history: [],
    },
    {
      _id: 'survey:01E2E0000000000000000001', type: 'survey', title: { zh: '交易服务满意度', en: 'Trading service' },
      version: 1, stage: 'in_sale', touchpoint: 'app', mode: 'OnePage', scales: [],
      questions: [{ id: 'q1', text: { zh: '总体满意度', en: 'Overall' }, kind: { kind: 'Likert5' }, required: true }],
    },
    {
      _id: 'response:01E2E0000000000000000001', type: 'response', survey_id: 'survey:01E2E0000000000000000001',
      survey_version: 1, answers: { q1: { t: 'Score', v: 2 } }, channel: 'Kiosk', stage: 'in_sale', touchpoint: 'app',
      submitted_at: '2026-11-20T16:00:00', complete: true, customer_id: CUSTOMER_ID,
    },
    {
      _id: 'response:01E2E0000000000000000002', type: 'response', survey_id: 'survey:01E2E0000000000000000001',
      survey_version: 1, answers: { q1: { t: 'Score', v: 5 } }, channel: 'Link', stage: 'in_sale', touchpoint: 'app',
      submitted_at: '2026-11-22T11:00:00', complete: true, customer_id: CUSTOMER_ID,
    },
  ];
}

/** Imports the seed through Settings → Backup (this wipes the store first). */
export async function seedBackup(page, docs = seedDocs()) {
  const backup = {
    format: 'kefu-backup', version: 1, exported_at: '2026-11-22T18:00:00',
    branch: { name: '测试营业部', code: 'BR01' }, docs,
  };
  const file = tmpPath(`kefu-seed-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(backup));
  await open(page, '/settings');
  await page.getByTestId('import-file').setInputFiles(file);
  const summary = page.getByTestId('import-summary');
  await expect(summary).toBeVisible();
  await summary.getByRole('button').first().click();
  await expect(summary).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('import-error')).toHaveCount(0);
}
