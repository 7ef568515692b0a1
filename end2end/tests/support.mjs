// Shared by the browser journeys: Chromium launch options for this machine, a small valid PDF,
// and the pause that keeps a form from looking like a bot's.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE = process.env.BASE_URL ?? "http://127.0.0.1:3000";
export const SHOTS = process.env.SCREENSHOT_DIR ?? "screenshots";
// The server treats a form sent faster than this as a bot; people take longer.
export const HUMAN_FILL_MS = 3500;

// A small but well-formed PDF: the server checks the file's content, not its name.
export const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n" +
    "trailer<</Root 1 0 R>>\n%%EOF\n",
);

/** Debian's Chromium, headless, with the flags this sandbox needs (no downloads, no network). */
export function launchBrowser() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // Playwright gives every launch a fresh temporary profile (user data dir).
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Waits until a person could plausibly have filled the form that was loaded at `loadedAt`. */
export async function humanPause(page, loadedAt) {
  const left = HUMAN_FILL_MS - (Date.now() - loadedAt);
  if (left > 0) await page.waitForTimeout(left);
}
