// The cluster view: the producers with their numbers, lease ages and shares, the total and
// epoch, and the timeline of membership events. Everything arrives over the live stream;
// the view fetches once when shown so that a failing read is reported rather than silent.

import { getJson, postControl } from './api.js';
import { byId, el, setText, showBanner } from './dom.js';
import * as format from './format.js';

const MAX_EVENTS = 200;

let state = null;
const events = new Map(); // key → event; the stream replays recent events on every reconnection
const pending = new Map(); // producer name → what was asked of it, until it leaves the table
let timelineQueued = false;

/** Fetches once and hands the state to `deliver`, which also updates what lies outside this view. */
export async function showCluster(deliver) {
  try {
    const [cluster, recent] = await Promise.all([getJson('/api/cluster'), getJson('/api/cluster/events')]);
    deliver(cluster);
    recent.events.forEach(addEvent);
    queueTimeline(); // even with no events at all, so that the empty state shows
    showBanner('cluster-error', '');
  } catch (error) {
    showBanner('cluster-error', `Cannot read the cluster: ${error.message}`);
  }
}

export function updateCluster(next) {
  state = next;
  showBanner('cluster-error', '');
  setText('total', format.count(next.total));
  setText('epoch', format.count(next.epoch));
  setText('nurse', next.nurse || 'none');
  byId('nurse').title = next.nurse ? `acting nurse: ${next.nurse}` : 'no nurse holds the lease';
  setText('lease', format.duration(next.leaseMs));
  setText('influencers', format.count(next.influencers));
  setText('interval', `each polled every ${format.duration(next.intervalMs)}`);
  renderControls(next.control);
  renderProducers(next);
}

// ---- producers ----------------------------------------------------------------------------

/** Rows are updated in place, not rebuilt, so that a click on a button is never lost mid-press. */
function renderProducers(cluster) {
  const body = byId('producers');
  const rows = new Map([...body.rows].map((row) => [row.dataset.name, row]));
  cluster.producers.forEach((producer, index) => {
    const row = rows.get(producer.name) || producerRow(producer.name);
    rows.delete(producer.name);
    fillProducerRow(row, producer, cluster);
    if (body.rows[index] !== row) {
      body.insertBefore(row, body.rows[index] || null);
    }
  });
  for (const [name, gone] of rows) {
    gone.remove();
    pending.delete(name);
  }
  byId('producers-table').hidden = cluster.producers.length === 0;
  byId('producers-empty').hidden = cluster.producers.length > 0;
}

function producerRow(name) {
  const row = el('tr', { 'data-testid': 'producer-row', 'data-name': name },
    el('td', { class: 'num number' }),
    el('td', { class: 'name' }, name),
    el('td', { class: 'lease' },
      el('span', { class: 'lease-bar' }, el('span', { class: 'lease-fill' })),
      el('span', { class: 'lease-text' })),
    el('td', { class: 'num share' }));
  if (state.control) {
    row.append(el('td', { class: 'row-actions' },
      actionButton(name, 'stop', ['Stop', 'Stopping…'], 'SIGTERM: it announces its stop and leaves at once'),
      actionButton(name, 'kill', ['Kill', 'Killing…'], 'kill -9: the nurse evicts it when its lease runs out')));
  }
  return row;
}

function fillProducerRow(row, producer, cluster) {
  row.dataset.number = String(producer.number);
  row.querySelector('.number').textContent = producer.number;
  const used = producer.leaseAgeMs / cluster.leaseMs;
  const fill = row.querySelector('.lease-fill');
  fill.style.width = `${Math.min(100, used * 100)}%`;
  // A producer stops acting half a lease after its last renewal, and is evicted at a full one.
  fill.className = `lease-fill ${used < 0.5 ? 'ok' : used < 1 ? 'warn' : 'bad'}`;
  row.querySelector('.lease-text').textContent = format.duration(producer.leaseAgeMs);
  row.querySelector('.lease').title =
    `renewed ${format.duration(producer.leaseAgeMs)} ago; lease runs out in ${format.duration(producer.leaseRemainingMs)}`;
  row.querySelector('.share').textContent = `${format.count(producer.sharePks)} pks · ${format.percent(producer.shareFraction)}`;
  markPending(row, pending.get(producer.name));
}

function markPending(row, action) {
  row.classList.toggle('pending', Boolean(action));
  row.querySelectorAll('button').forEach((button) => {
    button.disabled = Boolean(action);
    button.textContent = action === button.dataset.action ? button.dataset.busy : button.dataset.label;
  });
}

// ---- controls (only when this dashboard runs a local cluster) -----------------------------

function renderControls(control) {
  const bar = byId('control-bar');
  if (!control || bar.childElementCount > 0) {
    return;
  }
  const add = el('button', { type: 'button', class: 'button primary', 'data-testid': 'add-producer' }, 'Add producer');
  add.addEventListener('click', () => addProducer(add));
  bar.append(add);
  byId('producers-table').tHead.rows[0].append(el('th', { class: 'row-actions' }, 'Actions'));
}

function actionButton(name, action, [label, busy], title) {
  const button = el('button', {
    type: 'button', class: action === 'kill' ? 'button small danger' : 'button small',
    'data-testid': `${action}-button`, 'data-action': action, 'data-label': label, 'data-busy': busy, title,
  }, label);
  button.addEventListener('click', () => act(name, action));
  return button;
}

async function addProducer(button) {
  button.disabled = true;
  try {
    const answer = await postControl('/api/control/producers');
    controlStatus(`Started ${answer.name}; it appears once it has joined.`);
  } catch (error) {
    controlStatus(`Could not add a producer: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function act(name, action) {
  pending.set(name, action);
  refreshPending(name);
  try {
    await postControl(`/api/control/producers/${encodeURIComponent(name)}/${action}`);
    controlStatus(action === 'stop'
      ? `Sent SIGTERM to ${name}: it leaves at once.`
      : `Killed ${name} with kill -9: the nurse evicts it when its lease runs out (${format.duration(state.leaseMs)}).`);
  } catch (error) {
    pending.delete(name);
    refreshPending(name);
    controlStatus(`Could not ${action} ${name}: ${error.message}`, true);
  }
}

function refreshPending(name) {
  const row = [...byId('producers').rows].find((candidate) => candidate.dataset.name === name);
  if (row) {
    markPending(row, pending.get(name));
  }
}

function controlStatus(message, isError = false) {
  const status = byId('control-status');
  status.textContent = message;
  status.classList.toggle('error', isError);
  status.hidden = false;
}

// ---- event timeline -----------------------------------------------------------------------

export function addEvent(event) {
  const key = [event.type, event.epoch, event.serverName, event.at].join('|');
  if (events.has(key)) {
    return;
  }
  events.set(key, event);
  if (events.size > MAX_EVENTS) {
    const oldest = [...events.entries()].sort((a, b) => compareEvents(b[1], a[1]))[0][0];
    events.delete(oldest);
  }
  queueTimeline();
}

/** A reconnection replays up to 200 events at once: draw them once, not 200 times. */
function queueTimeline() {
  if (!timelineQueued) {
    timelineQueued = true;
    requestAnimationFrame(renderTimeline);
  }
}

/**
 * GET /api/cluster/events leaves out the type that the stream's copies carry, so an event
 * fetched that way is recognised by its fields: only nurse updates have a change, and only
 * starts a number.
 */

/** Newest first: by time, and by epoch where two events share a millisecond. */
function compareEvents(a, b) {
  return format.toMillis(b.at) - format.toMillis(a.at) || b.epoch - a.epoch;
}

function renderTimeline() {
  timelineQueued = false;
  const list = byId('event-timeline');
  const sorted = [...events.values()].sort(compareEvents);
  list.replaceChildren(...sorted.map(eventItem));
  byId('events-empty').hidden = sorted.length > 0;
}

function eventItem(event) {
  const { kind, title, details, moved } = describe(event);
  return el('li', { class: `event ${kind}`, 'data-testid': 'event', 'data-type': event.type, 'data-kind': kind },
    el('span', { class: 'event-badge' }, kind),
    el('div', { class: 'event-body' },
      el('div', { class: 'event-title' }, title),
      moved ? el('div', { class: 'event-detail renumbered' }, `↳ ${moved}`) : null,
      details.length ? el('div', { class: 'event-detail' }, details.join(' · ')) : null),
    el('div', { class: 'event-meta' },
      el('span', { class: 'event-epoch' }, `epoch ${format.count(event.epoch)}`),
      el('time', { datetime: event.at, title: format.dateTime(event.at), 'data-ago': event.at }, format.ago(event.at))));
}

function describe(event) {
  switch (event.type) {
    case 'producer.started':
      return {
        kind: 'started',
        title: `${event.serverName} started`,
        details: [`number ${event.serverNumber} of ${event.total}`],
      };
    case 'producer.stopped':
      return { kind: 'stopped', title: `${event.serverName} stopping`, details: ['announced its own stop'] };
    case 'nurse.updated':
      return describeNurseUpdate(event);
    default:
      return { kind: 'other', title: event.type, details: [] };
  }
}

function describeNurseUpdate(event) {
  const moved = event.moved
    ? `${event.moved.serverName} renumbered ${event.moved.from} → ${event.moved.to}`
    : null;
  const by = event.nurse ? `by nurse ${event.nurse}` : null;
  switch (event.change) {
    case 'JOINED':
      return {
        kind: 'joined',
        title: `${event.serverName} joined as number ${event.serverNumber}`,
        details: [`total ${event.total}`, by].filter(Boolean),
      };
    case 'LEFT':
      return {
        kind: 'left',
        title: `${event.serverName} left number ${event.serverNumber}`,
        moved,
        details: [`total ${event.total}`, by].filter(Boolean),
      };
    case 'EVICTED':
      return {
        kind: 'evicted',
        title: `${event.serverName} evicted from number ${event.serverNumber}`,
        moved,
        details: ['its lease ran out', `total ${event.total}`, by].filter(Boolean),
      };
    default:
      return { kind: 'other', title: `${event.serverName}: ${event.change}`, details: [`total ${event.total}`] };
  }
}
