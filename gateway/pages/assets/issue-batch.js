// issue-batch.js: the issuer's page issues a drafts file, as `wanledger
// licence issue` does: the module reads it (one draft or a list), every
// draft is checked against its type and seal key before any is sealed,
// then 50 at a time are sealed in the module and submitted (POST
// /v1/licences/batch, all or none of each; one draft alone to POST
// /v1/licences), the progress bar and its status following. Each licence
// gets a row with its outcome and credential file, and the credential
// files of all issued licences come as one ZIP made by the module.
import { api, ApiError, el, msg } from './app.js';
import { call } from './wasm.js';
import {
  $, agency, credentialBlob, downloadLink, explain, failure, licenceType, result, sealKey, unknownOutcome,
} from './issue-common.js';

/** chunk is how many licences one transaction carries (the API's maximum). */
const chunk = 50;

/** maxFile bounds a drafts file, as the command line does. */
const maxFile = 16 << 20;

function status(text) {
  $('batch-status').textContent = text;
}

/** resetBatch forgets the last batch's answer. */
export function resetBatch() {
  const p = $('batch-progress');
  p.value = 0;
  p.max = 1;
  status('');
  const section = $('batch-result');
  section.hidden = true;
  for (const a of section.querySelectorAll('a[href^="blob:"]')) URL.revokeObjectURL(a.href);
  $('batch-details').replaceChildren();
}

/** fetchRecords completes records with the types and seal keys the drafts name. */
async function fetchRecords(recs, d) {
  for (const code of d.types) {
    if (!recs.types[code]) recs.types[code] = await licenceType(code);
  }
  for (const id of d.sealKeys) {
    if (!recs.sealKeys[id]) recs.sealKeys[id] = await sealKey(id);
  }
  return recs;
}

/** table is the batch's results table, a row added per licence. */
function table() {
  const t = el('table', null, { id: 'batch-table' });
  t.append(el('caption', msg('issuer.batchCaption')));
  const head = el('tr');
  for (const k of ['issuer.licence', 'issuer.outcome', 'issuer.block', 'issuer.credential']) head.append(el('th', msg(k), { scope: 'col' }));
  t.append(el('thead'), el('tbody'));
  t.tHead.append(head);
  return t;
}

/** row adds a licence's outcome to the table, with its credential file if it may be the holder's. */
function row(t, s, outcome, block) {
  const tr = el('tr', null, { 'data-licence': s.id, 'data-outcome': outcome });
  const link = el('td');
  if (outcome !== 'refused') link.append(downloadLink(credentialBlob(s.credential), s.id + '.json', s.id + '.json'));
  tr.append(el('th', s.id, { scope: 'row' }), el('td', msg('issuer.' + outcome)), el('td', block ?? ''), link);
  t.tBodies[0].append(tr);
}

/** submit sends sealed licences: a list to the batch endpoint, one draft alone to POST /v1/licences. */
function submit(sealed, list) {
  const reqs = sealed.map((s) => JSON.parse(s.request));
  return list ? api('POST', '/v1/licences/batch', reqs) : api('POST', '/v1/licences', reqs[0]);
}

/**
 * runBatch issues the file chosen. records(types, keys) are the ledger's
 * records the page knows, to which the drafts' own are added.
 */
export async function runBatch(records) {
  const file = $('batch-file').files[0];
  if (!file) {
    status(msg('issuer.noFile'));
    $('batch-file').focus();
    return;
  }
  if (file.size > maxFile) {
    status(msg('issuer.tooLarge'));
    return;
  }
  resetBatch();
  const progress = $('batch-progress');
  let text, d, recs;
  try {
    text = await file.text();
    d = await call('drafts', text);
    status(msg('issuer.checkingDrafts', { n: d.drafts.length }));
    recs = JSON.stringify(await fetchRecords(records(), d));
    await call('check', text, recs, agency.sealPEM);
  } catch (e) {
    status('');
    if (e instanceof ApiError && e.status === 401) return;
    explain(result('batch', 'refused', msg('issuer.refused')), e);
    $('batch-result').focus();
    return;
  }
  const total = d.drafts.length;
  progress.max = total;
  status(msg('issuer.progress', { done: 0, total }));
  const details = result('batch', 'issuing', msg('issuer.progress', { done: 0, total }));
  const t = table();
  details.append(t);
  const files = [];
  let stopped = null;
  for (let i = 0; i < total && !stopped; i += chunk) {
    const part = d.drafts.slice(i, i + chunk);
    let sealed;
    try {
      sealed = await call('seal', d.list ? '[' + part.join(',') + ']' : part[0], recs, agency.sealPEM, agency.salt);
      const tx = await submit(sealed, d.list);
      for (const s of sealed) {
        row(t, s, 'issued', tx.blockNumber);
        files.push(s.credential);
      }
    } catch (e) {
      const unknown = unknownOutcome(e);
      for (const s of sealed ?? []) row(t, s, unknown ? 'unknown' : 'refused');
      stopped = { from: i + 1, to: total, done: i, why: failure(e), error: e, unknown };
      break;
    }
    progress.value = files.length;
    status(msg('issuer.progress', { done: files.length, total }));
  }
  finish(details, total, files, stopped);
}

/** finish gives the batch's outcome, and the ZIP of the credential files of the licences issued. */
async function finish(details, total, files, stopped) {
  const outcome = stopped ? (stopped.unknown ? 'unknown' : 'refused') : 'issued';
  const heading = stopped ? msg('issuer.batchStopped', stopped) : msg('issuer.batchDone', { total });
  $('batch-result').dataset.outcome = outcome;
  $('batch-outcome').textContent = heading;
  $('batch-outcome').className = 'outcome ' + outcome;
  status(heading);
  if (stopped) {
    const why = el('div');
    explain(why, stopped.error);
    if (stopped.unknown) why.append(el('p', msg('issuer.unknownHelp')));
    details.prepend(why);
  }
  if (files.length > 0) {
    try {
      const zip = await call('zipCredentials', files);
      const p = el('p');
      p.append(downloadLink(new Blob([zip], { type: 'application/zip' }), 'credentials.zip', msg('issuer.zip', { n: files.length }), 'batch-zip'));
      details.prepend(p, el('p', msg('issuer.credentialHelp'), { class: 'help' }));
    } catch (e) {
      details.prepend(el('p', e.message, { class: 'error', lang: 'en' }));
    }
  }
  $('batch-result').focus();
}
