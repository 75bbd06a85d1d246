// End-to-end: the CUCM "VPN Phone" procedure in the web admin, in Debian's
// chromium.  browser.tap starts ucprovd and passes its address and an admin
// account in the environment; each test() is one scenario and one TAP line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = process.env.UCPROV_URL ?? 'http://127.0.0.1:8080';
const CNF = process.env.UCPROV_CNF_URL ?? 'http://127.0.0.1:6970';   // phones' config port
const USER = process.env.UCPROV_ADMIN_USER ?? 'admin';
const PASS = process.env.UCPROV_ADMIN_PASS ?? 'correct horse battery';
const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];
const XSS = '<script>alert("xss")</script> & "quotes"';
// Each scenario and hook has its own time limit, set here because Debian 12's
// node 18 has no --test-timeout: a hung page fails its scenario, not the run.
const LIMIT = { timeout: 120_000 };

let work, context, page, asaPem, asaHash, newPem;
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
}, LIMIT);

after(async () => {
  await context?.close();
  for (const dir of [work, ...profiles])
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}, LIMIT);

test('every page redirects to the login page without a session', LIMIT, async () => {
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

test('a wrong password is refused and the right one logs in', LIMIT, async () => {
  await login(page, USER, 'not the password');
  assert.match(await page.textContent('.status.error'), /Invalid user name or password/);
  await login(page);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.textContent('h1'), 'ucprov Administration');
  assert.match(await page.textContent('#user'), new RegExp(`Logged in as ${USER}`));
  await shot('02-home');
});

test('upload the ASA certificate into Phone-VPN-trust', LIMIT, async () => {
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

test('a VPN profile: field errors next to the field, then saved', LIMIT, async () => {
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

test('a VPN gateway with the certificate moved into its location', LIMIT, async () => {
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

test('a VPN group with the gateway selected', LIMIT, async () => {
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

test('a common phone profile copied from the standard one', LIMIT, async () => {
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

test('a phone whose config carries the certificate hash; <script> stays text', LIMIT, async () => {
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

test('a refused delete names what still uses the object', LIMIT, async () => {
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

test('a form POST without its CSRF token is refused', LIMIT, async () => {
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

test('without JavaScript the list boxes still work', LIMIT, async () => {
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

test('settings pages and the home page after the setup', LIMIT, async () => {
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

// Upload a certificate file into Phone-VPN-trust; its id, from the page it lands on.
async function uploadCert(file) {
  await page.goto(`${BASE}/certificates`);
  await page.selectOption('#f-store', 'Phone-VPN-trust');
  await page.setInputFiles('#f-file', file);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Upload")')]);
  const id = new URL(page.url()).pathname.split('/').pop();
  assert.match(id, /^[0-9]+$/, page.url());
  return id;
}

async function openGateway(name) {
  await page.goto(`${BASE}/vpn-gateways?match=begins&q=${encodeURIComponent(name)}`);
  await Promise.all([page.waitForNavigation(), page.click(`table.list a:has-text("${name}")`)]);
}

test('certificate rollover: the readiness bar fills once the phone fetched its config', LIMIT, async () => {
  // The renewed ASA certificate, for the same name (and 127.0.0.1, for the gateway check below).
  newPem = join(work, 'asa-new.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout',
    join(work, 'asa-new.key'), '-out', newPem, '-days', '730', '-subj', '/CN=asa.example.lab',
    '-addext', 'subjectAltName=DNS:asa.example.lab,IP:127.0.0.1'], { stdio: 'ignore' });
  const newId = await uploadCert(newPem);

  // Step 1: beside the old one.
  await openGateway('ASA-East');
  await page.selectOption('#f-certificates-available', newId);
  await page.click('button[value="certificates:add"]');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Update successful/);
  const ids = await page.$$eval('#rollover .rollover-cert', (els) => els.map((e) => e.id));
  assert.equal(ids.length, 2, 'one readiness block per certificate');
  const oldId = ids.map((x) => x.replace('rollover-cert-', '')).find((x) => x !== newId);

  // Step 2: nobody has the new hash yet.
  const bar = page.locator(`#readiness-${newId}`);
  assert.equal(await bar.getAttribute('max'), '1');
  assert.equal(await bar.getAttribute('value'), '0');
  const missing = await page.textContent(`#rollover-cert-${newId} table.missing`);
  assert.match(missing, /SEP00562B043615\s*never/);
  await page.locator('#rollover').scrollIntoViewIfNeeded();
  await shot('16-rollover-waiting');

  // Removing the old one now is stopped, with the gateway form's Save Anyway.
  await Promise.all([page.waitForNavigation(),
    page.click(`#rollover-cert-${oldId} button:has-text("Remove from this Gateway")`)]);
  assert.match(await page.textContent('.status.error'), /would cut off 1 of 1 phone:/);
  assert.equal(await page.locator('button:has-text("Save Anyway")').count(), 1);
  await shot('17-rollover-remove-asks');

  // The phone fetches its config over the HTTP config port, as after a reset.
  const r = await fetch(`${CNF}/SEP00562B043615.cnf.xml`);
  assert.equal(r.status, 200);
  const newHash = execFileSync('openssl', ['dgst', '-sha1', '-binary'],
    { input: execFileSync('openssl', ['x509', '-in', newPem, '-outform', 'DER']) }).toString('base64');
  assert.ok((await r.text()).includes(newHash), 'the config carries the new hash');

  // The fetch log is written in batches: reload until the bar is full.
  let value = '0';
  for (let i = 0; i < 50 && value !== '1'; i++) {
    await openGateway('ASA-East');
    value = await page.locator(`#readiness-${newId}`).getAttribute('value');
    if (value !== '1')
      await new Promise((done) => setTimeout(done, 100));
  }
  assert.equal(value, '1', 'every phone has the new hash');
  assert.match(await page.textContent(`#rollover-cert-${newId} .readiness`), /1 of 1 phone fetched this hash/);
  assert.equal(await page.locator(`#rollover-cert-${newId} table.missing`).count(), 0);
  await page.locator('#rollover').scrollIntoViewIfNeeded();
  await shot('18-rollover-ready');

  // Step 4: the old one goes without a question.
  await Promise.all([page.waitForNavigation(),
    page.click(`#rollover-cert-${oldId} button:has-text("Remove from this Gateway")`)]);
  assert.match(await page.textContent('.status.ok'), /Certificate removed from this gateway/);
  assert.equal(await page.locator('#rollover .rollover-cert').count(), 1);
});

test('paste a phone log: each recognised problem with its fix and evidence lines', LIMIT, async () => {
  const log = [
    '4153 NOT 14:12:01.120 VPNC: -do_login: login to https://asa.example.lab/phone',
    '4154 ERR 14:12:01.480 VPNC: -ssl_state_cb: server selected cipher ECDHE-RSA-AES256-GCM-SHA384',
    '4155 ERR 14:12:01.481 VPNC: -cert_verify: certificate hash not found in the configured list',
    `4156 NOT 14:12:01.500 ${XSS}`,
  ].join('\n');
  await page.click('nav a:has-text("Phone Log Diagnosis")');
  await page.fill('#f-log', log);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Diagnose")')]);
  assert.match(await page.textContent('#findings .count'), /2 problems recognised in 4 lines/);
  const ec = page.locator('#finding-ec_cipher');
  assert.match(await ec.locator('h3').textContent(), /elliptic/i);
  assert.match(await ec.locator('.fix').textContent(), /ssl cipher/);
  assert.equal(await ec.locator('td.num').first().textContent(), '2');
  assert.match(await ec.locator('code.logline').first().textContent(), /ECDHE-RSA-AES256-GCM-SHA384/);
  assert.equal(await page.locator('#finding-cert_hash_mismatch').count(), 1);
  assert.equal(await page.inputValue('#f-log'), log, 'the pasted log stays in the box');
  await shot('19-phone-log');
});

test('diagnostics, audit log, ASA configuration and the gateway check', LIMIT, async () => {
  await page.goto(`${BASE}/`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/diagnostics"] >> nth=-1')]);
  await page.fill('#f-expiry_days', '800');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check")')]);
  assert.match(await page.textContent('#diagnostics'), /asa\.example\.lab/);
  await shot('20-diagnostics');

  await page.click('nav a:has-text("Audit Log")');
  await page.selectOption('#f-collection', 'vpn-gateways');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Find")')]);
  const first = page.locator('#audit > tbody > tr').first();
  assert.match(await first.textContent(), /update/);
  assert.match(await first.locator('table.diff').textContent(), /VPN Certificates in this Location/);
  await shot('21-audit-log');

  await page.goto(`${BASE}/vpn-groups?match=begins&q=VPN-Group-1`);
  await Promise.all([page.waitForNavigation(), page.click('table.list a:has-text("VPN-Group-1")')]);
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("ASA Configuration")')]);
  await page.check('#f-ciphers');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Generate")')]);
  assert.match(await page.textContent('#asa-config'), /ssl cipher/);
  assert.match(await page.textContent('#asa-config'), /group-url https:\/\/asa\.example\.lab\/phone enable/);
  const copy = page.locator('button[data-copy]');
  assert.ok(await copy.isVisible(), 'the script shows the copy button');
  await copy.click();
  await page.waitForFunction(() => document.querySelector('.copy-status').textContent !== '');
  await shot('22-asa-config');
  await page.fill('#f-pool', '10.10.1.1');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Generate")')]);
  assert.match(await page.textContent('#pool-error'), /FIRST-LAST/);
  assert.equal(await page.locator('#asa-config').count(), 0);

  // openssl s_server plays the ASA, presenting the renewed certificate.
  const asaPort = 20000 + (process.pid % 20000);
  const asa = spawn('openssl', ['s_server', '-quiet', '-www', '-accept', `127.0.0.1:${asaPort}`,
    '-cert', newPem, '-key', join(work, 'asa-new.key')], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      const up = await new Promise((done) => {
        const s = connect(asaPort, '127.0.0.1', () => { s.end(); done(true); });
        s.on('error', () => done(false));
      });
      if (up)
        break;
      await new Promise((done) => setTimeout(done, 100));
    }
    await openGateway('ASA-East');
    await page.fill('#f-url', `https://127.0.0.1:${asaPort}/phone`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
    await page.goto(`${BASE}/phones?match=begins&q=SEP00562B043615`);
    await Promise.all([page.waitForNavigation(), page.click('table.list a')]);
    await Promise.all([page.waitForNavigation(),
      page.click('button:has-text("Check Gateways as a Phone Would")')]);
    const row = page.locator('#probes tbody tr').first();
    assert.match(await row.textContent(), /connected/);
    assert.equal(await row.locator('td.yes').textContent(), 'yes', 'the presented hash is in the config');
    await shot('23-check-gateways');
  } finally {
    asa.kill();
  }
});

// Issue 12: the objects a phone registers, keeps time and rings with, as CUCM
// builds them: two servers in a group (the two-box selector sets the order), a
// Tokyo clock, a device pool, a number with digest credentials, and the phone's
// line on button 1.  The password reaches the phone's file and no page.
test('call control: a phone with its line, registered to a group of two', LIMIT, async () => {
  const DIGEST = 'Dg-browser-5151';
  for (const [name, host] of [['CM-A', 'cm-a.example.lab'], ['CM-B', '192.0.2.21']]) {
    await page.goto(`${BASE}/call-managers/new`);
    await page.fill('#f-name', name);
    await page.fill('#f-host', host);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
    assert.match(await page.textContent('.status.ok'), /Add successful/);
  }
  await page.goto(`${BASE}/call-manager-groups/new`);
  await page.fill('#f-name', 'CMG-Web');
  for (const name of ['CM-B', 'CM-A']) {
    await page.selectOption('#f-call_managers-available', await optionValue('#f-call_managers-available', name));
    await page.click('button[value="call_managers:add"]');
  }
  assert.equal(await page.$eval('#f-call_managers', (s) => s.options[0].textContent), 'CM-B');
  await shot('30-cm-group-listbox');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);

  await page.goto(`${BASE}/date-time-groups/new`);
  await page.fill('#f-name', 'Tokyo-Web');
  await page.fill('#f-time_zone', 'Asia/Tokyo');
  await page.fill('#f-date_template', 'Y/M/D');
  await page.fill('#f-ntp_servers', 'ntp1.example.lab\n 192.0.2.123 \n');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('#time_zone-error'), /Tokyo Standard Time/);
  await page.fill('#f-time_zone', 'Tokyo Standard Time');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  assert.equal(await page.inputValue('#f-ntp_servers'), 'ntp1.example.lab\n192.0.2.123');

  await page.goto(`${BASE}/device-pools/new`);
  await page.fill('#f-name', 'DP-Web');
  await page.selectOption('#f-call_manager_group', { label: 'CMG-Web' });
  await page.selectOption('#f-date_time_group', { label: 'Tokyo-Web' });
  await page.fill('#f-user_locale', 'English_United_States');
  await page.fill('#f-network_locale', 'Japan');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);

  await page.goto(`${BASE}/directory-numbers/new`);
  await page.fill('#f-pattern', '20AB');
  await page.fill('#f-display_name', 'Front Desk');
  await page.fill('#f-auth_name', 'desk2001');
  await page.fill('#f-auth_password', DIGEST);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('#pattern-error'), /digits/);
  assert.equal(await page.inputValue('#f-auth_password'), '', 'a password is never sent back');
  await page.fill('#f-pattern', '2001');
  await page.fill('#f-auth_password', DIGEST);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Add successful/);
  assert.ok(!(await page.content()).includes(DIGEST), 'the number page does not show the password');
  await shot('31-directory-number');

  await page.goto(`${BASE}/phones?match=begins&q=SEP00562B043615`);
  await Promise.all([page.waitForNavigation(), page.click('table.list a')]);
  await page.selectOption('#f-device_pool', { label: 'DP-Web' });
  const row = page.locator('#f-lines tbody tr').first();
  await row.locator('input[name="lines__dn"]').fill('2009');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('#lines-error'), /does not exist/);
  const typedRow = page.locator('#f-lines tbody tr').first();
  assert.equal(await typedRow.locator('input[name="lines__label"]').inputValue(), '', 'rows come back as typed');
  await typedRow.locator('input[name="lines__dn"]').fill('2001');
  await typedRow.locator('input[name="lines__label"]').fill('Front');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('.status.ok'), /Update successful|saved/i);
  assert.equal(await page.locator('#f-lines tbody tr').first().locator('input[name="lines__dn"]').inputValue(), '2001');
  assert.ok(!(await page.content()).includes(DIGEST), 'the phone page does not show the password');
  await shot('32-phone-lines');

  const file = await (await fetch(`${CNF}/SEP00562B043615.cnf.xml`)).text();
  assert.match(file, /<member priority="0">\s*<callManager>\s*<name>CM-B<\/name>/);
  assert.match(file, /<timeZone>Tokyo Standard Time<\/timeZone>/);
  assert.match(file, /<line button="1" lineIndex="1">[\s\S]*<featureLabel>Front<\/featureLabel>/);
  assert.ok(file.includes(`<authPassword>${DIGEST}</authPassword>`), 'the phone gets its password');

  await page.goto(`${BASE}/directory-numbers?match=begins&q=2001`);
  await Promise.all([page.waitForNavigation(), page.click('table.list a:has-text("2001")')]);
  assert.match(await page.textContent('#dn-devices'), /SEP00562B043615/, 'its associated devices');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Delete")')]);
  assert.match(await page.textContent('.status.error'), /SEP00562B043615/);
});

test('log out ends the session', LIMIT, async () => {
  await page.click('#user button');
  await page.waitForURL(/\/login$/);
  await page.goto(`${BASE}/phones`);
  assert.match(page.url(), /\/login\?next=\/phones$/);
});
