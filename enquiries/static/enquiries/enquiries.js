// Forms to email an article or write to the newsroom. They work without this file; with it,
// a reader sent back with mistakes lands on the list of them (screen readers announce it).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
