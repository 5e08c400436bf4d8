// Reading aids (长者模式 / 无障碍): larger text in two steps, high contrast, remembered across pages.
// Without JavaScript the toolbar stays hidden and the page is whole; the browser's zoom still works.
(function () {
  var root = document.documentElement;
  var toolbar = document.querySelector(".reading-toolbar");
  if (!toolbar) return;
  function load() {
    try { return JSON.parse(localStorage.getItem("gongkai-reading") || "{}"); } catch (e) { return {}; }
  }
  function save(settings) {
    try { localStorage.setItem("gongkai-reading", JSON.stringify(settings)); } catch (e) { /* private mode */ }
  }
  function apply(settings) {
    if (settings.font) root.dataset.font = settings.font; else delete root.dataset.font;
    if (settings.contrast) root.dataset.contrast = settings.contrast; else delete root.dataset.contrast;
    var elder = settings.font === "2" && settings.contrast === "high";
    toolbar.querySelectorAll("button").forEach(function (button) {
      var pressed = button.dataset.font !== undefined ? (settings.font || "0") === button.dataset.font
        : button.dataset.contrast ? settings.contrast === "high" : elder;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
  }
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var settings = load();
    if (button.dataset.font !== undefined) settings.font = button.dataset.font === "0" ? "" : button.dataset.font;
    else if (button.dataset.contrast) settings.contrast = settings.contrast ? "" : "high";
    else if (button.dataset.elder) {
      var on = !(settings.font === "2" && settings.contrast === "high");
      settings.font = on ? "2" : "";
      settings.contrast = on ? "high" : "";
    }
    save(settings);
    apply(settings);
  });
  apply(load());
  toolbar.hidden = false;
})();
