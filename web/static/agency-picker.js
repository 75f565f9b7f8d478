// Filters the agency list of the drafting form by name: words typed in the search box (diacritics and
// case ignored) hide the agencies that do not contain them; chosen agencies always stay visible.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("input.agency-filter").forEach(function (input) {
    var select = document.getElementById(input.dataset.for);
    if (!select) { return; }
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = fold(option.textContent);
        option.hidden = !option.selected && !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  });
})();
