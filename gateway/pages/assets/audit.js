// audit.js: the auditor's page. It traces the access trail by one
// dimension in a time window (GET /v1/audit/trace), a page at a time,
// draws the trace's timeline (timeline.js), and exports the whole trace
// as CSV (csv.js, made here) or as the gateway's signed report (GET
// /v1/audit/report, saved byte for byte).
import { api, apiBytes, el, msg, reason, save, signIn, signOut } from './app.js';
import { csv } from './csv.js';
import * as timeline from './timeline.js';

const $ = (id) => document.getElementById(id);
const reportType = 'application/vnd.wanledger.audit-report+json';
const maxRecords = 10000; // as the gateway's report (api.MaxAuditRecords)

let query = null; // the query traced: {by, key, from, to}
let limit = 20;
let cursors = ['']; // the cursor of each page so far; the last is the one shown
let next = ''; // the next page's cursor, '' on the last

function status(text) {
  $('status').textContent = text;
}

/** params is a query's URL parameters, with more. */
function params(q, more = {}) {
  const p = new URLSearchParams({ by: q.by });
  for (const [k, v] of Object.entries({ key: q.key, from: q.from, to: q.to, ...more })) {
    if (v) p.set(k, v);
  }
  return p.toString();
}

/**
 * instant is a time input's value as RFC 3339 UTC: '' if empty, null if
 * not a time. A time is YYYY-MM-DD, then optionally HH:MM and :SS (a space
 * or T between), in this device's time zone unless it ends in Z or ±HH:MM.
 */
function instant(id) {
  const v = $(id).value.trim();
  if (!v) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(v);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  const t = zone ? new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`) : new Date(+y, +mo - 1, +d, +h, +mi, +s);
  const back = zone ? t : new Date(t.getFullYear(), t.getMonth(), t.getDate());
  if (Number.isNaN(t.getTime()) || (!zone && (back.getMonth() !== +mo - 1 || back.getDate() !== +d))) return null; // e.g. 02-30
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** readForm is the form's query, or null after saying what is wrong. */
function readForm() {
  const q = { by: $('by').value, key: $('key').value.trim(), from: instant('from'), to: instant('to') };
  const wrong = (text, id) => {
    status(text);
    $(id).focus();
    return null;
  };
  if (q.by === 'time' && q.key) return wrong(msg('audit.noKeyForTime'), 'key');
  if (q.by !== 'time' && !q.key) return wrong(msg('audit.needKey'), 'key');
  if (q.from === null) return wrong(msg('audit.badTime'), 'from');
  if (q.to === null) return wrong(msg('audit.badTime'), 'to');
  limit = Math.min(200, Math.max(1, Number.parseInt($('limit').value, 10) || 20));
  return q;
}

/** recordRow is one record's row of the trail's table. */
function recordRow(r) {
  const tr = el('tr', null, { 'data-id': r.id, 'data-kind': r.kind });
  const at = el('td');
  at.append(el('time', timeline.when(r.at), { datetime: r.at }));
  tr.append(at, el('td', msg('audit.kind.' + r.kind)), el('td', r.datasetId), el('td', r.requester), el('td', r.owner),
    el('td', r.authorizationId ?? ''), el('td', r.purpose), el('td', (r.fields ?? []).join(', ')), el('td', r.reason ?? ''));
  const id = el('td');
  id.append(el('code', r.id));
  tr.append(id);
  return tr;
}

/** showPage shows the page of cursor cursors[last]. */
async function showPage() {
  status(msg('audit.tracing'));
  const page = await api('GET', '/v1/audit/trace?' + params(query, { limit, cursor: cursors[cursors.length - 1] }));
  const items = page.data.items ?? [];
  next = page.data.bookmark ?? '';
  const n = cursors.length;
  const body = $('trail').tBodies[0];
  body.replaceChildren(...items.map(recordRow));
  const first = (n - 1) * limit + 1;
  const section = $('results');
  section.hidden = false;
  section.dataset.page = String(n);
  section.dataset.seq = String(Number(section.dataset.seq ?? 0) + 1); // pages shown so far
  $('summary').textContent = items.length === 0 ? msg('audit.none')
    : msg('audit.summary', { page: n, first, last: first + items.length - 1, height: page.blockHeight });
  $('trail-caption').textContent = msg('audit.caption', { by: $('by').querySelector(`option[value="${query.by}"]`).textContent, key: query.key ? ' ' + query.key : '' });
  $('page-no').textContent = msg('audit.page', { page: n });
  $('prev').disabled = n === 1;
  $('next').disabled = next === '';
  status('');
}

/** trace traces the form's query from its first page, and its timeline. */
async function trace() {
  const q = readForm();
  if (!q) return;
  query = q;
  cursors = [''];
  $('export-status').textContent = '';
  try {
    await showPage();
  } catch (e) {
    status(reason(e));
    return;
  }
  $('results').focus();
  try {
    timeline.show((await api('GET', '/v1/audit/timeline?' + params(query))).data);
  } catch (e) {
    timeline.failed(e);
  }
}

/** turn moves a page on (+1) or back (-1). */
async function turn(by) {
  if (by > 0 && next) cursors.push(next);
  if (by < 0 && cursors.length > 1) cursors.pop();
  try {
    await showPage();
  } catch (e) {
    status(reason(e));
  }
  const keep = by > 0 ? $('next') : $('prev');
  (keep.disabled ? $('results') : keep).focus();
}

/** fileName is an export's file name: the query and the time, safe on any file system. */
function fileName(ext) {
  const key = (query.key || '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 24);
  const at = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return ['wanledger-audit', query.by, key, at].filter(Boolean).join('-') + '.' + ext;
}

function exported(text) {
  $('export-status').textContent = text;
}

/** exportCSV reads every page of the query and saves them as CSV. */
async function exportCSV() {
  exported(msg('audit.exporting'));
  const records = [];
  let cursor = '';
  try {
    do {
      const page = await api('GET', '/v1/audit/trace?' + params(query, { limit: 200, cursor }));
      records.push(...(page.data.items ?? []));
      cursor = page.data.bookmark ?? '';
    } while (cursor && records.length <= maxRecords);
  } catch (e) {
    exported(reason(e));
    return;
  }
  const name = fileName('csv');
  save(csv(records.slice(0, maxRecords)), name, link(name));
  exported(msg('audit.csvSaved', { file: name, count: Math.min(records.length, maxRecords) }));
}

/** exportReport has the gateway make and sign the report, and saves its bytes unchanged. */
async function exportReport() {
  exported(msg('audit.signing'));
  let data;
  let report;
  try {
    data = await apiBytes('/v1/audit/report?' + params(query), reportType);
    report = JSON.parse(await data.text()).report;
  } catch (e) {
    exported(reason(e, 'REPORT'));
    return;
  }
  const name = fileName('json');
  save(data, name, link(name));
  exported(msg('audit.reportSaved', { file: name, count: report.entries.length, height: report.ledgerHeight, msp: report.mspId }));
}

/** link is the page's link to the last export, to save it again. */
function link(name) {
  const p = $('saved');
  let a = p.querySelector('a');
  if (!a) {
    a = el('a', null, { id: 'saved-link' });
    p.append(a);
  }
  a.textContent = msg('audit.saveAgain', { file: name });
  p.dataset.seq = String(Number(p.dataset.seq ?? 0) + 1); // exports saved so far
  return a;
}

$('trace-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  trace();
});
$('by').addEventListener('change', () => {
  $('key').disabled = $('by').value === 'time';
  if ($('key').disabled) $('key').value = '';
});
$('prev').addEventListener('click', () => turn(-1));
$('next').addEventListener('click', () => turn(1));
$('export-csv').addEventListener('click', exportCSV);
$('export-report').addEventListener('click', exportReport);

signIn('/v1/keys/self', (key) => {
  if (!(key?.roles ?? []).includes('auditor')) signOut(msg('audit.notAuditor'));
}, () => {
  query = null;
  $('results').hidden = true;
  $('timeline').hidden = true;
  timeline.clear();
}, ['auditor']);
