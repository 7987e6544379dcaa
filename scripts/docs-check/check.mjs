// Opens the spec's rendered reference (target/docs/participants.html, from
// `cargo xtask docs`) in headless Chromium, offline, and checks that every
// operation and webhook of expected.json (written beside it by the xtask,
// from the spec) is on the page with its parameters, its request body's
// fields and its success answer's fields. Every missing item is reported,
// then the exit status is 1.
// Usage: node check.mjs DIR CHROMIUM   (DIR holds participants.html and expected.json)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [dir, executablePath] = process.argv.slice(2);
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const page_file = path.resolve(dir, 'participants.html');

// A fresh profile each run; no network service, no updates, no sync.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-check-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
});
const problems = [];
const requested = [];
try {
  const page = await context.newPage();
  // Offline: the page must work from the file alone (Redoc's scripts are
  // inlined); anything else it asks for is refused and listed.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    requested.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => problems.push(`the page threw: ${e.message}`));
  await page.goto(`file://${page_file}`);
  await page.waitForSelector('#api-content', { timeout: 30000 });
  // Redoc renders an operation when it is shown: open each one through its
  // link, as a reader does, then look for each field's row.
  for (const op of expected.operations) {
    const where = op.webhook ? `webhook ${op.webhook}` : `${op.method} ${op.path}`;
    const id = op.tag ? `${op.tag}/${op.id}` : op.id;
    const link = page.locator(`a[href="#/${id}"]`);
    if ((await link.count()) === 0) {
      problems.push(`${op.id} (${where}): no link to it in the navigation`);
      continue;
    }
    await link.first().click();
    const section = await page.waitForSelector(`[id="${id}"]`, { timeout: 10000 }).catch(() => null);
    if (!section) {
      problems.push(`${op.id} (${where}): not shown after following its link`);
      continue;
    }
    // Fully rendered once its answers are (the last part of it).
    await page.waitForSelector(`[id="${id}/responses"]`, { timeout: 10000 }).catch(() => null);
    const ids = new Set(await page.evaluate((prefix) =>
      [...document.querySelectorAll('[id]')].map((e) => e.id).filter((i) => i.startsWith(prefix)), `${id}/`));
    const text = await section.innerText();
    if (op.summary && !text.includes(op.summary)) problems.push(`${op.id}: its summary "${op.summary}" is not shown`);
    const row = (what, key) => {
      if (!ids.has(`${id}/${key}`)) problems.push(`${op.id} (${where}): ${what} is not shown`);
    };
    // Redoc's row ids: `t=request&in=query&path=pagesize` for a parameter
    // (webhooks have no `in`), `t=request&path=muted` for a body field,
    // `t=response&c=200&path=muted` for an answer's field.
    for (const p of op.parameters) {
      row(`${p.in} parameter ${p.name}`, `t=request&in=${p.in}&path=${p.name.toLowerCase()}`);
    }
    for (const f of op.body) row(`request field ${f}`, `t=request&path=${f.toLowerCase()}`);
    if (op.answer) {
      for (const f of op.answer.fields) {
        row(`${op.answer.status} answer field ${f}`, `t=response&c=${op.answer.status}&path=${f.toLowerCase()}`);
      }
    }
  }
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (requested.length) console.log(`refused (offline): ${[...new Set(requested)].join(', ')}`);
const count = (k) => expected.operations.reduce((n, op) => n + (k === 'answer' ? (op.answer?.fields.length ?? 0) : op[k].length), 0);
if (problems.length) {
  for (const p of problems) console.log(`missing: ${p}`);
  console.log(`${problems.length} problem(s) in ${page_file}`);
  process.exit(1);
}
console.log(`${page_file}: ${expected.operations.length} operations and webhooks, ${count('parameters')} parameters, ${count('body')} request fields and ${count('answer')} answer fields, all shown`);
