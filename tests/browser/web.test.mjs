// End-to-end: the CUCM "VPN Phone" procedure in the web admin, in Debian's
// chromium.  browser.tap starts ucprovd and passes its address and an admin
// account in the environment; each test() is one scenario and one TAP line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = process.env.UCPROV_URL ?? 'http://127.0.0.1:8080';
const USER = process.env.UCPROV_ADMIN_USER ?? 'admin';
const PASS = process.env.UCPROV_ADMIN_PASS ?? 'correct horse battery';
const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];
const XSS = '<script>alert("xss")</script> & "quotes"';

let work, context, page, asaPem, asaHash;
const dialogs = [];
const profiles = [];   // chromium user-data-dirs, removed once the browsers are closed

async function launch(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ucprov-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  profiles.push(dir);
  return ctx;
}

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function login(p, user = USER, password = PASS) {
  await p.goto(`${BASE}/login`);
  await p.fill('#f-user', user);
  await p.fill('#f-password', password);
  await Promise.all([p.waitForLoadState('load'), p.click('button:has-text("Log In")')]);
}

// The option of a select whose text starts with label.
async function optionValue(selector, label) {
  return page.$eval(selector, (sel, text) => {
    const o = Array.from(sel.options).find((x) => x.textContent.startsWith(text));
    return o ? o.value : null;
  }, label);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ucprov-browser-'));
  mkdirSync(SHOTS, { recursive: true });
  asaPem = join(work, 'asa.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout',
    join(work, 'asa.key'), '-out', asaPem, '-days', '365', '-subj', '/CN=asa.example.lab',
    '-addext', 'subjectAltName=DNS:asa.example.lab'], { stdio: 'ignore' });
  const der = execFileSync('openssl', ['x509', '-in', asaPem, '-outform', 'DER']);
  const sha1 = execFileSync('openssl', ['dgst', '-sha1', '-binary'], { input: der });
  asaHash = sha1.toString('base64');
  context = await launch();
  page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push({ type: d.type(), message: d.message() });
    d.accept();
  });
});

after(async () => {
  await context?.close();
  for (const dir of [work, ...profiles])
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

test('every page redirects to the login page without a session', async () => {
  const paths = ['/', '/vpn-profiles', '/vpn-profiles/new', '/vpn-gateways', '/vpn-groups',
    '/common-phone-profiles', '/phones', '/phones/1', '/certificates', '/certificates/1',
    '/vpn-feature-configuration', '/system-settings'];
  for (const path of paths) {
    const r = await fetch(BASE + path, { redirect: 'manual' });
    assert.equal(r.status, 303, path);
    assert.equal(r.headers.get('location'), `/login?next=${path}`, path);
  }
  await page.goto(`${BASE}/vpn-gateways`);
  assert.match(page.url(), /\/login\?next=\/vpn-gateways$/);
  assert.equal(await page.locator('nav').count(), 0, 'no navigation before login');
  await shot('01-login');
});

test('a wrong password is refused and the right one logs in', async () => {
  await login(page, USER, 'not the password');
  assert.match(await page.textContent('.status.error'), /Invalid user name or password/);
  await login(page);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.textContent('h1'), 'ucprov Administration');
  assert.match(await page.textContent('#user'), new RegExp(`Logged in as ${USER}`));
  await shot('02-home');
});

test('upload the ASA certificate into Phone-VPN-trust', async () => {
  await page.goto(`${BASE}/certificates`);
  await page.selectOption('#f-store', 'Phone-VPN-trust');
  await page.setInputFiles('#f-file', asaPem);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Upload")')]);
  assert.match(await page.textContent('.status.ok'), /Certificate uploaded/);
  assert.equal(await page.textContent('#cert-hash'), asaHash);
  await shot('03-certificate');
  await page.goto(`${BASE}/certificates`);
  assert.match(await page.textContent('.count'), /1 record found/);
  assert.match(await page.textContent('table.list'), /Self-signed/);
  await shot('04-certificates');
});

test('a VPN profile: field errors next to the field, then saved', async () => {
  await page.goto(`${BASE}/vpn-profiles/new`);
  await page.fill('#f-name', 'Home');
  await page.fill('#f-description', 'home workers');
  await page.fill('#f-mtu', '5000');
  await page.selectOption('#f-client_auth_method', 'certificate');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('#mtu-error'), /MTU must be between 256 and 1406/);
  assert.equal(await page.inputValue('#f-mtu'), '5000', 'what the admin typed is kept');
  assert.equal(await page.inputValue('#f-name'), 'Home');
  await shot('05-profile-error');
  await page.fill('#f-mtu', '1300');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  assert.equal(await page.inputValue('#f-mtu'), '1300');
});

test('a VPN gateway with the certificate moved into its location', async () => {
  await page.goto(`${BASE}/vpn-gateways/new`);
  await page.fill('#f-name', 'ASA-East');
  await page.fill('#f-url', 'https://asa.example.lab/phone');
  const cert = await optionValue('#f-certificates-available', 'asa.example.lab');
  assert.ok(cert, 'the certificate is offered in the truststore box');
  await page.selectOption('#f-certificates-available', cert);
  await page.click('button[value="certificates:add"]');
  assert.equal(await page.$eval('#f-certificates', (s) => s.options.length), 1);
  await shot('06-gateway-listbox');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  assert.match(await page.textContent('#f-certificates'), /asa\.example\.lab/);
  assert.equal(await page.$eval('#f-certificates-available', (s) => s.options.length), 0);
  await shot('07-gateway');
});

test('a VPN group with the gateway selected', async () => {
  await page.goto(`${BASE}/vpn-groups/new`);
  await page.fill('#f-name', 'VPN-Group-1');
  const gw = await optionValue('#f-gateways-available', 'ASA-East');
  await page.selectOption('#f-gateways-available', gw);
  await page.click('button[value="gateways:add"]');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  assert.match(await page.textContent('#f-gateways'), /ASA-East/);
  await shot('08-group');
});

test('a common phone profile copied from the standard one', async () => {
  await page.goto(`${BASE}/common-phone-profiles?match=begins&q=Standard`);
  assert.match(await page.textContent('.count'), /1 record found/);
  await Promise.all([page.waitForNavigation(), page.click('table.list a')]);
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Copy")')]);
  assert.equal(await page.inputValue('#f-name'), 'Copy of Standard Common Phone Profile');
  await page.fill('#f-name', 'CPP-VPN');
  await page.selectOption('#f-vpn_group', { label: 'VPN-Group-1' });
  await page.selectOption('#f-vpn_profile', { label: 'Home' });
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  await shot('09-common-phone-profile');
});

test('a phone whose config carries the certificate hash; <script> stays text', async () => {
  await page.goto(`${BASE}/phones/new`);
  await page.fill('#f-name', 'sep00562b043615');
  await page.selectOption('#f-model', 'Cisco 8861');
  await page.fill('#f-description', XSS);
  await page.selectOption('#f-common_phone_profile', { label: 'CPP-VPN' });
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  assert.equal(await page.inputValue('#f-name'), 'SEP00562B043615');
  assert.equal(await page.inputValue('#f-description'), XSS);
  const vpn = await page.textContent('#vpnGroup');
  assert.ok(vpn.includes(`<certHash1>${asaHash}</certHash1>`), vpn);
  assert.ok(vpn.includes('<url1>https://asa.example.lab/phone</url1>'), vpn);
  assert.match(await page.textContent('#version-stamp'), /^[0-9a-f]{40}$/);
  await shot('10-phone');
  await page.goto(`${BASE}/phones`);
  assert.match(await page.textContent('table.list'), /<script>alert\("xss"\)<\/script>/);
  assert.equal(await page.locator('table.list script').count(), 0);
  await shot('11-phones');
  assert.deepEqual(dialogs.filter((d) => d.type === 'alert'), [], 'no script ran');
});

test('a refused delete names what still uses the object', async () => {
  await page.goto(`${BASE}/vpn-profiles?match=contains&q=om`);
  await Promise.all([page.waitForNavigation(), page.click('table.list a:has-text("Home")')]);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Delete")')]);
  const error = await page.textContent('.status.error');
  assert.match(error, /still in use/);
  assert.match(error, /CPP-VPN/);
  assert.ok(dialogs.some((d) => d.type === 'confirm'), 'the delete asked first');
  await shot('12-delete-refused');
  await page.goto(`${BASE}/certificates`);
  await Promise.all([page.waitForNavigation(), page.click('table.list a:has-text("asa.example.lab")')]);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Delete")')]);
  assert.match(await page.textContent('.status.error'), /ASA-East/);
});

test('a form POST without its CSRF token is refused', async () => {
  await page.goto(`${BASE}/vpn-profiles`);
  const status = await page.evaluate(async () => {
    const r = await fetch('/vpn-profiles/new', { method: 'POST',
      body: new URLSearchParams({ name: 'Forged', _action: 'save' }) });
    return r.status;
  });
  assert.equal(status, 403);
  const wrong = await page.evaluate(async () => {
    const r = await fetch('/vpn-profiles/new', { method: 'POST',
      body: new URLSearchParams({ name: 'Forged', _action: 'save', _csrf: 'f'.repeat(64) }) });
    return r.status;
  });
  assert.equal(wrong, 403);
  await page.goto(`${BASE}/vpn-profiles?q=Forged`);
  assert.match(await page.textContent('.count'), /0 records found/);
});

test('without JavaScript the list boxes still work', async () => {
  const plain = await launch({ javaScriptEnabled: false });
  const p = plain.pages()[0] ?? await plain.newPage();
  try {
    await login(p);
    await p.goto(`${BASE}/vpn-groups/new`);
    await p.fill('#f-name', 'NoScript-Group');
    await p.selectOption('#f-gateways-available', { label: 'ASA-East' });
    await Promise.all([p.waitForNavigation(), p.click('button[value="gateways:add"]')]);
    assert.equal(await p.inputValue('#f-name'), 'NoScript-Group', 'typed values survive a move');
    assert.match(await p.textContent('#f-gateways'), /ASA-East/);
    await Promise.all([p.waitForNavigation(), p.click('button:has-text("Save")')]);
    assert.match(await p.textContent('.status.ok'), /Add successful/);
  } finally {
    await plain.close();
  }
});

test('settings pages and the home page after the setup', async () => {
  await page.goto(`${BASE}/vpn-feature-configuration`);
  assert.equal(await page.textContent('h1'), 'VPN Feature Configuration');
  await shot('13-vpn-feature-configuration');
  await page.goto(`${BASE}/system-settings`);
  await page.fill('#f-sip_port', 'abc');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('#sip_port-error'), /whole number/);
  await shot('14-system-settings-error');
  await page.goto(`${BASE}/`);
  assert.match(await page.textContent('#attention'), /SEP00562B043615 has never fetched/);
  await shot('15-home-after');
});

test('log out ends the session', async () => {
  await page.click('#user button');
  await page.waitForURL(/\/login$/);
  await page.goto(`${BASE}/phones`);
  assert.match(page.url(), /\/login\?next=\/phones$/);
});
