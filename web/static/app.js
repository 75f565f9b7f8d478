// Behaviour shared by every page. No inline script anywhere: the Content-Security-Policy forbids it.
"use strict";

// A form with data-confirm="…" asks before it is sent.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
