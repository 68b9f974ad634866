// verify.js: the verifier's page. It asks the gateway for a single-use
// nonce (GET /v1/verify/nonce) and shows it as a QR code for the holder's
// wallet, reads the holder's presentation (pasted, uploaded as text or as
// a picture of its QR code, or scanned with the camera) and has the
// gateway verify it (POST /v1/presentations/verify), then shows the
// verdict, each check and its reason, the disclosed fields and the basis
// of the verdict.
import { api, ApiError, el, gatewayNow, has as hasMessage, lang, msg, reason, signIn } from './app.js';
import { Scanner, decodePicture } from './scan.js';

const $ = (id) => document.getElementById(id);
let current = null; // the nonce shown: {nonce, audience, expiresAt}
let renewal = 0; // the timer that replaces it as it expires

/**
 * newNonce asks for a nonce and shows it, as text and as a QR code; a new
 * one replaces it shortly before it expires (by the gateway's clock).
 */
async function newNonce() {
  clearTimeout(renewal);
  try {
    current = await api('GET', '/v1/verify/nonce');
  } catch (e) {
    current = null;
    status(reason(e));
    return;
  }
  $('nonce').textContent = current.nonce;
  $('audience').textContent = current.audience;
  $('nonce-expires').textContent = new Date(current.expiresAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  $('nonce-expires').setAttribute('datetime', current.expiresAt);
  const qr = $('nonce-qr');
  qr.src = '/ui/qr.svg?text=' + encodeURIComponent(JSON.stringify(current));
  qr.hidden = false;
  const left = Date.parse(current.expiresAt) - gatewayNow() - 5000;
  renewal = setTimeout(newNonce, Math.min(Math.max(left, 5000), 2 ** 31 - 1));
}

/** purposes fills the purpose choice from the API's list. */
function purposes(list) {
  const select = $('purpose');
  select.replaceChildren(select.options[0]); // "none given"
  for (const p of list.purposes ?? []) {
    select.append(el('option', lang === 'zh' ? p.zh : p.en, { value: p.code }));
  }
}

function status(text) {
  $('status').textContent = text;
}

/** verify has the gateway verify the presentation given, then shows the answer. */
async function verify() {
  const presentation = $('presentation').value.trim();
  if (!presentation) {
    status(msg('empty'));
    $('presentation').focus();
    return;
  }
  if (!current) await newNonce();
  if (!current) return;
  status(msg('verifying'));
  const req = { presentation, nonce: current.nonce, audience: current.audience };
  if ($('purpose').value) req.purpose = $('purpose').value;
  let verdict;
  try {
    verdict = await api('POST', '/v1/presentations/verify', req);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 401) return;
    showRefusal(e);
  }
  if (verdict) showVerdict(verdict);
  status('');
  await newNonce(); // each nonce is used once
}

/** result empties the result section and sets its outcome. */
function result(outcome, heading) {
  const section = $('result');
  section.hidden = false;
  section.dataset.outcome = outcome;
  section.dataset.seq = String(Number(section.dataset.seq ?? 0) + 1); // answers shown so far
  delete section.dataset.code;
  const verdict = $('verdict');
  verdict.textContent = heading;
  verdict.className = 'verdict ' + outcome;
  const details = $('details');
  details.replaceChildren();
  return details;
}

/** label is the label of a code of a kind (check, status, source), or the code. */
function label(kind, code) {
  return hasMessage(kind + '.' + code) ? msg(kind + '.' + code) : code;
}

/** showVerdict shows a verdict: VALID or NOT VALID, and why. */
function showVerdict(v) {
  const details = result(v.valid ? 'valid' : 'invalid', msg(v.valid ? 'valid' : 'invalid'));
  details.append(el('h3', msg('checks')));
  const checks = el('ul', null, { class: 'checks', id: 'checks' });
  for (const c of v.checks ?? []) {
    const li = el('li', null, { class: c.ok ? 'ok' : 'failed', 'data-check': c.name });
    li.append(el('span', c.ok ? '✔ ' : '✘ ', { 'aria-hidden': 'true' }));
    li.append(el('strong', label('check', c.name)));
    li.append(document.createTextNode(': ' + msg(c.ok ? 'passed' : 'failed')));
    if (c.detail) li.append(el('span', ' (' + c.detail + ')', { class: 'detail' }));
    checks.append(li);
  }
  details.append(checks);

  details.append(el('h3', msg('disclosed')));
  if ((v.disclosed ?? []).length === 0) {
    details.append(el('p', msg('noneDisclosed')));
  } else {
    const table = el('table', null, { id: 'disclosed' });
    const head = el('tr');
    head.append(el('th', msg('field'), { scope: 'col' }), el('th', msg('value'), { scope: 'col' }));
    table.append(el('thead'), el('tbody'));
    table.tHead.append(head);
    for (const f of v.disclosed) {
      const row = el('tr', null, { 'data-field': f.name });
      row.append(el('th', f.name, { scope: 'row' }), el('td', f.value));
      table.tBodies[0].append(row);
    }
    details.append(table);
  }

  details.append(el('h3', msg('facts')));
  const facts = el('dl', null, { class: 'facts', id: 'facts' });
  const fact = (name, value, id, raw) => {
    const dd = el('dd', value, { id });
    if (raw !== undefined) dd.dataset.value = raw;
    facts.append(el('dt', msg(name)), dd);
  };
  fact('licence', v.licenceId, 'fact-licence');
  fact('status', label('status', v.status ?? ''), 'fact-status', v.status ?? '');
  if (v.holderVerified) fact('holder', msg('holderBound'), 'fact-holder');
  fact('blockHeight', v.blockHeight, 'fact-height');
  fact('source', label('source', v.source), 'fact-source', v.source);
  fact('staleness', msg(v.stale ? 'stale' : 'fresh'), 'fact-stale', String(v.stale));
  fact('at', new Date(v.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en'), 'fact-at');
  if (v.relayedFrom) {
    const r = v.relayedFrom;
    fact('relayed', msg('relayedDetail', { channel: r.channel, block: r.block, lag: r.lagSeconds.toFixed(1) }), 'fact-relayed');
  }
  details.append(facts);
  $('result').focus();
}

/**
 * showRefusal shows a refused presentation: its code, the page's words for
 * it (refusal.<CODE>; refusal.malformed for the presentation format's
 * codes of a malformed one, docs/credential-format.md; else code.<CODE>)
 * and, on an English page or where the page has no words for it, the
 * gateway's message.
 */
function showRefusal(e) {
  const details = result('refused', msg('refused'));
  $('result').dataset.code = e.code;
  const p = el('p', null, { id: 'refusal' });
  p.append(el('strong', msg('code') + ': '), el('code', e.code, { id: 'refusal-code' }));
  const malformed = e.status === 400 && /^(PRESENTATION|REFERENCE|DISCLOSURE|KEY_BINDING|SIGNATURE)_/.test(e.code);
  const why = ['refusal.' + e.code, malformed ? 'refusal.malformed' : '', 'code.' + e.code].find(hasMessage);
  if (why) details.append(el('p', msg(why), { id: 'refusal-reason' }));
  details.append(p);
  // The gateway's message is English: a Chinese page shows it only when it has no words of its own.
  if (lang === 'en' || !why) details.append(el('p', e.message, { id: 'refusal-message', lang: 'en' }));
  $('result').focus();
}

/** read fills the presentation from text scanned or read, then verifies it. */
function read(text, how) {
  $('presentation').value = text.trim();
  status(how);
  verify();
}

const scanner = new Scanner($('camera'), (text) => {
  stopScan();
  read(text, msg('scanned'));
});

async function startScan() {
  $('scan').hidden = true;
  $('scan-stop').hidden = false;
  $('camera').hidden = false;
  status(msg('scanning'));
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

async function upload(file) {
  if (!file) return;
  if (file.type.startsWith('image/')) {
    const text = await decodePicture(file);
    if (text === null) status(msg('noQR'));
    else read(text, msg('scanned'));
    return;
  }
  read(await file.slice(0, 32768).text(), msg('fileRead'));
}

$('verify-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  verify();
});
$('new-nonce').addEventListener('click', newNonce);
$('scan').addEventListener('click', startScan);
$('scan-stop').addEventListener('click', stopScan);
$('file').addEventListener('change', (ev) => upload(ev.target.files[0]).catch((e) => status(e.message)));

window.addEventListener('pagehide', stopScan);

signIn('/v1/purposes', async (list) => {
  purposes(list);
  await newNonce();
}, () => {
  stopScan();
  clearTimeout(renewal);
}, ['verifier', 'issuer', 'auditor']);
