// operator.js: the operator's page. It reads the network as the gateway
// sees it (GET /v1/network) every few seconds while the tab is visible and
// live updates are not paused, and shows each channel's highest height and
// Raft leader, and each node's health (a mark and a word, never colour
// alone), channel heights (a peer's channel its organisation has left: as
// left, without a height), cache or relay lag, and how old its reading is.
import { api, el, lang, msg, reason, signIn } from './app.js';

const $ = (id) => document.getElementById(id);
const every = 5000; // ms between reads
let timer = 0; // the next read
let ticker = 0; // the ages' update, every second
let paused = false;
let signedIn = false;
let last = null; // the last answer, and when it arrived: {st, at}
let announced = ''; // the summary last announced

const marks = { ok: '✔', failing: '⚠', down: '✘' };

/** age is how old, in seconds by the gateway's clock, a reading taken at readAt is now. */
function age(readAt) {
  const gatewayNow = Date.parse(last.st.at) + (Date.now() - last.at);
  return Math.max(0, Math.round((gatewayNow - Date.parse(readAt)) / 1000));
}

function clock(t) {
  return new Date(t).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en');
}

/** read asks the gateway for the network, shows it and plans the next read. */
async function read() {
  clearTimeout(timer);
  timer = 0;
  if (!signedIn) return;
  try {
    show(await api('GET', '/v1/network'));
    $('error').textContent = '';
  } catch (e) {
    if (e.status === 401) return; // signed out
    $('error').textContent = (last ? msg('op.old', { n: age(last.st.at) }) + ' ' : '') + reason(e);
  }
  plan();
}

/** plan reads again in a while, unless paused, hidden or signed out. */
function plan() {
  clearTimeout(timer);
  timer = 0;
  if (signedIn && !paused && !document.hidden) timer = setTimeout(read, every);
}

/** show shows an answer of GET /v1/network. */
function show(st) {
  last = { st, at: Date.now() };
  const channels = $('channels').tBodies[0];
  channels.replaceChildren();
  const highest = {};
  for (const c of st.channels ?? []) {
    highest[c.channel] = c.height;
    const row = el('tr', null, { 'data-channel': c.channel });
    row.append(el('th', c.channel, { scope: 'row' }), el('td', c.height, { 'data-height': c.height }),
      el('td', c.raftLeader || msg('op.noLeader')));
    channels.append(row);
  }
  const nodes = $('nodes').tBodies[0];
  nodes.replaceChildren();
  for (const n of st.nodes ?? []) nodes.append(nodeRow(n, highest));
  summarize(st.nodes ?? []);
  ages();
}

/** nodeRow is a node's row of the table. */
function nodeRow(n, highest) {
  const row = el('tr', null, { 'data-node': n.name, 'data-health': n.health, class: 'health-' + n.health });
  const name = el('th', null, { scope: 'row' });
  name.append(el('span', n.name, { class: 'name' }), el('span', msg('op.kind.' + n.kind) + (n.self ? ' ' + msg('op.self') : ''), { class: 'kind' }));
  const health = el('td', null, { class: 'health' });
  health.append(el('span', marks[n.health] + ' ', { 'aria-hidden': 'true', class: 'mark' }), el('strong', msg('op.health.' + n.health)));
  if (n.problem) health.append(el('span', n.problem, { class: 'problem', lang: 'en' }));
  const heights = el('td');
  const list = el('ul', null, { class: 'plain' });
  for (const c of n.channels ?? []) {
    const li = el('li', c.channel + ' ' + c.height, { 'data-channel': c.channel, 'data-height': c.height });
    if (c.raftLeader) li.append(el('strong', ' · ' + msg('op.leads'), { class: 'leader' }));
    if (highest[c.channel] > c.height) li.append(el('span', ' · ' + msg('op.behind', { n: highest[c.channel] - c.height })));
    list.append(li);
  }
  for (const c of n.leftChannels ?? []) list.append(el('li', msg('op.left', { channel: c }), { 'data-channel': c, 'data-left': '' }));
  heights.append(list);
  row.append(name, el('td', n.mspId), health, heights, lagCell(n), el('td', '', { class: 'age', 'data-read-at': n.readAt }));
  return row;
}

/** lagCell is a gateway's cache lag, or a relay's lag per direction. */
function lagCell(n) {
  const td = el('td');
  const list = el('ul', null, { class: 'plain' });
  if (n.cache) {
    list.append(el('li', msg('op.cacheLag', { n: n.cache.lagBlocks }), { 'data-lag': n.cache.lagBlocks }));
    if (n.cache.stale) list.append(el('li', msg('op.stale')));
  }
  for (const d of n.relay ?? []) {
    const li = el('li', msg('op.relayLag', { source: d.source, target: d.target, blocks: d.lagBlocks, seconds: d.lagSeconds.toFixed(1) }),
      { 'data-direction': d.source + '→' + d.target, 'data-lag': d.lagBlocks });
    if (d.lastError) li.append(el('span', ' ' + msg('op.relayError', { error: d.lastError }), { class: 'problem', lang: 'en' }));
    list.append(li);
  }
  td.append(list);
  return td;
}

/** summarize says how many nodes are healthy, announcing it only when it changes. */
function summarize(nodes) {
  const bad = nodes.filter((n) => n.health !== 'ok');
  const text = bad.length === 0 ? msg('op.allOk', { n: nodes.length })
    : msg('op.notOk', { n: nodes.length, bad: bad.length, names: bad.map((n) => n.name + ' ' + msg('op.health.' + n.health)).join(lang === 'zh' ? '，' : ', ') });
  if (text !== announced) {
    $('summary').textContent = text;
    announced = text;
  }
  $('summary').className = bad.length === 0 ? 'summary ok' : 'summary bad';
}

/** ages updates how old each reading is. */
function ages() {
  if (!last) return;
  const when = msg('op.readAt', { time: clock(last.st.at), ago: msg('op.ago', { n: age(last.st.at) }) });
  $('freshness').textContent = paused ? when + ' ' + msg('op.paused') : when;
  for (const td of document.querySelectorAll('#nodes td.age')) {
    const n = age(td.dataset.readAt);
    td.textContent = msg('op.ago', { n });
    td.dataset.age = String(n);
  }
}

function pause() {
  paused = !paused;
  $('pause').setAttribute('aria-pressed', String(paused));
  $('pause').textContent = msg(paused ? 'op.resume' : 'op.pause');
  if (paused) plan();
  else read();
  ages();
}

$('refresh').addEventListener('click', () => {
  $('freshness').textContent = msg('op.refreshing');
  read();
});
$('pause').addEventListener('click', pause);
document.addEventListener('visibilitychange', () => {
  if (document.hidden) plan(); // stops the reads
  else if (signedIn && !paused) read();
});

signIn('/v1/network', (st) => {
  signedIn = true;
  show(st);
  plan();
  clearInterval(ticker);
  ticker = setInterval(ages, 1000);
}, () => {
  signedIn = false;
  last = null;
  announced = '';
  clearTimeout(timer);
  clearInterval(ticker);
  $('summary').textContent = '';
  $('freshness').textContent = '';
  $('error').textContent = '';
  $('channels').tBodies[0].replaceChildren();
  $('nodes').tBodies[0].replaceChildren();
}, ['operator', 'admin']);
