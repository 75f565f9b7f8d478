// Q-Office: small behaviours shared by every page (no inline scripts: see the Content-Security-Policy note).
"use strict";

// A button or link with data-confirm asks before it acts.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-confirm]");
  if (trigger && !window.confirm(trigger.dataset.confirm)) {
    event.preventDefault();
  }
});
