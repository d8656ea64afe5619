// Wires the page: the live stream feeds every view, and the URL hash picks the one shown
// (#cluster, #influencer/1000042, #pipeline), so views can be bookmarked and reloaded.

import { connectLive } from './live.js';
import { addEvent, showCluster, updateCluster } from './cluster.js';
import { hideInfluencer, noteCluster, showInfluencer, wireInfluencer } from './influencer.js';
import { hidePipeline, showPipeline, updatePipeline } from './pipeline.js';
import { byId } from './dom.js';
import * as format from './format.js';

const VIEWS = ['cluster', 'influencer', 'pipeline'];

function route() {
  const [name, argument] = location.hash.replace(/^#/, '').split('/');
  const view = VIEWS.includes(name) ? name : 'cluster';
  for (const candidate of VIEWS) {
    byId(`view-${candidate}`).hidden = candidate !== view;
  }
  for (const tab of document.querySelectorAll('.tabs a')) {
    tab.classList.toggle('active', tab.dataset.view === view);
    tab.setAttribute('aria-current', tab.dataset.view === view ? 'page' : 'false');
  }
  if (view !== 'influencer') {
    hideInfluencer();
  }
  if (view !== 'pipeline') {
    hidePipeline();
  }
  const shown = {
    cluster: () => showCluster(onCluster),
    influencer: () => showInfluencer(decoded(argument || '')),
    pipeline: showPipeline,
  };
  shown[view]();
  document.title = `Mockstagram · ${view}`;
}

/** A hand-typed hash may hold a stray "%"; show it as typed rather than fail. */
function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function onCluster(state) {
  byId('namespace').textContent = state.namespace;
  noteCluster(state);
  updateCluster(state);
}

/** Relative times ("3 s ago") stay true without redrawing what carries them. */
function refreshRelativeTimes() {
  for (const element of document.querySelectorAll('[data-ago]')) {
    element.textContent = (element.dataset.agoPrefix || '') + format.ago(element.dataset.ago);
  }
}

wireInfluencer();
window.addEventListener('hashchange', route);
route();
connectLive({ cluster: onCluster, pipeline: updatePipeline, event: addEvent });
setInterval(refreshRelativeTimes, 1000);
