// Screenshot of the Agents Playground web UI, as a person would see it.
//
//   node tests/e2e/screenshot.mjs <url> <out.png> [text to send] [chat name]
//        [--bot=Learning Loop] [--log-panel] [--timeout=ms]
//        [--click=<button title>]... [--card-text=<text>] [--ready-file=<path>] [--whole-card]
//
// Opens <url> in Debian's Chromium (headless, fresh profile), optionally clicks the chat named
// [chat name] in the chat list (its aria-label: "Personal Chat", "<group chat name>",
// "<team> - <channel>"), optionally sends [text], waits for an Adaptive Card (a new one when text
// was sent) and saves a PNG. Pass "" to skip text and still name a chat. On failure it saves
// <out>-failed.png, prints why and exits 1.
//
// Outside the personal chat the bot only hears messages that @mention it (as in Teams), so there
// the text starts with a real mention of --bot (picked from the mention menu); in a channel the
// text becomes a new post (the "Post" button). The log panel is hidden unless --log-panel.
//
// playwright-core comes from tools/playground (npm ci there; it downloads no browser).
// Opening the page, and opening a chat or channel in it, makes the Playground install the app
// there: the bot gets installationUpdate + conversationUpdate every time, so expect its welcome
// on each load. Chat history lives in the page: a fresh page shows only what arrives after it
// opened. The page also asks a CDN for fonts and animations; offline those fail harmlessly.
//
// --click presses a button of the newest card, as a person would (Action.Execute replaces the
// card, Action.Submit adds a message); several run in order, each waiting for the page to
// change. --card-text waits until a card showing that text exists and shoots that card; it
// lets a test open the page first (the script writes --ready-file once the page is loaded) and
// then make the bot speak proactively.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../../tools/playground/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];
const TEXTBOX = '[role="textbox"][data-lexical-editor="true"]';
const CARD = '.ac-adaptiveCard';

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const [url, out, text = '', chatName = ''] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!url || !out) {
  console.error('usage: node screenshot.mjs <url> <out.png> [text] [chat name] '
    + '[--bot=name] [--log-panel] [--timeout=ms]');
  process.exit(2);
}
const flag = (name, fallback) => {
  const found = flags.find((f) => f.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
};
const timeout = Number(flag('timeout', '30000'));
const botName = flag('bot', 'Learning Loop');
const keepLogPanel = flags.includes('--log-panel');
const clicks = flags.filter((f) => f.startsWith('--click=')).map((f) => f.slice(8));
const cardText = flag('card-text', '');
const readyFile = flag('ready-file', '');
const wholeCard = flags.includes('--whole-card');
const personal = !chatName || chatName === 'Personal Chat';

const profile = mkdtempSync(join(tmpdir(), 'learning-loop-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ARGS,
  viewport: { width: 1280, height: wholeCard ? 2400 : 900 }, // a tall card fits whole
  timeout,
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(timeout);
let exitCode = 0;
try {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const box = page.locator(TEXTBOX).first(); // a channel also has one reply box per post
  await box.waitFor({ state: 'visible' });
  if (!keepLogPanel) {
    const hide = page.locator('button[title="Hide log panel"]');
    if (await hide.count()) await hide.first().click();
  }
  if (chatName) {
    await page.locator(`button[aria-label="${chatName.replaceAll('"', '\\"')}"]`).first().click();
    await box.waitFor({ state: 'visible' });
  }
  const cards = page.locator(CARD);
  if (readyFile) writeFileSync(readyFile, 'ready');
  if (text) {
    const before = await cards.count();
    await box.click();
    if (!personal) {
      await page.keyboard.type(`@${botName.split(' ')[0]}`);
      await page.locator('[role="menuitem"]', { hasText: botName }).first().click();
      await page.keyboard.type(' ');
    }
    await page.keyboard.type(text);
    const post = page.getByRole('button', { name: 'Post', exact: true });
    if (await post.count()) await post.first().click();
    else await page.keyboard.press('Enter');
    await page.waitForFunction(
      ([selector, n]) => document.querySelectorAll(selector).length > n, [CARD, before],
      { timeout },
    );
  } else if (!cardText) {
    await cards.first().waitFor({ state: 'visible' });
  }
  for (const title of clicks) {
    const button = cards.last().getByRole('button', { name: title }).first();
    const before = await cards.last().innerText();
    const count = await cards.count();
    await button.click();
    await page.waitForFunction(
      ([selector, n, old]) => {
        const all = document.querySelectorAll(selector);
        return all.length > n || (all.length && all[all.length - 1].innerText !== old);
      },
      [CARD, count, before],
      { timeout },
    );
  }
  let last = cards.last();
  if (cardText) {
    last = cards.filter({ hasText: cardText }).last();
    await last.waitFor({ state: 'visible' });
  }
  await last.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300); // let images and fonts inside the card settle
  // A card taller than the window (a report with charts) is shot whole, as the card alone.
  await (wholeCard ? last.screenshot({ path: out }) : page.screenshot({ path: out }));
  console.log(out);
} catch (error) {
  exitCode = 1;
  const failed = out.replace(/(\.png)?$/i, '-failed.png');
  await page.screenshot({ path: failed }).catch(() => {});
  console.error(`screenshot failed: ${error.message.split('\n')[0]} (page saved to ${failed})`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
