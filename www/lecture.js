// The page as a good citizen of a slide deck: DOM glue only (the policies are Rust:
// src/explorer/embed.rs for keys and canvas pixels, src/explorer/pace.rs for the pace).
//   watchSeen   whether the explorer can be seen: the document is visible
//               (visibilitychange), the element is in view (IntersectionObserver: scrolled
//               away, on a slide moved off screen, in an iframe too), and reveal.js has
//               not stopped its slide ("slide:stop" / "slide:start" messages it posts to
//               the iframes of the slides it leaves and shows);
//   transformScale  on-screen width over layout width through every frame of this
//               origin, and whether a frame of another origin hides the rest;
//   giveBackFocus   the keyboard back to the host page (from an iframe);
//   toDeck      a key for the deck, posted to the parent in reveal.js's API format.

/** Watch whether `el` can be seen; `changed()` runs on every change. Returns a
 *  function telling whether it is seen now. Until the first IntersectionObserver
 *  report the element counts as not in view (so a page loaded off screen does no work). */
export function watchSeen(el, changed) {
  let visible = document.visibilityState !== "hidden";
  let inView = typeof IntersectionObserver !== "function";
  let stopped = false;
  document.addEventListener("visibilitychange", () => {
    visible = document.visibilityState !== "hidden";
    changed();
  });
  if (!inView) {
    new IntersectionObserver((entries) => {
      inView = entries[entries.length - 1].isIntersecting;
      changed();
    }).observe(el);
  }
  window.addEventListener("message", (ev) => {
    if (ev.source !== window.parent || window.parent === window) return;
    if (ev.data === "slide:stop" || ev.data === "slide:start") {
      stopped = ev.data === "slide:stop";
      changed();
    }
  });
  return () => visible && inView && !stopped;
}

/** { scale, foreign }: the scale of the CSS transforms between `el`'s layout and the
 *  screen, measured through this document and every parent document of the same
 *  origin; `foreign` when a parent of another origin hides the rest. */
export function transformScale(el) {
  let scale = 1;
  const ratio = (node) => {
    const w = node.offsetWidth;
    return w > 0 ? node.getBoundingClientRect().width / w : 1;
  };
  scale *= ratio(el);
  let win = window;
  while (win.parent !== win) {
    let frame = null;
    try { frame = win.frameElement; } catch { frame = null; }
    if (!frame) return { scale, foreign: true };
    scale *= ratio(frame);
    win = win.parent;
  }
  return { scale, foreign: false };
}

/** The window at the top of this page's origin (to hear its resizes). */
export function topOfOrigin() {
  let win = window;
  try {
    while (win.parent !== win && win.frameElement) win = win.parent;
  } catch { /* another origin above */ }
  return win;
}

export const framed = () => window.parent !== window;

/** Give the keyboard focus back to the host page (a no-op outside a frame). */
export function giveBackFocus() {
  if (!framed()) return;
  try { window.parent.focus(); } catch { /* nothing to do */ }
}

/** Hand a key to the deck: `message` is reveal.js's API call ("" for none). */
export function toDeck(message) {
  if (!framed()) return;
  if (message) window.parent.postMessage(message, "*");
  giveBackFocus();
}
