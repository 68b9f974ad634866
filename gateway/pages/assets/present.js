// present.js: the citizen's page's presentations. The holder reads the
// verifier's code (the JSON {"nonce", "audience", "expiresAt"} the
// verifier's page shows as a QR code: scanned with the camera, read from a
// picture, or pasted), chooses a licence and the fields to disclose, and
// the pages' WebAssembly module makes the presentation with the holder's
// key and draws its QR code, both in this tab: the page shows the QR code
// and the text to copy. Nothing of it is sent anywhere by this page.
import { el, lang, msg } from './app.js';
import { call } from './wasm.js';
import { Scanner, decodePicture } from './scan.js';

const $ = (id) => document.getElementById(id);

let wallet = null; // wallet.js's: {key, publicKey, creds}
let problem = (e) => e.message;
let qrURL = ''; // the object URL of the QR code shown

/**
 * parseNonce reads a verifier's code: {nonce, audience, expiresAt (a
 * Date, or null if it gives none)}, or null if it is not one.
 */
export function parseNonce(text) {
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return null;
  }
  const ok = (s, min) => typeof s === 'string' && s.length >= min && s.length <= 128;
  if (!v || !ok(v.nonce, 8) || !ok(v.audience, 1)) return null;
  const exp = typeof v.expiresAt === 'string' ? Date.parse(v.expiresAt) : NaN;
  return { nonce: v.nonce, audience: v.audience, expiresAt: Number.isNaN(exp) ? null : new Date(exp) };
}

/** licences fills the choice of licence from the wallet's credentials. */
export function licences(w) {
  const select = $('licence');
  const before = select.value;
  select.replaceChildren(...[...w.creds.keys()].map((id) => el('option', id, { value: id })));
  if (w.creds.has(before)) select.value = before;
  fields();
}

/** fields offers the chosen licence's fields, each with its value, none chosen. */
function fields() {
  const list = $('field-list');
  list.replaceChildren();
  const c = wallet.creds.get($('licence').value);
  if (!c) return;
  c.info.fields.forEach((f, i) => {
    const box = el('input', null, { type: 'checkbox', id: 'field-' + i, value: f.name, 'data-field': f.name });
    const label = el('label', null, { for: 'field-' + i });
    label.append(el('strong', f.name), document.createTextNode(': ' + f.value));
    const div = el('div', null, { class: 'choice' });
    div.append(box, label);
    list.append(div);
  });
}

function status(text) {
  $('present-status').textContent = text;
}

/** showVerifier shows the verifier's code given, if it is one. */
function showVerifier() {
  const v = parseNonce($('nonce-text').value.trim());
  $('verifier').hidden = !v;
  if (!v) return null;
  $('verifier-audience').textContent = v.audience;
  const exp = $('verifier-expires');
  exp.textContent = v.expiresAt ? v.expiresAt.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') : '';
  if (v.expiresAt) exp.setAttribute('datetime', v.expiresAt.toISOString());
  return v;
}

/** read takes a verifier's code scanned or read from a picture. */
function read(text) {
  $('nonce-text').value = text.trim();
  if (showVerifier()) {
    status(msg('wallet.present.read'));
    $('present').focus();
  } else {
    status(msg('wallet.present.notNonce'));
  }
}

/** make makes the presentation of the chosen licence's chosen fields for the verifier's code. */
async function make() {
  const c = wallet.creds.get($('licence').value);
  if (!c) {
    status(msg('wallet.present.noLicence'));
    return;
  }
  const v = showVerifier();
  if (!v) {
    status(msg($('nonce-text').value.trim() ? 'wallet.present.notNonce' : 'wallet.present.noNonce'));
    $('nonce-text').focus();
    return;
  }
  if (v.expiresAt && v.expiresAt.getTime() <= Date.now()) {
    status(msg('wallet.present.expired'));
    return;
  }
  const names = [...document.querySelectorAll('#field-list input:checked')].map((b) => b.value);
  status(msg('wallet.present.making'));
  let text;
  try {
    text = await call('present', c.text, wallet.key, names, v.nonce, v.audience);
  } catch (e) {
    status(problem(e));
    return;
  }
  await show(text, v.audience, names, c.info.id);
  status('');
}

/** show shows a presentation: what it discloses, its QR code drawn by the module, its text. */
async function show(text, audience, names, id) {
  $('presentation-h').textContent = msg('wallet.presentation.for', { audience, id });
  $('presentation-discloses').textContent = names.length
    ? msg('wallet.presentation.discloses', { fields: names.join(', ') })
    : msg('wallet.presentation.nothing');
  $('presentation-text').value = text;
  $('copy-status').textContent = '';
  const img = $('presentation-qr');
  dropQR();
  try {
    const svg = await call('qrSVG', text);
    qrURL = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    img.alt = msg('wallet.presentation.qr', { audience });
    img.src = qrURL;
    await img.decode();
    img.hidden = false;
  } catch (e) {
    $('copy-status').textContent = problem(e);
  }
  const section = $('presentation');
  section.hidden = false;
  section.dataset.seq = String(Number(section.dataset.seq ?? 0) + 1); // presentations shown so far
  section.focus();
}

/** dropQR hides the QR code shown and frees its image. */
function dropQR() {
  const img = $('presentation-qr');
  img.hidden = true;
  img.removeAttribute('src');
  if (qrURL) URL.revokeObjectURL(qrURL);
  qrURL = '';
}

/** copy copies the presentation's text, or selects it for the holder to copy. */
async function copy() {
  const t = $('presentation-text');
  try {
    await navigator.clipboard.writeText(t.value);
    $('copy-status').textContent = msg('wallet.copied');
  } catch (e) {
    t.focus();
    t.select();
    $('copy-status').textContent = msg('wallet.copySelect');
  }
}

const scanner = new Scanner($('camera'), (text) => {
  stopScan();
  read(text);
});

async function startScan() {
  $('scan').hidden = true;
  $('scan-stop').hidden = false;
  $('camera').hidden = false;
  status(msg('wallet.present.scanning'));
  if (!navigator.mediaDevices?.getUserMedia) {
    stopScan();
    status(msg('noCamera') + ' ' + msg('insecure'));
    return;
  }
  try {
    await scanner.start();
    $('scan-stop').focus();
  } catch (e) {
    stopScan();
    status(msg('noCamera') + ' ' + e.message);
  }
}

function stopScan() {
  scanner.stop();
  $('camera').hidden = true;
  $('scan-stop').hidden = true;
  $('scan').hidden = false;
  if (document.activeElement === document.body) $('scan').focus();
}

/** reset forgets the verifier's code and the presentation, and stops the camera. */
export function reset() {
  stopScan();
  dropQR();
  $('presentation').hidden = true;
  $('presentation-text').value = '';
  $('nonce-text').value = '';
  $('verifier').hidden = true;
  $('licence').replaceChildren();
  $('field-list').replaceChildren();
  status('');
}

/** wire connects the controls; w is the wallet, problem words an error for a person. */
export function wire(w, o) {
  wallet = w;
  problem = o.problem;
  $('licence').addEventListener('change', fields);
  $('nonce-text').addEventListener('input', showVerifier);
  $('present-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    make().catch((e) => status(problem(e)));
  });
  $('scan').addEventListener('click', startScan);
  $('scan-stop').addEventListener('click', stopScan);
  $('nonce-file').addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    const text = await decodePicture(file).catch(() => null);
    if (text === null) status(msg('noQR'));
    else read(text);
  });
  $('copy').addEventListener('click', copy);
  window.addEventListener('pagehide', stopScan);
}
