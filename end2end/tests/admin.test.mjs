// The HR journey in a real browser (Playwright driving Debian's Chromium), against the server
// `cargo test --test end2end_admin` starts: HR signs in, creates and publishes a job, the job is on
// the public site at once, a candidate applies, HR finds the application, downloads the resume,
// moves it to interview and adds a note; another company's HR sees none of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE, PDF, humanPause, launchBrowser, shot } from "./support.mjs";

const PASSWORD = process.env.HR_PASSWORD;
const HR_A = process.env.HR_A_EMAIL;
const HR_B = process.env.HR_B_EMAIL;
const TITLE = "Platform Engineer (browser journey)";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function signIn(page, email) {
  await page.goto(`${BASE}/admin/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/admin`), page.getByRole("button", { name: "Sign in" }).click()]);
}

test("HR publishes a job, a candidate applies, HR works the application; another company sees nothing", async () => {
  const hr = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  await signIn(hr, HR_A);
  await shot(hr, "admin-dashboard");

  // Create and publish a job.
  await hr.goto(`${BASE}/admin/jobs/new`);
  await hr.getByLabel("Title").fill(TITLE);
  await hr.getByLabel("Description").fill("Run our **platform**.\n\n- Rust\n- PostgreSQL");
  await hr.getByLabel("Location").fill("Lisbon, Portugal");
  await hr.getByLabel("Workplace").selectOption("remote");
  await hr.getByLabel("Minimum").fill("60000");
  await hr.getByLabel("Maximum").fill("80000");
  await hr.getByLabel("Currency").fill("EUR");
  await Promise.all([
    hr.waitForURL(/\/admin\/jobs\/[0-9a-f-]{36}\?done=/),
    hr.getByRole("button", { name: "Save and publish" }).click(),
  ]);
  const jobId = hr.url().match(/\/admin\/jobs\/([0-9a-f-]{36})/)[1];
  await shot(hr, "admin-job-published");

  // The public site lists it at once (same transaction, no sync to wait for).
  const candidate = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await candidate.goto(`${BASE}/jobs?q=platform`);
  await candidate.getByRole("link", { name: TITLE }).first().click();
  await candidate.waitForURL(`${BASE}/jobs/${jobId}`);
  await candidate.getByRole("link", { name: `Apply for ${TITLE}` }).first().click();
  await candidate.waitForURL(/\/apply$/);
  const loadedAt = Date.now();
  await candidate.getByLabel("First name").fill("Hedy");
  await candidate.getByLabel("Last name").fill("Journey");
  await candidate.getByLabel("Email address").fill("hedy.journey@example.com");
  await candidate.getByLabel("Resume or CV").setInputFiles({ name: "hedy-cv.pdf", mimeType: "application/pdf", buffer: PDF });
  await candidate.getByLabel(/^I agree to /).check();
  await humanPause(candidate, loadedAt);
  await Promise.all([candidate.waitForURL(/\/apply\/sent$/), candidate.getByRole("button", { name: "Send application" }).click()]);

  // HR finds the application.
  await hr.goto(`${BASE}/admin/applications`);
  await Promise.all([hr.waitForURL(/\/admin\/applications\/[0-9a-f-]{36}$/), hr.getByRole("link", { name: /Hedy Journey/ }).first().click()]);
  const applicationUrl = hr.url();
  await shot(hr, "admin-application");

  // Downloads the resume.
  const [download] = await Promise.all([hr.waitForEvent("download"), hr.getByRole("link", { name: /^Download hedy-cv\.pdf/ }).click()]);
  assert.equal(download.suggestedFilename(), "hedy-cv.pdf");
  const bytes = readFileSync(await download.path());
  assert.ok(bytes.subarray(0, 5).equals(Buffer.from("%PDF-")), "the downloaded resume is the uploaded PDF");

  // Moves it to interview and adds a note.
  await hr.getByLabel("Move to").selectOption("interview");
  await Promise.all([hr.waitForLoadState("load"), hr.getByRole("button", { name: "Move" }).click()]);
  await hr.waitForURL(applicationUrl + "*");
  assert.match(await hr.locator(".badge").first().textContent(), /Interview/i);
  await hr.getByLabel(/^Internal note/).fill("Strong platform background; invite the team.");
  await Promise.all([hr.waitForLoadState("load"), hr.getByRole("button", { name: "Add note" }).click()]);
  await hr.getByText("Strong platform background; invite the team.").first().waitFor();
  await shot(hr, "admin-application-worked");

  // Another company's HR sees none of it.
  const other = await (await browser.newContext()).newPage();
  await signIn(other, HR_B);
  await other.goto(`${BASE}/admin/applications`);
  assert.equal(await other.getByText("Hedy Journey").count(), 0, "tenant B's list shows tenant A's candidate");
  const response = await other.goto(applicationUrl);
  assert.equal(response.status(), 404);
  const jobResponse = await other.goto(`${BASE}/admin/jobs/${jobId}`);
  assert.equal(jobResponse.status(), 404);
  const resumeResponse = await other.goto(`${applicationUrl}/resume`);
  assert.equal(resumeResponse.status(), 404);
});

test("every admin page fits a 375 px phone without scrolling sideways; tables become cards", async () => {
  const phone = await (
    await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
  ).newPage();
  await signIn(phone, HR_A);
  const linkTo = async (list, pattern) => {
    await phone.goto(`${BASE}${list}`);
    const hrefs = await phone.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const href = hrefs.find((h) => pattern.test(h));
    assert.ok(href, `${list} links to at least one item`);
    return href;
  };
  const job = await linkTo("/admin/jobs", /^\/admin\/jobs\/[0-9a-f-]{36}$/);
  const application = await linkTo("/admin/applications", /^\/admin\/applications\/[0-9a-f-]{36}$/);
  const pages = [
    "/admin",
    "/admin/jobs",
    "/admin/jobs/new",
    job,
    `${job}/board`,
    "/admin/applications",
    application,
    "/admin/career-page",
    "/admin/team",
    "/admin/audit",
    "/admin/account",
    "/admin/applications/00000000-0000-0000-0000-000000000000",
  ];
  for (const path of pages) {
    const response = await phone.goto(`${BASE}${path}`);
    assert.ok(response.status() < 500, `${path}: ${response.status()}`);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${path} is ${width} px wide on a 375 px screen`);
  }
  // The jobs table is a stack of cards whose lines say what each value is.
  await phone.goto(`${BASE}/admin/jobs`);
  const cell = phone.locator("table.data tbody td[data-label='Applications']").first();
  assert.equal(await cell.evaluate((td) => getComputedStyle(td, "::before").content), '"Applications"');
  assert.equal(await phone.locator("table.data tbody tr").first().evaluate((tr) => getComputedStyle(tr).display), "block");
  await shot(phone, "admin-jobs-phone");
  await phone.goto(`${BASE}${application}`);
  await shot(phone, "admin-application-phone");
});
