// gongkai serve: live reload and the content-problem overlay. Added to pages by the preview
// server when it sends them; never written into build/.
(() => {
  "use strict";
  const me = document.currentScript;
  const version = me ? me.getAttribute("data-version") || "0" : "0";
  const scrollKey = "gongkai-scroll:" + location.pathname;

  // Come back to where the reader was before the reload.
  try {
    const saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      const restore = () => window.scrollTo(0, Number(saved));
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled */ }

  const el = (tag, text, style) => {
    const node = document.createElement(tag);
    if (text) node.textContent = text;  // messages quote file content: text only, never HTML
    if (style) node.style.cssText = style;
    return node;
  };

  const show = (data) => {
    const old = document.getElementById("gongkai-overlay");
    if (old) old.remove();
    const errors = data.errors + (data.hidden_errors || 0);
    // The page that says the site never built lists the errors itself.
    if (!errors || document.body.hasAttribute("data-gongkai-failure")) return;
    const box = el("section", "", "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "background:#fff8f6;color:#1a1a1a;border-top:4px solid #b3261e;box-shadow:0 -4px 16px rgba(0,0,0,.25);" +
      "padding:1rem 1.25rem;font:16px/1.6 system-ui,'WenQuanYi Micro Hei',sans-serif;text-align:left");
    box.id = "gongkai-overlay";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-label", "内容错误");
    const kept = data.built ? "网站仍显示上一次成功生成的样子（已撤下的信息除外）" : "网站还没能生成";
    box.appendChild(el("h2", `内容有 ${errors} 个错误，${kept}`, "margin:0 0 .5rem;font-size:1.2rem;color:#b3261e"));
    box.appendChild(el("p", "改正并保存文件后，本提示会自动消失。", "margin:0 0 .5rem"));
    const list = el("ol", "", "margin:0;padding-left:1.5rem");
    for (const p of data.problems) {
      const item = el("li", "", "margin:.25rem 0");
      item.appendChild(el("code", `${p.file}:${p.line}`, "font-weight:bold"));
      item.appendChild(document.createTextNode(` ${p.level}${p.field ? " [" + p.field + "]" : ""} ${p.message}`));
      list.appendChild(item);
    }
    box.appendChild(list);
    if (data.hidden) box.appendChild(el("p", `另有 ${data.hidden} 个问题属于非公开或公开属性无法确定的条目，只在运行 gongkai serve 的终端中显示。`, "margin:.5rem 0 0"));
    const close = el("button", "暂时隐藏", "margin-top:.75rem;font:inherit;padding:.2rem .8rem");
    close.type = "button";
    close.addEventListener("click", () => box.remove());
    box.appendChild(close);
    document.body.appendChild(box);
  };

  fetch("/__gongkai/problems.json", { cache: "no-store" }).then((r) => r.json()).then(show).catch(() => {});

  if (!window.EventSource) return;
  const source = new EventSource("/__gongkai/events?v=" + encodeURIComponent(version));
  source.addEventListener("reload", () => {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* ignore */ }
    source.close();
    location.reload();
  });
})();
