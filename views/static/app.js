// Progressive enhancement only: every form and link works without this file. It loads without
// `defer` so the phone menu is folded before the first paint; it touches the DOM only in events.
document.documentElement.classList.add("js");

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("htmx:confirm", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
// After a boosted navigation, move focus to the new page's main region for screen readers.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail?.boosted) document.getElementById("main")?.focus({ preventScroll: true });
});

// The phone menu: the button opens and closes the navigation below it (see .menu-button in app.css).
function setMenu(button, open) {
  button.setAttribute("aria-expanded", String(open));
}
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const button = target?.closest(".menu-button");
  if (button) setMenu(button, button.getAttribute("aria-expanded") !== "true");
  // Close an open menu (<details class="nav-menu">) on a click elsewhere.
  for (const menu of document.querySelectorAll("details.nav-menu[open]")) {
    if (!menu.contains(target)) menu.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.nav-menu[open]")) {
    menu.removeAttribute("open");
    menu.querySelector("summary")?.focus();
  }
  const button = document.querySelector('.menu-button[aria-expanded="true"]');
  if (button && !document.querySelector("details.nav-menu[open]")) {
    setMenu(button, false);
    button.focus();
  }
});

// Desktop header: main items that do not fit in the bar move into "More", in order.
const desktop = window.matchMedia("(min-width: 761px)");
function fitNav() {
  const list = document.querySelector(".nav-main");
  const more = list?.querySelector(".nav-more");
  const overflow = more?.querySelector("ul");
  if (!list || !more || !overflow) return;
  for (const item of [...overflow.children]) list.insertBefore(item, more);
  more.hidden = true;
  if (!desktop.matches) return;
  const limit = () => list.getBoundingClientRect().right + 1;
  const items = () => [...list.children].filter((li) => li !== more);
  let last = items().at(-1);
  while (last && last.getBoundingClientRect().right > limit()) {
    more.hidden = false;
    overflow.prepend(last);
    last = items().at(-1);
    if (more.getBoundingClientRect().right <= limit()) break;
  }
  while (!more.hidden && more.getBoundingClientRect().right > limit() && items().length) {
    overflow.prepend(items().at(-1));
  }
  more.querySelector("summary")?.toggleAttribute("aria-current", false);
  if (overflow.querySelector('[aria-current="page"]'))
    more.querySelector("summary")?.setAttribute("aria-current", "page");
}
let fitting = 0;
function fitNavSoon() {
  cancelAnimationFrame(fitting);
  fitting = requestAnimationFrame(fitNav);
}
document.addEventListener("DOMContentLoaded", fitNav);
window.addEventListener("resize", fitNavSoon);
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail?.boosted) fitNav();
});

// Pickers (a checkbox list of people): typing in the filter hides the names that do not match;
// checked names always stay in view.
document.addEventListener("DOMContentLoaded", revealPickerFilters);
document.addEventListener("htmx:load", revealPickerFilters);
function revealPickerFilters() {
  for (const filter of document.querySelectorAll(".picker-filter[hidden]")) filter.hidden = false;
}
document.addEventListener("input", (event) => {
  const filter = event.target;
  if (!(filter instanceof HTMLInputElement) || !filter.classList.contains("picker-filter")) return;
  const query = filter.value.trim().toLocaleLowerCase();
  for (const item of filter.closest(".picker")?.querySelectorAll(".picker-list li") ?? []) {
    const checked = item.querySelector("input:checked") !== null;
    item.hidden = !checked && query !== "" && !item.textContent.toLocaleLowerCase().includes(query);
  }
});
