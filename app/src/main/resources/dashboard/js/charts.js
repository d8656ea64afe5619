// uPlot charts (from the uplot WebJar, loaded as the global `uPlot`) sized to their container,
// with an overlay for "nothing to draw" and a data-points attribute that browser tests read.

import * as format from './format.js';

const HEIGHT = 220;
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export const COLORS = {
  blue: '#2563eb',
  teal: '#0d9488',
  violet: '#7c3aed',
  amber: '#d97706',
  red: '#dc2626',
  grey: '#94a3b8',
  lightBlue: '#93c5fd',
};

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Axis values such as 35K or 1.2M: full counts with separators crowd a narrow axis. */
export function compactValues(u, splits) {
  return splits.map((value) => (value === null ? '' : compact.format(value)));
}

export function axis(extra) {
  return {
    stroke: '#475569',
    font: FONT,
    labelFont: LABEL_FONT,
    grid: { stroke: '#e8edf3', width: 1 },
    ticks: { stroke: '#cbd5e1', width: 1, size: 4 },
    ...extra,
  };
}

/** The time axis at the bottom, in the browser's local time. */
export function timeAxis() {
  // "00:51:30" is wider than uPlot's own ":30", so ticks need more room than its default.
  return axis({ label: 'local time', labelSize: 24, values: timeValues, space: 64 });
}

/**
 * 24-hour tick labels like the rest of the page (uPlot's own are 12-hour), with seconds only
 * when ticks are less than a minute apart, and the date under the first tick and at midnight.
 */
function timeValues(u, splits, axisIndex, space, increment) {
  const clock = increment < 60 ? format.timeOfDay : format.hourMinute;
  return splits.map((seconds, index) => {
    const millis = seconds * 1000;
    const newDay = index === 0 || format.monthDay(millis) !== format.monthDay(splits[index - 1] * 1000);
    return newDay ? `${clock(millis)}\n${format.monthDay(millis)}` : clock(millis);
  });
}

export function line(label, color, valueFormat, extra = {}) {
  return {
    label,
    stroke: color,
    width: 2,
    points: { size: 5, fill: color },
    value: (u, value) => valueFormat(value),
    ...extra,
  };
}

/** A horizontal reference line, such as an average: dashed, thinner and without points. */
export function reference(label, color, valueFormat) {
  return line(label, color, valueFormat, { width: 1.5, dash: [6, 4], points: { show: false } });
}

export function bars(label, color, valueFormat, extra = {}) {
  return {
    label,
    stroke: color,
    fill: color,
    width: 0,
    paths: uPlot.paths.bars({ size: [0.7, 48], gap: 2 }),
    points: { show: false },
    value: (u, value) => valueFormat(value),
    ...extra,
  };
}

/** The legend's time for the cursor position: local date and time. */
export function timeLegend(label = 'time') {
  return { label, value: (u, seconds) => (seconds === null ? '–' : format.dateTime(seconds * 1000)) };
}

/**
 * One chart in one container. uPlot needs a width in pixels, so the chart is built once its
 * container is laid out (data that arrives while the view is hidden waits for that) and follows
 * the container's width from then on.
 */
export class Chart {
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.plot = null;
    this.data = null;
    this.empty = container.appendChild(document.createElement('div'));
    this.empty.className = 'chart-empty';
    this.empty.hidden = true;
    new ResizeObserver(() => this.fit()).observe(container);
  }

  /** data: uPlot's aligned arrays; points: how many data points are drawn; emptyText shown when none. */
  setData(data, points, emptyText) {
    this.container.dataset.points = String(points);
    this.empty.textContent = emptyText;
    this.empty.hidden = points > 0;
    this.data = data;
    if (this.plot) {
      this.plot.setData(data);
    } else {
      this.fit();
    }
  }

  fit() {
    const width = this.container.clientWidth;
    if (width === 0 || !this.data) {
      return;
    }
    if (!this.plot) {
      this.plot = new uPlot({ ...this.options, width, height: HEIGHT }, this.data, this.container);
    } else if (width !== this.plot.width) {
      this.plot.setSize({ width, height: HEIGHT });
    }
  }
}
