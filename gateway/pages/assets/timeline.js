// timeline.js: the timeline of a trace (GET /v1/audit/timeline) as a
// chart drawn with uPlot (vendored), accesses a solid line and denials a
// dashed one, and as text: a caption that sums it up, which is also the
// chart's accessible name, and a table of every interval.
import uPlot from './vendor/uPlot.esm.js';
import { el, lang, msg, reason } from './app.js';

const $ = (id) => document.getElementById(id);
let plot = null;

/** when is a time in the page's language. */
export function when(t) {
  return new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
}

/** stepText is a bucket's length in words. */
function stepText(seconds) {
  if (seconds % 86400 === 0) return msg('audit.days', { n: seconds / 86400 });
  if (seconds % 3600 === 0) return msg('audit.hours', { n: seconds / 3600 });
  return msg('audit.minutes', { n: seconds / 60 });
}

/** clear removes the chart. */
export function clear() {
  plot?.destroy();
  plot = null;
  $('chart').replaceChildren();
}

/** failed shows why there is no timeline. */
export function failed(e) {
  clear();
  $('timeline').hidden = false;
  $('timeline-caption').textContent = msg('audit.noTimeline') + ' ' + reason(e);
  $('chart').setAttribute('aria-label', $('timeline-caption').textContent);
  $('timeline-table').tBodies[0].replaceChildren();
}

/** show draws timeline t (api.Timeline) and writes its text. */
export function show(t) {
  clear();
  const buckets = t.buckets ?? [];
  const summary = msg('audit.timeline', {
    from: when(t.from), to: when(t.to), step: stepText(t.stepSeconds), accesses: t.accesses, denials: t.denials,
    maxAccesses: Math.max(0, ...buckets.map((b) => b.accesses)), maxDenials: Math.max(0, ...buckets.map((b) => b.denials)),
  });
  const section = $('timeline');
  section.hidden = false;
  section.dataset.accesses = String(t.accesses);
  section.dataset.denials = String(t.denials);
  $('timeline-caption').textContent = summary;
  $('chart').setAttribute('aria-label', msg('audit.chart', { summary }));

  const body = $('timeline-table').tBodies[0];
  body.replaceChildren();
  for (const b of buckets) {
    const tr = el('tr');
    const th = el('th', null, { scope: 'row' });
    th.append(el('time', when(b.start), { datetime: b.start }));
    tr.append(th, el('td', b.accesses), el('td', b.denials));
    body.append(tr);
  }
  if (buckets.length === 0) return;

  // Each interval's count holds from its start to the next's; the last
  // point, at the window's end, closes the last interval.
  const xs = [...buckets.map((b) => Date.parse(b.start) / 1000), Date.parse(t.to) / 1000];
  const last = buckets[buckets.length - 1];
  const acc = [...buckets.map((b) => b.accesses), last.accesses];
  const den = [...buckets.map((b) => b.denials), last.denials];
  const stepped = uPlot.paths.stepped({ align: 1 });
  const axis = { stroke: '#1a1a1a', grid: { stroke: '#d9d9d9', width: 1 }, ticks: { stroke: '#8a8a8a', width: 1 } };
  plot = new uPlot({
    width: Math.max(320, $('chart').clientWidth || 640),
    height: 260,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [axis, { ...axis, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] }],
    series: [
      {},
      { label: msg('audit.kind.access'), stroke: '#0b57d0', width: 2, paths: stepped, points: { show: false } },
      { label: msg('audit.kind.denial'), stroke: '#b3261e', width: 2, dash: [8, 5], paths: stepped, points: { show: false } },
    ],
  }, [xs, acc, den], $('chart'));
}
