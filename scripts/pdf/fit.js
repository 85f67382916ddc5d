// Shrinks what is wider than the printed column (a long formula, a wide table) to fit,
// instead of letting the page's edge cut it. Runs with the print stylesheet applied and the
// viewport as wide as the A4 column, so that the widths measured are the printed ones.
() => {
  let shrunk = 0;
  for (const node of document.querySelectorAll(
    ".pdf-book mjx-container, .pdf-book table")) {
    // An inline formula cannot break either: it is measured against its paragraph.
    const block = node.closest("p, li, td, div, figure") || node.parentElement;
    const available = block.clientWidth;
    const needed = node.tagName === "TABLE" ? node.scrollWidth
      : (node.firstElementChild || node).getBoundingClientRect().width;
    if (needed > available + 1) {
      node.style.zoom = Math.floor((available / needed) * 100) / 100;
      shrunk += 1;
    }
  }
  return shrunk;
}
