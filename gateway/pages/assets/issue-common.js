// issue-common.js: what the parts of the issuer's page share: the agency's
// seal key and province salt (in this tab's memory only, never stored or
// sent), time fields, downloads, answers and how a failure reads.
import { ApiError, api, el, has, lang, msg, reason } from './app.js';

/**
 * agency is what the issuer gave and the ledger confirmed: the seal key's
 * PEM text, the salt file's text, the seal key ID and its record, the
 * agency ID; ready once checked.
 */
export const agency = { sealPEM: '', salt: '', keyId: '', id: '', sealRecord: null, ready: false };

/** forget drops the agency's secrets. */
export function forget() {
  Object.assign(agency, { sealPEM: '', salt: '', keyId: '', id: '', sealRecord: null, ready: false });
}

/** $ is the element of id. */
export const $ = (id) => document.getElementById(id);

/** path is a URL path of the API with its parts escaped. */
export function path(...parts) {
  return '/v1/' + parts.map((p, i) => (i % 2 ? encodeURIComponent(p) : p)).join('/');
}

/** localInput is a date as a datetime-local input's value: this device's time zone, whole seconds. */
export function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** rfc3339 is a datetime-local input's value as RFC 3339 in UTC, whole seconds; '' if it holds none. */
export function rfc3339(value) {
  const d = value ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** shown is an RFC 3339 time as this page's language shows it. */
export function shown(t) {
  return new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
}

/** readFile is the text of a file the user chose, of at most max bytes. */
export async function readFile(file, max) {
  if (file.size > max) throw new Error(`${file.name}: ${file.size} bytes, more than ${max}`);
  return file.text();
}

/** downloadLink is a link that saves data (a Blob) as a file of name. */
export function downloadLink(blob, name, text, id) {
  const a = el('a', text, { href: URL.createObjectURL(blob), download: name });
  if (id) a.id = id;
  return a;
}

/** credentialBlob is a credential file's text as a Blob. */
export function credentialBlob(text) {
  return new Blob([text], { type: 'application/json' });
}

/** failure is a one-line reading of an error: the API's code and message, or the module's error. */
export function failure(e) {
  if (e instanceof ApiError) return reason(e);
  return msg('issuer.notSealed') + ' ' + e.message;
}

/** unknownOutcome reports whether an error leaves the outcome of a submission unknown. */
export function unknownOutcome(e) {
  return e instanceof ApiError && (e.status === 0 || e.status >= 500);
}

/**
 * result empties the result section of a part (one, batch, change), sets
 * its outcome and heading, and returns its details element.
 */
export function result(part, outcome, heading) {
  const section = $(part + '-result');
  section.hidden = false;
  section.dataset.outcome = outcome;
  section.dataset.seq = String(Number(section.dataset.seq ?? 0) + 1); // answers shown so far
  const h = $(part + '-outcome');
  h.textContent = heading;
  h.className = 'outcome ' + outcome;
  const details = $(part + '-details');
  for (const a of details.querySelectorAll('a[href^="blob:"]')) URL.revokeObjectURL(a.href);
  details.replaceChildren();
  return details;
}

/**
 * explain adds to details why something failed: its code, then on a
 * Chinese page the page's words for it (issuer.code.<CODE>, else
 * code.<CODE>), on an English page the gateway's message and the page's
 * explanation; where the page has no words for a code, the gateway's
 * message in either language.
 */
export function explain(details, e) {
  if (!(e instanceof ApiError)) {
    details.append(el('p', msg('issuer.notSealed')), el('p', e.message, { class: 'error', lang: 'en' }));
    return;
  }
  const why = ['issuer.code.' + e.code, 'code.' + e.code].find(has);
  const p = el('p', null, { class: 'error' });
  p.append(el('code', e.code, { class: 'code' }), document.createTextNode(': '));
  if (lang === 'zh' && why) {
    p.append(el('span', msg(why)));
    details.append(p);
    return;
  }
  p.append(el('span', e.message, { lang: 'en' }));
  details.append(p);
  if (why?.startsWith('issuer.')) details.append(el('p', msg(why)));
}

/** facts is a list of facts: [message key, value, id] each. */
export function facts(rows, attrs = {}) {
  const dl = el('dl', null, { class: 'facts', ...attrs });
  for (const [key, value, id] of rows) dl.append(el('dt', msg(key)), el('dd', value, id ? { id } : {}));
  return dl;
}

/** sealKey reads the seal key record of id from the ledger. */
export async function sealKey(id) {
  return (await api('GET', path('registry/seals', id) + '?fresh=true')).data;
}

/** licenceType reads the licence type of code. */
export async function licenceType(code) {
  return (await api('GET', path('registry/types', code))).data;
}
