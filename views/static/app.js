// Progressive enhancement only: every form works without this file.
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
