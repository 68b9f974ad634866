// wallet.js: the citizen's page. The holder opens their wallet key
// (holder.pem) and adds credential files; the pages' WebAssembly module
// (wasm.js, the wallet's own Go code) checks each is issued to that key.
// The key and the credentials are kept in this page's memory only: never
// in any browser storage, never sent; leaving or reloading the page
// forgets them. With a challenge of the gateway signed in the module, the
// page asks, with no API key, each licence's status and who verified or
// accessed data about the holder (POST /v1/holder/activity). Presentations
// are made in present.js.
import { ApiError, el, has as hasMessage, lang, msg, openApi, reason } from './app.js';
import { call, load } from './wasm.js';
import * as present from './present.js';

const $ = (id) => document.getElementById(id);
const locale = lang === 'zh' ? 'zh-CN' : 'en';
const when = (t) => new Date(t).toLocaleString(locale);
const day = (t) => new Date(t).toLocaleDateString(locale);

/** wallet is what the holder gave the page: the key's PEM text, and the credentials by licence ID. */
const wallet = { key: '', publicKey: '', creds: new Map() };

/** label is the message of kind.code, or the code itself. */
function label(kind, code) {
  return hasMessage(kind + '.' + code) ? msg(kind + '.' + code) : code;
}

/** problem is a module's or the API's error for a person: its message, or the code's. */
function problem(e) {
  if (e.code && hasMessage('wallet.err.' + e.code)) return msg('wallet.err.' + e.code);
  if (e instanceof ApiError) return reason(e);
  return e.message;
}

/** readFile is a chosen file's text, at most max bytes. */
async function readFile(file, max) {
  if (file.size > max) throw new Error(msg('wallet.tooLarge', { name: file.name, max }));
  return file.text();
}

/** openKey takes the key given (pasted, else the file chosen) and opens the wallet with it. */
async function openKey() {
  const error = $('key-error');
  const file = $('key-file').files[0];
  let text = $('key-text').value.trim();
  error.textContent = '';
  try {
    if (!text && file) text = await readFile(file, 4096);
    if (!text) {
      error.textContent = msg('wallet.noKey');
      $('key-file').focus();
      return;
    }
    error.textContent = msg('wallet.opening');
    const pub = await call('publicKey', text);
    Object.assign(wallet, { key: text, publicKey: pub });
  } catch (e) {
    error.textContent = problem(e);
    return;
  } finally {
    $('key-text').value = ''; // the key stays in the wallet object only
    $('key-file').value = '';
  }
  error.textContent = '';
  $('holder-key').textContent = wallet.publicKey.slice(0, 16) + '…' + wallet.publicKey.slice(-8);
  $('holder-key').title = wallet.publicKey;
  $('key').hidden = true;
  $('opened').hidden = false;
  $('work').hidden = false;
  $('cred-file').focus();
}

/** forget drops the key, the credentials and everything shown from them. */
function forget() {
  wallet.key = '';
  wallet.publicKey = '';
  wallet.creds.clear();
  present.reset();
  for (const id of ['licences', 'verifications', 'accesses']) $(id).tBodies[0].replaceChildren();
  showLicences(new Map());
  showActivity({ verifications: [], accesses: [] });
  for (const id of ['add-status', 'basis', 'refresh-status']) $(id).replaceChildren();
  $('work').hidden = true;
  $('opened').hidden = true;
  $('key').hidden = false;
  $('key-error').textContent = msg('wallet.forgotten');
  $('key-file').focus();
}

/** addCredentials checks and keeps each credential text given, then asks for their status. */
async function addCredentials(texts) {
  const out = $('add-status');
  out.replaceChildren();
  let added = 0;
  for (const { name, text } of texts) {
    try {
      const info = await call('credential', text, wallet.key);
      wallet.creds.set(info.id, { text, info });
      out.append(el('p', msg('wallet.added', { id: info.id }), { class: 'ok', 'data-licence': info.id }));
      added++;
    } catch (e) {
      out.append(el('p', msg('wallet.refused', { name }) + ' ' + problem(e), { class: 'error', 'data-code': e.code ?? '' }));
    }
  }
  if (added > 0) {
    present.licences(wallet);
    await refresh();
  }
}

/** addGiven adds the credential files chosen and the text pasted. */
async function addGiven() {
  const texts = [];
  try {
    for (const f of $('cred-file').files) texts.push({ name: f.name, text: await readFile(f, 262144) });
  } catch (e) {
    $('add-status').replaceChildren(el('p', e.message, { class: 'error' }));
    return;
  }
  const pasted = $('cred-text').value.trim();
  if (pasted) texts.push({ name: msg('wallet.pasted'), text: pasted });
  $('cred-file').value = '';
  $('cred-text').value = '';
  if (texts.length === 0) {
    $('add-status').replaceChildren(el('p', msg('wallet.noCredential'), { class: 'error' }));
    $('cred-file').focus();
    return;
  }
  await addCredentials(texts);
}

/**
 * ask asks this gateway about one licence: a challenge, signed in the
 * module with the holder's key, answered with the licence's status and
 * activity.
 */
async function ask(id) {
  const c = await openApi('GET', '/v1/holder/challenge');
  const signature = await call('signActivity', wallet.key, c.challenge, c.audience, [id]);
  return openApi('POST', '/v1/holder/activity', { challenge: c.challenge, publicKey: wallet.publicKey, signature, licences: [id] });
}

/**
 * refresh asks about each licence on its own (a licence this gateway does
 * not know refuses the whole request, so one unknown cannot hide the
 * others) and shows their status and the activity about them.
 */
async function refresh() {
  const status = $('refresh-status');
  status.textContent = msg('wallet.asking');
  const states = new Map();
  const all = { verifications: [], accesses: [] };
  let height = 0;
  let at = null;
  let stale = false;
  const failures = [];
  for (const id of wallet.creds.keys()) {
    try {
      const a = await ask(id);
      states.set(id, a.licences?.[0] ?? null);
      all.verifications.push(...(a.verifications ?? []));
      all.accesses.push(...(a.accesses ?? []));
      height = Math.max(height, a.cacheHeight ?? 0);
      at = a.at;
      stale ||= a.stale;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      states.set(id, e.code === 'HOLDER_KEY_MISMATCH' ? 'unknown' : null);
      if (e.code !== 'HOLDER_KEY_MISMATCH') failures.push(id + ': ' + problem(e));
    }
  }
  if (!wallet.key) return; // forgotten meanwhile
  showLicences(states);
  showActivity(all);
  $('basis').textContent = at ? msg(stale ? 'wallet.basisStale' : 'wallet.basis', { height, at: when(at) }) : '';
  status.textContent = failures.join(' ');
  status.dataset.seq = String(Number(status.dataset.seq ?? 0) + 1); // answers shown so far
}

/** statusCell is a licence's status as a table cell: ✔/✘, the status, the change's reason. */
function statusCell(s) {
  if (s === 'unknown') return el('td', msg('wallet.status.unknown'), { 'data-status': 'unknown' });
  if (!s) return el('td', msg('wallet.status.none'), { 'data-status': '' });
  const td = el('td', null, { 'data-status': s.status, class: s.status === 'active' ? 'ok' : 'failed' });
  td.append(el('span', s.status === 'active' ? '✔ ' : '✘ ', { 'aria-hidden': 'true' }), el('strong', label('status', s.status)));
  if (s.change && s.status !== 'active' && s.change.reason) {
    td.append(document.createTextNode(' ' + msg('wallet.since', { reason: s.change.reason.split(':')[0], at: day(s.change.effectiveAt) })));
  }
  if (s.relayedFrom) td.append(el('span', ' ' + msg('wallet.relayed', { channel: s.relayedFrom.channel }), { class: 'detail' }));
  return td;
}

/** showLicences lists the licences held, with the status each answer gave. */
function showLicences(states) {
  const body = $('licences').tBodies[0];
  body.replaceChildren();
  for (const [id, { info }] of wallet.creds) {
    const s = states.get(id);
    const row = el('tr', null, { 'data-licence': id });
    const to = s && s !== 'unknown' ? s.validTo : info.validTo; // a renewal moves it on the ledger
    row.append(el('th', id, { scope: 'row' }), el('td', info.type), el('td', info.agencyId + ' (' + info.region + ')'),
      el('td', day(info.validFrom) + ' – ' + day(to)), statusCell(s));
    body.append(row);
  }
  $('licences').hidden = wallet.creds.size === 0;
  $('licences-empty').hidden = wallet.creds.size > 0;
}

/** outcome is a verification's outcome for a person. */
function outcome(o) {
  if (o === 'valid') return msg('wallet.outcome.valid');
  if (o === o.toUpperCase()) return msg('wallet.outcome.refused', { why: hasMessage('refusal.' + o) ? msg('refusal.' + o) : o });
  return msg('wallet.outcome.invalid', { check: label('check', o) });
}

/** table fills a table's body with rows of cells, or shows its "none" paragraph. */
function table(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const [attrs, cells] of rows) {
    const tr = el('tr', null, attrs);
    tr.append(...cells.map((c) => el('td', c)));
    body.append(tr);
  }
  $(id).hidden = rows.length === 0;
  $(id + '-empty').hidden = rows.length > 0;
}

/** showActivity lists who verified the licences and who accessed data about the holder. */
function showActivity(a) {
  const vs = [...a.verifications].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  table('verifications', vs.map((v) => [{ 'data-licence': v.licenceId, 'data-outcome': v.outcome },
    [when(v.at), v.licenceId, v.verifierMsp + (v.audience && v.audience !== v.verifierMsp ? ' (' + v.audience + ')' : ''),
      v.purpose ? (lang === 'zh' ? v.purposeZh : v.purposeEn) || v.purpose : msg('wallet.noPurpose'),
      outcome(v.outcome), (v.disclosed ?? []).join(', ') || msg('wallet.noneDisclosed')]]));
  const seen = new Set();
  const acc = a.accesses.filter((r) => !seen.has(r.id) && seen.add(r.id)).sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  table('accesses', acc.map((r) => [{ 'data-kind': r.kind },
    [when(r.at), label('wallet.kind', r.kind) + (r.reason ? ' (' + r.reason + ')' : ''), r.requester,
      r.datasetId + ' (' + r.owner + ')', r.purpose, (r.fields ?? []).join(', ')]]));
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  openKey();
});
$('key-file').addEventListener('change', () => openKey());
$('forget').addEventListener('click', forget);
$('add-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  addGiven().catch((e) => $('add-status').replaceChildren(el('p', problem(e), { class: 'error' })));
});
$('cred-file').addEventListener('change', () => addGiven().catch((e) => $('add-status').replaceChildren(el('p', problem(e), { class: 'error' }))));
$('refresh').addEventListener('click', () => refresh().catch((e) => { $('refresh-status').textContent = problem(e); }));
present.wire(wallet, { problem });

// The module loads while the holder finds their key file, once the page
// has loaded (a fetch begun before would hold the page's load event).
window.addEventListener('load', () => {
  load().catch((e) => { $('key-error').textContent = msg('wallet.noModule') + ' ' + e.message; });
});
