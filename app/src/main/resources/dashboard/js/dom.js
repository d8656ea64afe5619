// Tiny DOM helpers: the pages are built from plain elements, without a framework.

export function byId(id) {
  return document.getElementById(id);
}

/** el('td', { class: 'num', title: 'x' }, 'text', childElement); null children are left out. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  element.append(...children.filter((child) => child !== null));
  return element;
}

export function setText(id, text) {
  byId(id).textContent = text;
}

/** Shows the message in a banner element, or hides the banner when the message is empty. */
export function showBanner(id, message) {
  const banner = byId(id);
  banner.textContent = message || '';
  banner.hidden = !message;
}
