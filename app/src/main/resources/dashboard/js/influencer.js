// The influencer view: search by pk, the latest reading with rank, averages and the suspicious
// flag, and charts of the time series over a selectable range. The query API has no stream,
// so the view polls it while it is shown.

import { getJson } from './api.js';
import { byId, el, setText, showBanner } from './dom.js';
import * as format from './format.js';
import { Chart, COLORS, axis, compactValues, line, reference, timeAxis, timeLegend } from './charts.js';

const RANGES = { '15m': 15 * 60_000, '1h': 60 * 60_000, '6h': 6 * 60 * 60_000, '24h': 24 * 60 * 60_000 };
const RANGE_NAMES = { '15m': '15 min', '1h': '1 h', '6h': '6 h', '24h': '24 h' };
const RANGE_KEY = 'mockstagram.influencer.range';
const REFRESH_MS = 5000;

let range = RANGES[localStorage.getItem(RANGE_KEY)] ? localStorage.getItem(RANGE_KEY) : '1h';
let pk = null;
let generation = 0; // answers for an earlier pk or range are dropped
let timer = null;
let charts = null;
let influencerCount = null;
let firstPk = null;
let intervalMs = null;

export function wireInfluencer() {
  byId('pk-form').addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    const value = byId('pk-input').value.trim();
    if (!value) {
      byId('pk-input').focus();
      return;
    }
    const target = `#influencer/${encodeURIComponent(value)}`;
    if (location.hash === target) {
      load();
    } else {
      location.hash = target;
    }
  });
  byId('ranges').addEventListener('click', (clicked) => {
    const choice = clicked.target.closest('button[data-range]');
    if (choice) {
      range = choice.dataset.range;
      localStorage.setItem(RANGE_KEY, range);
      markRange();
      load();
    }
  });
  markRange();
}

/** The cluster state tells which pks exist, for the hint next to the search box, and how often each is read. */
export function noteCluster(cluster) {
  intervalMs = cluster.intervalMs;
  if (cluster.influencers !== influencerCount || cluster.firstPk !== firstPk) {
    influencerCount = cluster.influencers;
    firstPk = cluster.firstPk;
    setText('pk-hint', `pks ${format.count(firstPk)} to ${format.count(firstPk + influencerCount - 1)}`);
  }
}

export function showInfluencer(pkText) {
  pk = pkText || null;
  byId('pk-input').value = pkText || '';
  if (!pk) {
    stop();
    showOnly('influencer-empty');
    byId('influencer-empty').replaceChildren(
      el('strong', {}, 'Enter an influencer\'s pk'), ' to see its latest reading and its history.');
    byId('pk-input').focus();
    return;
  }
  load();
}

export function hideInfluencer() {
  pk = null;
  stop();
}

function stop() {
  generation++;
  clearTimeout(timer);
}

async function load() {
  stop();
  const mine = generation;
  const shownPk = pk;
  const to = Date.now();
  const from = to - RANGES[range];
  const [latest, stats, timeline, cluster] = await Promise.allSettled([
    getJson(`/api/influencers/${encodeURIComponent(shownPk)}`),
    getJson('/api/stats'),
    getJson(`/api/influencers/${encodeURIComponent(shownPk)}/timeline?from=${from}&to=${to}`),
    // On a fresh page the live stream may not have told yet which pks exist, which the hints need.
    influencerCount === null ? getJson('/api/cluster') : null,
  ]);
  if (mine !== generation) {
    return;
  }
  if (cluster.status === 'fulfilled' && cluster.value) {
    noteCluster(cluster.value);
  }
  render(shownPk, latest, stats, timeline, from, to);
  timer = setTimeout(load, REFRESH_MS);
}

function render(shownPk, latest, stats, timeline, from, to) {
  if (latest.status === 'rejected' && latest.reason.status === 404) {
    showOnly('influencer-empty');
    byId('influencer-empty').replaceChildren(el('strong', {}, `No readings for influencer ${shownPk} yet.`), ' ', notYetHint(shownPk));
    return;
  }
  if (latest.status === 'rejected') {
    showOnly('influencer-error');
    showBanner('influencer-error', `Cannot show influencer ${shownPk}: ${latest.reason.message}`);
    return;
  }
  showOnly('influencer-body');
  showBanner('influencer-error', stats.status === 'rejected' ? `Cannot read the global average: ${stats.reason.message}` : '');
  renderLatest(latest.value, stats.status === 'fulfilled' ? stats.value : null);
  setText('inf-title', `Influencer ${shownPk} over the last ${RANGE_NAMES[range]}`);
  if (timeline.status === 'rejected') {
    showBanner('timeline-error', `Cannot read the history: ${timeline.reason.message}`);
  } else {
    showBanner('timeline-error', '');
    renderCharts(timeline.value, latest.value, stats.status === 'fulfilled' ? stats.value : null, from, to);
  }
}

/** Either the pk is outside the tracked range, or its first reading is still on its way. */
function notYetHint(text) {
  const value = Number(text);
  if (influencerCount !== null && Number.isInteger(value)
      && (value < firstPk || value >= firstPk + influencerCount)) {
    return `This cluster tracks pks ${format.count(firstPk)} to ${format.count(firstPk + influencerCount - 1)}.`;
  }
  return 'Its first reading arrives within one polling interval of the pipeline starting.';
}

function renderLatest(latest, stats) {
  setText('inf-followers', format.count(latest.followerCount));
  const fetched = byId('inf-fetched');
  fetched.textContent = `fetched ${format.ago(latest.fetchedAt)}`;
  fetched.dataset.ago = latest.fetchedAt;
  fetched.dataset.agoPrefix = 'fetched ';
  fetched.title = format.dateTime(latest.fetchedAt);
  setText('inf-following', format.count(latest.followingCount));
  setText('inf-ratio', format.ratio(latest.followerRatio));
  setText('inf-rank', `#${format.count(latest.rank)}`);
  setText('inf-rank-note', stats ? `of ${format.count(stats.influencersTracked)} by followers` : 'by followers');
  setText('inf-average', format.count(latest.averageFollowerCount));
  setText('inf-global', stats ? format.count(stats.averageFollowerCount) : '–');
  renderSuspicious(latest.suspicious);
}

function renderSuspicious(suspicious) {
  const value = byId('inf-suspicious');
  const labels = { true: ['yes', 'flagged by the API\'s check'], false: ['no', 'passed the API\'s check'] };
  const [text, note] = labels[suspicious] || ['not yet', 'not classified yet'];
  value.textContent = text;
  value.className = `card-value flag ${suspicious === true ? 'flag-bad' : suspicious === false ? 'flag-ok' : 'flag-unknown'}`;
  value.dataset.suspicious = String(suspicious);
  setText('inf-suspicious-note', note);
}

// ---- charts -------------------------------------------------------------------------------

function createCharts() {
  return {
    followers: new Chart(byId('follower-chart'), chartOptions({ label: 'followers', values: compactValues }, [
      line('followers', COLORS.blue, format.count),
      reference('its average', COLORS.amber, format.count),
      reference('global average', COLORS.grey, format.count),
    ])),
    following: new Chart(byId('following-chart'), chartOptions({ label: 'accounts followed', values: compactValues }, [
      line('following', COLORS.teal, format.count),
    ])),
    ratio: new Chart(byId('ratio-chart'), chartOptions({ label: 'followers per followed' }, [
      line('follower ratio', COLORS.violet, format.ratio),
    ])),
  };
}

function chartOptions(yAxis, series) {
  return {
    scales: { x: { time: true } },
    axes: [timeAxis(), axis({ size: 60, labelSize: 20, ...yAxis })],
    series: [timeLegend(), ...series],
    cursor: { drag: { x: false, y: false } },
  };
}

function renderCharts(timeline, latest, stats, from, to) {
  charts = charts || createCharts();
  const rows = chartRows(timeline.readings, from, to);
  const xs = rows.map((row) => row.at / 1000);
  const series = (field) => rows.map((row) => (row.reading ? row.reading[field] : null));
  const constant = (value) => rows.map(() => value ?? null);
  const empty = `No readings in the last ${RANGE_NAMES[range]}`;
  const points = timeline.readings.length;

  charts.followers.setData([xs, series('followerCount'),
    constant(latest.averageFollowerCount), constant(stats?.averageFollowerCount)], points, empty);
  charts.following.setData([xs, series('followingCount')], points, empty);
  charts.ratio.setData([xs, series('followerRatio')], points, empty);

  const note = `${format.count(points)} readings · refreshed every ${format.duration(REFRESH_MS)}`;
  setText('timeline-note', timeline.truncated
    ? `${note} · only the first ${format.count(points)} readings of this range are shown; pick a shorter range for the latest`
    : note);
}

/**
 * The readings in order of fetch time, framed by the range's two ends so that the time axis
 * always spans the range chosen and the average lines cross the whole chart. Where readings
 * are missing for several intervals (the pipeline was down), an empty row breaks the line
 * rather than letting it bridge the gap as if values were known.
 */
function chartRows(readings, from, to) {
  const sorted = readings
    .map((reading) => ({ at: format.toMillis(reading.fetchedAt), reading }))
    .sort((a, b) => a.at - b.at);
  const rows = [{ at: from, reading: null }];
  sorted.forEach((row, index) => {
    const previous = sorted[index - 1];
    if (previous && intervalMs && row.at - previous.at > 3 * intervalMs) {
      rows.push({ at: (previous.at + row.at) / 2, reading: null });
    }
    rows.push(row);
  });
  rows.push({ at: to, reading: null });
  return rows;
}

// ---- helpers ------------------------------------------------------------------------------

function markRange() {
  for (const button of byId('ranges').querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === range));
  }
}

function showOnly(id) {
  for (const part of ['influencer-empty', 'influencer-error', 'influencer-body']) {
    byId(part).hidden = part !== id;
  }
}
