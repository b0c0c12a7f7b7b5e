// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../moj/moj-frontend.min.js";

initAll();
initMoj();

// List filters (includes/filter_form_htmx.html) fetch the filtered page with htmx and swap in its
// list. Components in the swapped-in part are started like the rest of the page.
document.addEventListener("htmx:load", (event) => {
  const scope = event.detail.elt;
  if (scope === document.body) return;
  initAll({ scope });
  initMoj({ scope });
});

// A filter request that was redirected (signed out, second factor needed) or refused is shown
// as the page it is, never swapped in as a list.
document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, pathInfo } = event.detail;
  const asked = new URL(pathInfo.finalRequestPath, window.location.href);
  const answered = xhr.responseURL ? new URL(xhr.responseURL) : asked;
  if (xhr.status >= 400 || answered.pathname !== asked.pathname) {
    event.detail.shouldSwap = false;
    window.location.assign(answered.href);
  }
});

// Tell screen reader users what the list now shows: its caption, as the page would on load.
document.addEventListener("htmx:afterSettle", () => {
  const status = document.getElementById("tl-status");
  const caption = document.querySelector("#filtered-list caption");
  if (status && caption) {
    status.textContent = caption.textContent.trim();
  }
});
