// issue-change.js: the issuer's page changes a licence of the agency. It
// looks the licence up on the ledger (GET /v1/licences/{id}?fresh=true),
// then renews it (its content sealed again in the module with the new
// valid-to and the seal key given above: POST /v1/licences/{id}/renew), or
// suspends, reinstates or revokes it for a reason code of the change's
// list, with an optional explanation of which only the SM3 digest goes on
// the ledger, and for a revocation an effective time (POST
// /v1/licences/{id}/suspend|reinstate|revoke).
import { api, ApiError, el, has, msg, reason } from './app.js';
import { call } from './wasm.js';
import { $, agency, explain, licenceType, localInput, path, result, rfc3339, shown } from './issue-common.js';

let current = null; // the licence looked up, as the ledger answered

function status(text) {
  $('change-status').textContent = text;
}

/** resetChange forgets the licence looked up. */
export function resetChange() {
  current = null;
  $('licence-facts').hidden = true;
  $('change-form').hidden = true;
  $('change-result').hidden = true;
  $('find-status').textContent = '';
  status('');
}

/** statusLabel is a status as the page's language names it. */
function statusLabel(s) {
  return has('status.' + s) ? msg('status.' + s) : s;
}

/** showLicence shows a licence's facts: its type, agency, status, validity, seal key and last change. */
function showLicence(l) {
  current = l;
  const dl = $('licence-facts');
  dl.replaceChildren();
  const fact = (key, value, id, raw) => {
    const dd = el('dd', value, { id });
    if (raw !== undefined) dd.dataset.value = raw;
    dl.append(el('dt', msg(key)), dd);
  };
  fact('issuer.licence', l.id, 'lic-id');
  fact('issuer.type', l.type, 'lic-type');
  fact('issuer.agency', l.agencyId, 'lic-agency');
  fact('issuer.status', statusLabel(l.status), 'lic-status', l.status);
  fact('issuer.validFrom', shown(l.validFrom), 'lic-from', l.validFrom);
  fact('issuer.validTo', shown(l.validTo), 'lic-to', l.validTo);
  fact('issuer.sealKey', l.sealKeyId, 'lic-seal');
  const last = (l.statusHistory ?? []).at(-1);
  if (last) {
    const code = last.reason?.split(':')[0] ?? '';
    const reason = has('reason.' + code) ? `${msg('reason.' + code)} (${last.reason})` : last.reason ?? '';
    const what = reason ? `${statusLabel(last.status)}: ${reason}` : statusLabel(last.status);
    fact('issuer.lastChange', `${what}, ${shown(last.effectiveAt)}`, 'lic-change', last.reason ?? '');
  }
  dl.hidden = false;
  dl.dataset.seq = String(Number(dl.dataset.seq ?? 0) + 1); // licences shown so far
  $('change-form').hidden = false;
}

/** find looks the licence ID given up on the ledger. */
async function find() {
  const id = $('change-id').value.trim();
  const say = (t) => { $('find-status').textContent = t; };
  if (!id) {
    say(msg('issuer.noID'));
    $('change-id').focus();
    return;
  }
  say(msg('issuer.finding'));
  $('change-result').hidden = true;
  let l;
  try {
    l = (await api('GET', path('licences', id) + '?fresh=true')).data;
  } catch (e) {
    if (e.status !== 401) say(reason(e));
    $('licence-facts').hidden = true;
    $('change-form').hidden = true;
    return;
  }
  say('');
  showLicence(l);
  await defaultValidTo(l);
}

/** defaultValidTo offers a year more than the licence's valid-to, within its type's longest validity. */
async function defaultValidTo(l) {
  let to = Date.parse(l.validTo) + 365 * 86400e3;
  try {
    const t = await licenceType(l.type);
    to = Math.min(to, Date.parse(l.validFrom) + t.maxValidityDays * 86400e3);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
  $('new-valid-to').value = localInput(new Date(Math.floor(to / 1000) * 1000));
}

/** chooseAction shows the controls of the change chosen. */
function chooseAction() {
  const action = $('action').value;
  $('renew-fields').hidden = action !== 'renew';
  for (const div of document.querySelectorAll('.reasons')) div.hidden = div.id !== action + '-reasons';
  $('reason-text-fields').hidden = action === 'renew';
  $('revoke-fields').hidden = action !== 'revoke';
  $('apply').textContent = msg('issuer.action.' + action);
  status('');
}

/** body is the request of a status change: the reason, its text, and a revocation's effective time. */
function body(action) {
  const b = { reason: $('reason-' + action).value };
  const text = $('reason-text').value.trim();
  if (text) b.reasonText = text;
  const at = action === 'revoke' ? rfc3339($('effective-at').value) : '';
  if (at) b.effectiveAt = at;
  return b;
}

/** apply makes the change chosen and shows the ledger's answer. */
async function apply() {
  const action = $('action').value;
  const id = current.id;
  let req;
  if (action === 'renew') {
    if (!agency.ready) {
      status(msg('issuer.needSealKey'));
      $('seal-file').focus();
      return;
    }
  } else {
    req = body(action);
    if (req.reason === 'OTHER' && !req.reasonText) {
      status(msg('issuer.needText'));
      $('reason-text').focus();
      return;
    }
  }
  status(msg(action === 'renew' ? 'issuer.sealing' : 'issuer.submitting'));
  let tx;
  try {
    if (action === 'renew') { // sealed over the licence as it is now
      const l = (await api('GET', path('licences', id) + '?fresh=true')).data;
      req = JSON.parse(await call('renew', JSON.stringify(l), rfc3339($('new-valid-to').value), JSON.stringify(agency.sealRecord), agency.sealPEM));
      status(msg('issuer.submitting'));
    }
    tx = await api('POST', path('licences', id, action), req);
  } catch (e) {
    status('');
    if (e.status === 401) return;
    explain(result('change', 'refused', msg('issuer.refused')), e);
    $('change-result').focus();
    return;
  }
  status('');
  $('reason-text').value = '';
  $('effective-at').value = '';
  const details = result('change', 'done', msg('issuer.done.' + action) + ': ' + id);
  details.append(el('p', msg('issuer.inBlock', { tx: tx.txId, block: tx.blockNumber }), { id: 'change-tx' }));
  showLicence(tx.data);
  $('change-result').focus();
}

/** setUpChange wires the look-up and change forms. */
export function setUpChange() {
  $('find-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    find();
  });
  $('action').addEventListener('change', chooseAction);
  $('change-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  chooseAction();
}
