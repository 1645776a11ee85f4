import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/**
 * Debian's Chromium, driven by playwright-core (no browser download): scripts/test-setup.sh
 * installs it. Every switch that would let the browser itself reach the network is off, and each
 * run gets a fresh profile, so what the page does is all that happens.
 */
export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (scripts/test-setup.sh does, as root)`);
  const profile = mkdtempSync(join(tmpdir(), "kmodaudit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did while it loaded and was used: anything here other than its own URL is a failure. */
export interface PageLog {
  requests: string[];
  consoleMessages: string[];
  pageErrors: string[];
  dialogs: string[];
}

/** Opens a file by file:// URL in a new tab, recording every request, console message, error and dialog. */
export async function openFile(browser: Browser, file: string): Promise<{ page: Page; url: string; log: PageLog }> {
  const log: PageLog = { requests: [], consoleMessages: [], pageErrors: [], dialogs: [] };
  const page = await browser.context.newPage();
  page.on("request", (r) => log.requests.push(r.url()));
  page.on("console", (m) => log.consoleMessages.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.pageErrors.push(e.message));
  page.on("dialog", (d) => {
    log.dialogs.push(d.message());
    void d.dismiss();
  });
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: "load" });
  return { page, url, log };
}
