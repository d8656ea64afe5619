// The pipeline view: readings per second, lag, dead letters and coverage per interval. The
// live stream pushes the pipeline's state every two seconds; the view fetches once when shown
// so that a failing read is reported rather than silent.

import { getJson } from './api.js';
import { byId, el, setText, showBanner } from './dom.js';
import * as format from './format.js';
import { Chart, COLORS, axis, bars, compactValues, line, timeAxis, timeLegend } from './charts.js';

const TABLE_ROWS = 10;
const DEAD_LETTER_PAGE = 20;

let state = null;
let visible = false;
let charts = null;
// The dead letters listed, and the total they were read at: a new total reloads the list.
let deadLetters = { shownAt: null, rows: [], next: null };

export async function showPipeline() {
  visible = true;
  if (state) {
    render();
  }
  try {
    updatePipeline(await getJson('/api/pipeline'));
  } catch (error) {
    showBanner('pipeline-error', `Cannot read the pipeline's figures: ${error.message}`);
  }
}

byId('dead-letters-more').addEventListener('click', () => loadDeadLetters(deadLetters.next));

export function hidePipeline() {
  visible = false;
}

export function updatePipeline(next) {
  state = next;
  showBanner('pipeline-error', '');
  if (visible) {
    render();
  }
}

function render() {
  if (deadLetters.shownAt !== state.deadLetters) {
    deadLetters.shownAt = state.deadLetters;
    loadDeadLetters(null);
  }
  const intervals = state.intervals;
  const last = [...intervals].reverse().find((interval) => interval.complete) || null;
  renderCards(last);
  byId('pipeline-empty').hidden = intervals.length > 0;
  byId('pipeline-body').hidden = intervals.length === 0;
  if (intervals.length > 0) {
    renderCharts(intervals);
    renderTable(intervals);
  }
}

function renderCards(last) {
  setText('pl-rate', `${format.count(state.readingsPerSecond)} /s`);
  setText('pl-coverage', last ? format.percent(last.coverage) : '–');
  setText('pl-coverage-note', last
    ? `${format.count(last.readings)} of ${format.count(state.influencers)}, interval at ${format.timeOfDay(last.start)}`
    : 'no complete interval yet');
  setText('pl-lag-avg', last ? format.duration(last.lagAverageMs) : '–');
  setText('pl-lag-max', last ? format.duration(last.lagMaxMs) : '–');
  setText('pl-dead', format.count(state.deadLetters));
  byId('pl-dead').classList.toggle('bad', state.deadLetters > 0);
  const dropped = state.dropped.tasks + state.dropped.readings;
  setText('pl-dropped', format.count(dropped));
  setText('pl-dropped-note', `${format.count(state.dropped.tasks)} task and ${format.count(state.dropped.readings)} reading batches refused by a full queue`);
  byId('pl-dropped').classList.toggle('bad', dropped > 0);
  setText('pl-interval-note', `one bar per ${format.duration(state.intervalMs)} interval`);
}

// ---- charts -------------------------------------------------------------------------------

/** Bars are centred on their interval's start, so the x range gets half an interval on each side. */
function paddedTimeScale() {
  return {
    time: true,
    range: (u, min, max) => [min - state.intervalMs / 2000, max + state.intervalMs / 2000],
  };
}

function createCharts() {
  const percent = (value) => (value === null ? '–' : format.percent(value / 100));
  return {
    coverage: new Chart(byId('coverage-chart'), {
      scales: { x: paddedTimeScale(), y: { range: (u, min, max) => [0, Math.max(100, max)] } },
      axes: [timeAxis(), axis({ label: 'coverage (%)', values: (u, splits) => splits.map((v) => `${v} %`), size: 56 })],
      series: [
        timeLegend('interval'),
        bars('complete', COLORS.blue, percent),
        bars('in progress', COLORS.lightBlue, percent),
      ],
      cursor: { drag: { x: false, y: false } },
    }),
    throughput: new Chart(byId('throughput-chart'), {
      scales: { x: paddedTimeScale(), readings: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] }, lag: {} },
      axes: [
        timeAxis(),
        axis({ scale: 'readings', label: 'readings per interval', values: compactValues, size: 56 }),
        axis({ scale: 'lag', side: 1, label: 'lag (s)', grid: { show: false }, size: 50 }),
      ],
      series: [
        timeLegend('interval'),
        bars('readings', COLORS.blue, format.count, { scale: 'readings' }),
        bars('readings so far', COLORS.lightBlue, format.count, { scale: 'readings' }),
        line('lag, average', COLORS.amber, seconds, { scale: 'lag' }),
        line('lag, maximum', COLORS.red, seconds, { scale: 'lag' }),
      ],
      cursor: { drag: { x: false, y: false } },
    }),
  };
}

function seconds(value) {
  return value === null ? '–' : format.duration(value * 1000);
}

function renderCharts(intervals) {
  charts = charts || createCharts();
  const xs = intervals.map((interval) => format.toMillis(interval.start) / 1000);
  const when = (complete, value) => intervals.map((interval) => (interval.complete === complete ? value(interval) : null));
  const points = intervals.length;
  charts.coverage.setData([xs,
    when(true, (i) => i.coverage * 100),
    when(false, (i) => i.coverage * 100)], points, '');
  charts.throughput.setData([xs,
    when(true, (i) => i.readings),
    when(false, (i) => i.readings),
    intervals.map((i) => i.lagAverageMs / 1000),
    intervals.map((i) => i.lagMaxMs / 1000)], points, '');
}

function renderTable(intervals) {
  const rows = intervals.slice(-TABLE_ROWS).reverse().map((interval) => el('tr', {},
    el('td', { title: format.dateTime(interval.start) }, format.timeOfDay(interval.start)),
    el('td', { class: 'num' }, format.count(interval.readings)),
    el('td', { class: 'num' }, format.percent(interval.coverage)),
    el('td', { class: 'num' }, format.duration(interval.lagAverageMs)),
    el('td', { class: 'num' }, format.duration(interval.lagMaxMs)),
    el('td', {}, el('span', { class: `pill ${interval.complete ? 'done' : 'running'}` },
      interval.complete ? 'complete' : 'in progress'))));
  byId('intervals').replaceChildren(...rows);
}

// ---- dead letters -------------------------------------------------------------------------

/** The newest page (cursor null), or the page after the rows shown. */
async function loadDeadLetters(cursor) {
  let page;
  try {
    const query = new URLSearchParams({ limit: DEAD_LETTER_PAGE });
    if (cursor) {
      query.set('after', cursor);
    }
    page = await getJson(`/api/deadletters?${query}`);
  } catch (error) {
    showBanner('dead-letters-error', `Cannot read the dead letters: ${error.message}`);
    return;
  }
  showBanner('dead-letters-error', '');
  deadLetters.rows = cursor ? deadLetters.rows.concat(page.deadLetters) : page.deadLetters;
  deadLetters.next = page.next;
  renderDeadLetters();
}

function renderDeadLetters() {
  const rows = deadLetters.rows.map((dead) => el('tr', { 'data-testid': 'dead-letter-row', 'data-pk': dead.pk },
    el('td', { title: format.dateTime(dead.recordedAt) }, format.timeOfDay(dead.recordedAt)),
    el('td', { class: 'num' }, String(dead.pk)),
    el('td', { title: format.dateTime(dead.scheduledAt) }, format.timeOfDay(dead.scheduledAt)),
    el('td', {}, dead.stage.toLowerCase()),
    el('td', { class: 'num' }, format.count(dead.attempts)),
    el('td', { class: 'reason', 'data-testid': 'dead-letter-reason' }, dead.reason)));
  byId('dead-letters').replaceChildren(...rows);
  byId('dead-letters-table').hidden = rows.length === 0;
  byId('dead-letters-empty').hidden = rows.length > 0;
  byId('dead-letters-more').hidden = !deadLetters.next;
}
