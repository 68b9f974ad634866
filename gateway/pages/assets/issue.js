// issue.js: the issuer's page. The agency's seal key and the province's
// holder salt are read from files into this tab's memory and checked
// against the seal key on the ledger (GET /v1/registry/seals/{id}); the
// licence types come from the agency's grants in force (GET
// /v1/registry/accreditations/{agency}, /v1/registry/types/{code}). A
// licence from the form is sealed in the pages' WebAssembly module, the
// project's own issuance code, and only its digests, pseudonym and seal go
// to POST /v1/licences; the holder's credential file is offered for
// download. issue-batch.js issues a drafts file; issue-change.js renews,
// suspends, reinstates and revokes.
import { api, ApiError, el, msg, signIn } from './app.js';
import { call, load } from './wasm.js';
import {
  $, agency, credentialBlob, downloadLink, explain, facts, failure, forget, licenceType, localInput, path,
  readFile, result, rfc3339, sealKey, unknownOutcome,
} from './issue-common.js';
import { resetBatch, runBatch } from './issue-batch.js';
import { resetChange, setUpChange } from './issue-change.js';

let types = {}; // the licence types the agency may issue now, by code
let regions = {}; // the region of the newest grant in force of each type

/** agencyStatus says how the check of the agency's files goes; final counts the answers (data-seq). */
function agencyStatus(text, final = true) {
  const p = $('agency-status');
  p.textContent = text;
  if (final) p.dataset.seq = String(Number(p.dataset.seq ?? 0) + 1);
}

/** inForce are the grants not withdrawn whose window holds now, newest first. */
function inForce(grants) {
  const now = Date.now();
  return (grants ?? []).filter((g) => !g.withdrawn && Date.parse(g.validFrom) <= now && now < Date.parse(g.validTo));
}

/**
 * useAgency reads the two files, checks the key against the ledger's
 * record of the seal key ID (the agency's, and the same public key) and
 * the salt's form in the module, then offers the types of the agency's
 * grants in force.
 */
async function useAgency() {
  const sealFile = $('seal-file').files[0];
  const saltFile = $('salt-file').files[0];
  const keyId = $('seal-key-id').value.trim();
  const id = $('agency-id').value.trim();
  const missing = [[sealFile, 'seal-file'], [saltFile, 'salt-file'], [keyId, 'seal-key-id'], [id, 'agency-id']].find(([v]) => !v);
  if (missing) {
    agencyStatus(msg('issuer.needFiles'));
    $(missing[1]).focus();
    return;
  }
  forget();
  $('issuing').hidden = true;
  agencyStatus(msg('issuer.checking'), false);
  try {
    const [pem, salt] = await Promise.all([readFile(sealFile, 4096), readFile(saltFile, 65536)]);
    const record = await sealKey(keyId);
    await call('checkSealKey', pem, salt, JSON.stringify(record), keyId, id);
    const grants = inForce((await api('GET', path('registry/accreditations', id))).data.grants);
    types = {};
    regions = {};
    for (const g of grants) {
      for (const code of g.types) {
        if (!(code in types)) {
          types[code] = await licenceType(code);
          regions[code] = g.region;
        }
      }
    }
    Object.assign(agency, { sealPEM: pem, salt, keyId, id, sealRecord: record, ready: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    agencyStatus(e instanceof ApiError ? failure(e) : e.message);
    return;
  }
  const codes = Object.keys(types);
  const select = $('licence-type');
  select.replaceChildren(...codes.map((c) => el('option', `${types[c].name} (${c})`, { value: c })));
  if (codes.length > 0) chooseType(codes[0]);
  $('issuing').hidden = codes.length === 0;
  agencyStatus(codes.length === 0 ? msg('issuer.noTypes') : msg('issuer.agencyReady', { key: keyId, agency: id, types: codes.join(', ') }));
}

/** fieldInput is the control of one field of a type: by its value type. */
function fieldInput(f) {
  const attrs = { id: 'field-' + f.name, 'data-field': f.name };
  if (f.required) attrs.required = '';
  if (f.type === 'boolean') {
    const s = el('select', null, attrs);
    s.append(el('option', msg('issuer.none'), { value: '' }), el('option', msg('issuer.yes'), { value: 'true' }),
      el('option', msg('issuer.no'), { value: 'false' }));
    return s;
  }
  const input = el('input', null, { ...attrs, type: f.type === 'date' ? 'date' : 'text', maxlength: '4096', autocomplete: 'off' });
  if (f.type === 'number') input.setAttribute('inputmode', 'decimal');
  return input;
}

/** chooseType shows the fields of a type, its region and a validity it allows. */
function chooseType(code) {
  const t = types[code];
  const fields = $('fields');
  fields.replaceChildren();
  for (const f of t.fields) {
    const label = el('label', f.name, { for: 'field-' + f.name });
    if (f.required) label.append(el('span', ' (' + msg('issuer.required') + ')', { class: 'required' }));
    fields.append(label, fieldInput(f));
  }
  $('region').value = regions[code] ?? '';
  const from = new Date();
  from.setMilliseconds(0);
  const to = new Date(from.getTime() + Math.min(365, t.maxValidityDays) * 86400e3);
  $('valid-from').value = localInput(from);
  $('valid-to').value = localInput(to);
  $('max-days').textContent = msg('issuer.maxDays', { days: t.maxValidityDays });
}

/** draft is the form's licence as `licence issue` reads a draft; empty fields are left out. */
function draft() {
  const fields = {};
  for (const input of $('fields').querySelectorAll('[data-field]')) {
    if (input.value !== '') fields[input.dataset.field] = input.value;
  }
  const d = {
    id: $('licence-id').value.trim(), type: $('licence-type').value, agencyId: agency.id, region: $('region').value.trim(),
    sealKeyId: agency.keyId, holder: { citizenId: $('citizen-id').value.trim(), publicKey: $('holder-key').value.trim() }, fields,
  };
  const from = rfc3339($('valid-from').value);
  const to = rfc3339($('valid-to').value);
  if (from) d.validFrom = from;
  if (to) d.validTo = to;
  return d;
}

/** records are the ledger's records the module checks drafts against. */
function records(extraTypes = {}, extraKeys = {}) {
  return { types: { ...types, ...extraTypes }, sealKeys: { [agency.keyId]: agency.sealRecord, ...extraKeys } };
}

function oneStatus(text) {
  $('one-status').textContent = text;
}

/** issueOne seals the form's licence in the module, submits it, and shows the answer. */
async function issueOne() {
  oneStatus(msg('issuer.sealing'));
  let sealed;
  try {
    [sealed] = await call('seal', JSON.stringify(draft()), JSON.stringify(records()), agency.sealPEM, agency.salt);
  } catch (e) {
    oneStatus('');
    explain(result('one', 'refused', msg('issuer.refused')), e);
    $('one-result').focus();
    return;
  }
  oneStatus(msg('issuer.submitting'));
  let tx;
  try {
    tx = await api('POST', '/v1/licences', JSON.parse(sealed.request));
  } catch (e) {
    oneStatus('');
    if (e.status === 401) return;
    const unknown = unknownOutcome(e);
    const details = result('one', unknown ? 'unknown' : 'refused', msg(unknown ? 'issuer.unknown' : 'issuer.refused'));
    explain(details, e);
    if (unknown) {
      details.append(el('p', msg('issuer.unknownHelp')), credentialLink(sealed));
    }
    $('one-result').focus();
    return;
  }
  oneStatus('');
  const details = result('one', 'issued', msg('issuer.issued'));
  details.append(facts([['issuer.licence', sealed.id, 'one-licence'], ['issuer.tx', tx.txId, 'one-tx'], ['issuer.block', tx.blockNumber, 'one-block']]));
  const p = el('p');
  p.append(credentialLink(sealed, 'one-download'));
  details.append(p, el('p', msg('issuer.credentialHelp'), { class: 'help' }));
  $('one-result').focus();
}

/** credentialLink is the download link of a sealed licence's credential file. */
function credentialLink(sealed, id) {
  const file = sealed.id + '.json';
  return downloadLink(credentialBlob(sealed.credential), file, msg('issuer.download', { file }), id);
}

$('agency-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  useAgency();
});
$('licence-type').addEventListener('change', (ev) => chooseType(ev.target.value));
$('one-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  issueOne();
});
$('batch-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  runBatch(records);
});
setUpChange();

signIn('/v1/keys/self', async (key) => {
  const status = $('module-status');
  const note = (key.roles ?? []).includes('issuer') ? '' : msg('issuer.notIssuer');
  status.textContent = (note + ' ' + msg('issuer.loading')).trim();
  try {
    await load();
    status.textContent = note;
  } catch (e) {
    status.textContent = [note, msg('issuer.noModule'), e.message].join(' ').trim();
  }
}, () => {
  forget();
  types = {};
  for (const id of ['seal-file', 'salt-file', 'batch-file']) $(id).value = '';
  $('issuing').hidden = true;
  agencyStatus('', false);
  resetBatch();
  resetChange();
}, ['issuer']);
