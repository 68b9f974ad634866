// app.js: what every page shares: its messages, the sign-in and calls to
// the API. A page signs in with an API key (kept in this tab's
// sessionStorage only; its calls carry it as Authorization: Bearer and no
// other credential) or, when the gateway's mutual-TLS listener served it,
// with the browser's client certificate (its calls carry the certificate
// as the browser presents it; the page keeps nothing of it).

const keyName = 'wanledger.apiKey';
const certName = 'wanledger.certificate'; // "1" while this tab is signed in by certificate
const body = document.body;
const messages = JSON.parse(body.dataset.messages || '{}');

/**
 * cert names the client certificate the gateway verified when it served
 * the page ({subject, issuer}, common names), or is null off the mutual-TLS
 * listener.
 */
const cert = body.dataset.certSubject ? { subject: body.dataset.certSubject, issuer: body.dataset.certIssuer ?? '' } : null;

// Calls carry the browser's credentials only where the certificate is the
// credential (the Fetch standard counts TLS client certificates among them);
// with an API key they carry none (no cookie), only the key.
const credentials = cert ? 'same-origin' : 'omit';

/** lang is the page's language: zh or en. */
export const lang = body.dataset.lang === 'en' ? 'en' : 'zh';

/** msg is the message of key, its {name}s replaced from vars. */
export function msg(key, vars = {}) {
  const m = messages[key] ?? key;
  return m.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
}

/** has reports whether there is a message of key. */
export function has(key) {
  return key in messages;
}

/**
 * reason is an error for a person, on one line: an API error's code, then
 * on a Chinese page the page's own words for that code (code.<CODE>, the
 * gateway's messages being English), else the gateway's message; an
 * unreachable gateway (NETWORK) in the page's words; any other error's
 * message after fallback, the code to show for it.
 */
export function reason(e, fallback = '') {
  if (e.code === 'NETWORK') return msg('network');
  const code = e.code || fallback;
  const text = lang === 'zh' && has('code.' + code) ? msg('code.' + code) : e.message;
  return code ? code + ': ' + text : text;
}

/** el makes an element with its text and attributes. */
export function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** ApiError is an answer of the API that is not a success. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let skew = 0; // the gateway's clock less this device's, by the last answer's Date

/** gatewayNow is the time by the gateway's clock (ms since 1970), to the second. */
export function gatewayNow() {
  return Date.now() + skew;
}

/**
 * send calls the gateway's API, with the API key given if any, and answers
 * the response if 2XX; any other throws an ApiError with its code (NETWORK
 * if the gateway cannot be reached).
 */
async function send(method, path, payload, key, accept) {
  const headers = { Accept: accept };
  if (key) headers.Authorization = 'Bearer ' + key;
  const init = { method, headers, credentials, cache: 'no-store' };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(payload);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'NETWORK', msg('network'));
  }
  const at = Date.parse(res.headers.get('Date') ?? '');
  if (!Number.isNaN(at)) skew = at - Date.now();
  if (res.ok) return res;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  throw new ApiError(res.status, data?.code ?? 'HTTP_' + res.status, data?.message ?? res.statusText);
}

/** json answers a response's decoded JSON body, or null if it has none. */
async function json(res) {
  try {
    return await res.json();
  } catch (e) {
    return null;
  }
}

/** signed sends with the signed-in key or certificate (send); a 401 also signs out. */
async function signed(method, path, payload, accept) {
  try {
    return await send(method, path, payload, cert ? null : sessionStorage.getItem(keyName), accept);
  } catch (e) {
    if (e.status === 401) signOut(cert ? 'NO_ROLE: ' + msg('cert.unbound', { subject: cert.subject }) : msg('badKey'));
    throw e;
  }
}

/** api calls the API with the signed-in key and answers the decoded JSON body. */
export async function api(method, path, payload) {
  return json(await signed(method, path, payload, 'application/json'));
}

/** apiBytes GETs path with the signed-in key and answers the body as a Blob of its media type. */
export async function apiBytes(path, accept) {
  return (await signed('GET', path, undefined, accept)).blob();
}

/**
 * openApi calls an operation that takes no API key (the holder's, who
 * signs with their own key instead) and answers the decoded JSON body: a
 * key signed in with in this tab is not sent.
 */
export async function openApi(method, path, payload) {
  return json(await send(method, path, payload, null, 'application/json'));
}

/**
 * save offers data (a Blob) as a file named name: link (an <a> of the
 * page) is set to it, keeps it for saving again, and is followed once.
 */
export function save(data, name, link) {
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(data);
  link.download = name;
  link.click();
}

let onSignedIn = () => {};
let onSignedOut = () => {};

/** show shows or hides the elements of the signed-in and signed-out states. */
function show(signedIn) {
  document.getElementById('signin').hidden = signedIn;
  document.getElementById('session').hidden = !signedIn;
  const work = document.getElementById('work');
  if (work) work.hidden = !signedIn;
}

/** signOut forgets the key (or the sign-in by certificate) and shows the sign-in form, with why if given. */
export function signOut(why = '') {
  sessionStorage.removeItem(keyName);
  sessionStorage.removeItem(certName);
  onSignedOut();
  document.getElementById('signin-error').textContent = why;
  document.getElementById('identity-detail').textContent = '';
  show(false);
  if (why) document.getElementById(cert ? 'signin-button' : 'api-key').focus();
}

let checkPath = '';
let pageRoles = [];

/** keyID is the public part of an API key wl_<id>_<secret>: wl_<id>. */
function keyID(key) {
  const m = /^(wl_[A-Za-z0-9-]+)_/.exec(key);
  return m ? m[1] : '';
}

/**
 * checkKey calls the page's first API operation with the key, then shows
 * the page signed in and hands its answer to the page.
 */
async function checkKey() {
  const first = await api('GET', checkPath);
  document.getElementById('identity').textContent = keyID(sessionStorage.getItem(keyName) ?? '');
  show(true);
  await onSignedIn(first);
}

/** list joins names as the page's language does. */
function list(names) {
  return names.join(lang === 'en' ? ', ' : '、');
}

/**
 * checkCertificate asks the gateway who the browser's certificate is (GET
 * /v1/keys/self: the entry it is bound to, its roles, the MSP), refuses
 * it with NO_ROLE (bound to no entry, or to one without roles) or
 * WRONG_ROLE (none of the page's roles), else shows it and signs in as
 * checkKey does.
 */
async function checkCertificate() {
  let self;
  try {
    self = await json(await send('GET', '/v1/keys/self', undefined, null, 'application/json'));
  } catch (e) {
    if (e.status === 401) throw new ApiError(401, 'NO_ROLE', msg('cert.unbound', { subject: cert.subject }));
    throw e;
  }
  const roles = self?.roles ?? [];
  const vars = { subject: self?.certSubject || cert.subject, identity: self?.identity ?? '', roles: list(roles), need: list(pageRoles) };
  if (roles.length === 0) throw new ApiError(403, 'NO_ROLE', msg('cert.noRole', vars));
  if (pageRoles.length && !pageRoles.some((r) => roles.includes(r))) throw new ApiError(403, 'WRONG_ROLE', msg('cert.wrongRole', vars));
  sessionStorage.setItem(certName, '1');
  document.getElementById('identity').textContent = vars.subject;
  document.getElementById('identity-detail').textContent = msg('cert.detail', { msp: self?.mspId ?? '', roles: vars.roles });
  const first = checkPath === '/v1/keys/self' ? self : await api('GET', checkPath);
  show(true);
  await onSignedIn(first);
}

/** refused shows why a sign-in failed: its code and message. */
function refused(e) {
  signOut(reason(e));
}

/**
 * signIn wires the sign-in form: a key is good if GET path answers 2XX;
 * ready then runs with that answer, and gone runs when the page signs
 * out. A key kept in this tab signs in at once. On the mutual-TLS
 * listener the form signs in with the browser's certificate instead, which
 * must hold one of roles (all pass if none are given).
 */
export function signIn(path, ready, gone = () => {}, roles = []) {
  checkPath = path;
  onSignedIn = ready;
  onSignedOut = gone;
  pageRoles = roles;
  if (cert) {
    signInByCertificate();
    return;
  }
  const form = document.getElementById('signin-form');
  const input = document.getElementById('api-key');
  const error = document.getElementById('signin-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = msg('noKey');
      input.focus();
      return;
    }
    error.textContent = msg('signingIn');
    sessionStorage.setItem(keyName, key);
    input.value = '';
    try {
      await checkKey();
      if (sessionStorage.getItem(keyName)) error.textContent = ''; // the page may have refused the key

    } catch (e) {
      if (e.status !== 401) signOut(reason(e));
    }
  });
  document.getElementById('signout').addEventListener('click', () => signOut());
  if (sessionStorage.getItem(keyName)) {
    checkKey().catch((e) => {
      if (e.status !== 401) signOut(reason(e));
    });
  } else {
    show(false);
  }
}

/**
 * signInByCertificate wires the form to sign in with the browser's
 * certificate; a tab signed in so before (a reload) signs in at once.
 */
function signInByCertificate() {
  const error = document.getElementById('signin-error');
  const go = async () => {
    error.textContent = msg('signingIn');
    try {
      await checkCertificate();
      if (sessionStorage.getItem(certName)) error.textContent = '';
    } catch (e) {
      refused(e);
    }
  };
  document.getElementById('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    go();
  });
  document.getElementById('signout').addEventListener('click', () => signOut());
  if (sessionStorage.getItem(certName)) go();
  else show(false);
}
