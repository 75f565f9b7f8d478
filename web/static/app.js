// Q-Office: small behaviours shared by every page (no inline scripts: see the Content-Security-Policy note).
"use strict";

// A button or link with data-confirm asks before it acts.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-confirm]");
  if (trigger && !window.confirm(trigger.dataset.confirm)) {
    event.preventDefault();
  }
});

// Searchable pickers of units and people (routing): type to narrow the list, diacritics ignored;
// what is chosen stays listed above the list even when filtered out of view.
const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();

function setUpPicker(picker) {
  const filter = picker.querySelector(".picker-filter");
  const chosen = picker.querySelector(".picker-chosen");
  const options = [...picker.querySelectorAll(".picker-options label")];
  const showChosen = () => {
    const names = options.filter((o) => o.querySelector("input").checked)
      .map((o) => o.querySelector("span").firstChild.textContent.trim());
    chosen.textContent = names.length ? names.join(" · ") : chosen.dataset.none;
  };
  filter.hidden = false;
  filter.addEventListener("input", () => {
    const words = fold(filter.value).split(/\s+/).filter(Boolean);
    for (const option of options) {
      const text = fold(option.textContent);
      option.hidden = !words.every((word) => text.includes(word));
    }
  });
  filter.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { // Enter picks the first match instead of sending the form
      event.preventDefault();
      const first = options.find((o) => !o.hidden);
      if (first) {
        first.querySelector("input").click();
      }
    }
  });
  picker.addEventListener("change", showChosen);
  showChosen();
}

// Forms with data-warn-unsaved ask before the page is left with changes not yet saved.
function guardUnsaved(form) {
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
      event.returnValue = form.dataset.warnUnsaved;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-picker]").forEach(setUpPicker);
  document.querySelectorAll("form[data-warn-unsaved]").forEach(guardUnsaved);
});
