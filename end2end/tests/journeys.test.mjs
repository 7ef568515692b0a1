// Candidate journeys in a real browser (Playwright driving Debian's Chromium), against the server
// `cargo test --test end2end` starts. Screenshots go to end2end/screenshots/ (gitignored).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { BASE, PDF, humanPause, launchBrowser, shot } from "./support.mjs";

const RUST_JOB = process.env.RUST_JOB_ID;
const DESIGNER_JOB = process.env.DESIGNER_JOB_ID;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function fillApplication(page, { first, last, email }) {
  await page.getByLabel("First name").fill(first);
  await page.getByLabel("Last name").fill(last);
  await page.getByLabel("Email address").fill(email);
}

async function searchFilterAndOpen(page) {
  await page.goto(`${BASE}/`);
  await page.getByLabel("Job title, skill or company").fill("engineer");
  await Promise.all([page.waitForURL(/\/jobs\?/), page.getByRole("button", { name: "Search jobs" }).click()]);
  assert.match(await page.title(), /engineer/i);
  // Filter by remote: tick the facet and apply (a plain GET form).
  await page.getByRole("checkbox", { name: /^Remote/ }).check();
  await Promise.all([page.waitForURL(/remote_policy=remote/), page.getByRole("button", { name: "Apply filters" }).click()]);
  const titles = await page.locator(".job-card h3").allTextContents();
  assert.ok(titles.some((t) => t.includes("Senior Rust Engineer")), `remote results: ${titles}`);
  assert.ok(!titles.some((t) => t.includes("Product Designer")), "a hybrid job passed the remote filter");
  return titles;
}

test("a candidate searches, filters by remote, opens a job and applies with a PDF", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  await shot(page, "home");
  await searchFilterAndOpen(page);
  await shot(page, "results-with-facets");
  await page.getByRole("link", { name: "Senior Rust Engineer" }).click();
  await page.waitForURL(new RegExp(`/jobs/${RUST_JOB}$`));
  assert.equal(await page.locator("h1").textContent(), "Senior Rust Engineer");
  assert.equal(await page.locator('script[type="application/ld+json"]').count(), 1);
  await shot(page, "job");
  await page.getByRole("link", { name: "Apply for Senior Rust Engineer" }).first().click();
  await page.waitForURL(/\/apply$/);
  const loadedAt = Date.now();
  await fillApplication(page, { first: "Linus", last: "Browser", email: "linus.js@example.com" });
  await page.getByLabel("Resume or CV").setInputFiles({ name: "cv.pdf", mimeType: "application/pdf", buffer: PDF });
  await page.getByLabel("How many years have you worked with Rust?").selectOption("2 to 5 years");
  await page.getByLabel(/I agree to Acme Robotics/).check();
  await humanPause(page, loadedAt);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Send application" }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/apply\/sent$/);
  assert.match(await page.locator("h1").textContent(), /Your application for Senior Rust Engineer has been sent/);
  await shot(page, "confirmation");
  await context.close();
});

test("the same journey works with JavaScript disabled", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  await searchFilterAndOpen(page);
  await page.getByRole("link", { name: "Senior Rust Engineer" }).click();
  await page.getByRole("link", { name: "Apply for Senior Rust Engineer" }).first().click();
  const loadedAt = Date.now();
  await fillApplication(page, { first: "Grace", last: "Plain", email: "grace.nojs@example.com" });
  await page.getByLabel("Resume or CV").setInputFiles({ name: "resume.pdf", mimeType: "application/pdf", buffer: PDF });
  await page.getByLabel("How many years have you worked with Rust?").selectOption("More than 5 years");
  await page.getByLabel(/I agree to Acme Robotics/).check();
  await humanPause(page, loadedAt);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Send application" }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(await page.locator("h1").textContent(), /has been sent/);
  await context.close();
});

test("a validation error keeps what the candidate typed and links each message to its field", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/jobs/${RUST_JOB}/apply`);
  const loadedAt = Date.now();
  const hostile = 'I love Rust </textarea><b id="injected">bold</b> & "quotes"';
  await page.getByLabel("First name").fill("Margaret");
  await page.getByLabel("Email address").fill("not-an-email");
  await page.getByLabel("Cover letter").fill(hostile);
  await page.getByLabel("Why do you want to join Acme?").fill("Because of the robots.");
  await humanPause(page, loadedAt);
  // The form is `novalidate`: the browser sends it as it is and the server answers with its messages.
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Send application" }).click(),
  ]);
  assert.equal(response.status(), 422);
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.getByLabel("First name").inputValue(), "Margaret");
  assert.equal(await page.getByLabel("Email address").inputValue(), "not-an-email");
  assert.equal(await page.getByLabel("Cover letter").inputValue(), hostile);
  assert.equal(await page.getByLabel("Why do you want to join Acme?").inputValue(), "Because of the robots.");
  assert.equal(await page.locator("#injected").count(), 0, "typed markup must not become HTML");
  const summary = page.locator("#error-summary");
  await summary.waitFor();
  for (const field of ["last_name", "email", "resume", "q_years", "consent"]) {
    assert.equal(await summary.locator(`a[href="#${field}"]`).count(), 1, `summary links to ${field}`);
    assert.equal(await page.locator(`#${field}-error`).count(), 1, `message beside ${field}`);
  }
  await shot(page, "apply-error");
  await summary.locator('a[href="#email"]').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "email");
  await context.close();
});

test("keyboard alone reaches the apply form, fills it and sends it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/jobs/${DESIGNER_JOB}`);
  // Tab from the top of the page to the apply link.
  let reached = false;
  for (let i = 0; i < 25 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(
      () => document.activeElement?.getAttribute("aria-label") === "Apply for Product Designer",
    );
  }
  assert.ok(reached, "Tab never reached the apply link");
  const focusVisible = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(focusVisible, "none", "the focused link shows no focus outline");
  await Promise.all([page.waitForURL(/\/apply$/), page.keyboard.press("Enter")]);
  const loadedAt = Date.now();
  // Tab to the first name field, then type through the form in order.
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "first_name")) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "first_name");
  await page.keyboard.type("Ada");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Keyboard");
  await page.keyboard.press("Tab");
  await page.keyboard.type("ada.keyboard@example.com");
  // Onwards to the consent checkbox, ticked with Space, then to the submit button.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "consent")) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "consent");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Send application");
  await humanPause(page, loadedAt);
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.equal(response.status(), 200);
  assert.match(await page.locator("h1").textContent(), /Product Designer has been sent/);
  await context.close();
});

test("pages fit a 375 px phone and a 320 px screen without sideways scrolling", async () => {
  for (const width of [375, 320]) {
    const context = await browser.newContext({ viewport: { width, height: 780 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    for (const path of ["/", "/jobs", `/jobs/${RUST_JOB}`, `/jobs/${RUST_JOB}/apply`, "/companies"]) {
      await page.goto(`${BASE}${path}`);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `${path} is ${scroll}px wide at ${width}px`);
    }
    if (width === 375) {
      await page.goto(`${BASE}/jobs`);
      await shot(page, "mobile-results");
      // On phones the filters are folded away in a <details>; opening it needs no script.
      await page.getByText("Filters", { exact: true }).click();
      assert.ok(await page.getByRole("checkbox", { name: /^Remote/ }).isVisible());
      await page.goto(`${BASE}/jobs/${RUST_JOB}`);
      await shot(page, "mobile-job");
    }
    await context.close();
  }
});

test("a company's career page and the partner embed render with their branding", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/companies/acme`);
  assert.equal(await page.locator("h1").textContent(), "Acme Robotics");
  // The brand colour arrives through the company's stylesheet (no inline styles under the CSP).
  const band = await page.locator(".company-band").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(band, "rgb(15, 118, 110)");
  await shot(page, "company");
  // A partner site: another origin (a second port on the loopback), framing the embed.
  const partnerHtml =
    `<!doctype html><title>Partner</title><h1>Partner</h1>` +
    `<iframe src="${BASE}/embed/jobs?company=acme" data-careers-embed title="Jobs at Acme" ` +
    `style="width:600px;height:200px;border:1px solid #ccc"></iframe><script src="${BASE}/embed.js"></script>`;
  const partner = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(partnerHtml);
  });
  await new Promise((resolve) => partner.listen(0, "127.0.0.1", resolve));
  // Never leave the partner server listening, or the test process would not exit.
  partner.unref();
  await page.goto(`http://127.0.0.1:${partner.address().port}/`);
  const frame = page.frameLocator("iframe");
  await frame.locator(".job-card").first().waitFor();
  assert.equal(await frame.locator(".job-card").count(), 2);
  assert.equal(await frame.locator('a[target="_blank"]').first().getAttribute("rel"), "noopener");
  // embed.js grows the iframe to its content.
  await page.waitForFunction(() => document.querySelector("iframe").getBoundingClientRect().height > 200);
  await shot(page, "embed");
  await context.close();
  partner.close();
});
