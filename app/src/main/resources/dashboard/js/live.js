// The one server-sent-events connection of the page. EventSource retries by itself after a
// dropped connection; when the server answers with an error instead of a stream, the browser
// gives up for good, so that case reconnects here. The header's indicator tells a person
// whether what they see is live.

import { byId } from './dom.js';
import * as format from './format.js';

const STREAM = '/api/cluster/stream';
// The server pushes the pipeline every 2 s, so a longer silence means its reads are failing.
const STALE_AFTER_MS = 6000;
const REOPEN_AFTER_MS = 3000;

/** handlers: { cluster(state), pipeline(state), event(clusterEvent) } */
export function connectLive(handlers) {
  let source;
  let lastMessageAt = 0;
  let downSince = 0;

  const open = () => {
    source = new EventSource(STREAM);
    source.addEventListener('open', () => {
      lastMessageAt = Date.now();
      downSince = 0;
      showState('live', 'live');
    });
    source.addEventListener('error', () => {
      downSince = downSince || Date.now();
      showState('disconnected', 'disconnected, retrying');
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(open, REOPEN_AFTER_MS);
      }
    });
    for (const [type, handle] of Object.entries(handlers)) {
      source.addEventListener(type, (message) => {
        lastMessageAt = Date.now();
        showState('live', 'live');
        deliver(type, message.data, handle);
      });
    }
  };

  setInterval(() => {
    const silence = Date.now() - lastMessageAt;
    if (source.readyState === EventSource.OPEN && silence > STALE_AFTER_MS) {
      showState('stale', `no updates for ${format.duration(silence)}`);
    } else if (downSince) {
      showState('disconnected', `disconnected for ${format.duration(Date.now() - downSince)}, retrying`);
    }
  }, 1000);
  open();
}

function deliver(type, data, handle) {
  let payload;
  try {
    payload = JSON.parse(data);
  } catch (error) {
    console.error(`unreadable ${type} message`, error);
    return;
  }
  handle(payload);
}

function showState(state, text) {
  const indicator = byId('connection');
  indicator.className = `connection ${state}`;
  indicator.dataset.state = state;
  indicator.querySelector('.connection-text').textContent = text;
  document.body.dataset.connection = state;
}
