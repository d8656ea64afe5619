// Number, duration and time formatting shared by the views. One fixed locale, so that what a
// person reads and what a browser test parses do not depend on the machine's settings.

const LOCALE = 'en-US';
const integers = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const upToOneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const hoursAndMinutes = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const monthAndDay = new Intl.DateTimeFormat(LOCALE, { month: 'short', day: 'numeric' });
const dateAndClock = new Intl.DateTimeFormat(LOCALE, {
  year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

const DASH = '–';

function missing(value) {
  return value === null || value === undefined || Number.isNaN(value);
}

/** 1234567 → "1,234,567". */
export function count(value) {
  return missing(value) ? DASH : integers.format(value);
}

/** 29.313 → "29.31". */
export function ratio(value) {
  return missing(value) ? DASH : twoDecimals.format(value);
}

/** 0.8335 → "83.4 %"; whole percentages lose the decimal so that 100 % reads as such. */
export function percent(fraction) {
  if (missing(fraction)) {
    return DASH;
  }
  const value = fraction * 100;
  return (Number.isInteger(value) ? integers.format(value) : oneDecimal.format(value)) + ' %';
}

/** Milliseconds as a person would say them: "340 ms", "1.2 s", "5 s", "2 min 5 s", "1 h 3 min". */
export function duration(ms) {
  if (missing(ms)) {
    return DASH;
  }
  if (ms < 1000) {
    return `${integers.format(ms)} ms`;
  }
  if (ms < 59_950) { // from 59.95 s on, one decimal would read "60 s"
    return `${upToOneDecimal.format(ms / 1000)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return joinUnits(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  }
  const minutes = Math.round(seconds / 60);
  return joinUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
}

function joinUnits(major, majorUnit, minor, minorUnit) {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

/** "just now", "3 s ago", "2 min ago", "1 h ago"; a time slightly ahead (clock skew) counts as now. */
export function ago(time, now = Date.now()) {
  if (missing(time)) {
    return DASH;
  }
  const seconds = Math.floor((now - toMillis(time)) / 1000);
  if (seconds < 1) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** Local wall-clock time, "14:03:27". */
export function timeOfDay(time) {
  return missing(time) ? DASH : clock.format(new Date(toMillis(time)));
}

/** Local "14:03", for time axes whose ticks are a minute or more apart. */
export function hourMinute(time) {
  return missing(time) ? DASH : hoursAndMinutes.format(new Date(toMillis(time)));
}

/** Local "Nov 28". */
export function monthDay(time) {
  return missing(time) ? DASH : monthAndDay.format(new Date(toMillis(time)));
}

/** Local date and time, for tooltips. */
export function dateTime(time) {
  return missing(time) ? DASH : dateAndClock.format(new Date(toMillis(time)));
}

/** ISO strings (the API's instants, which may carry nanoseconds) or epoch milliseconds. */
export function toMillis(time) {
  return typeof time === 'number' ? time : Date.parse(time);
}
