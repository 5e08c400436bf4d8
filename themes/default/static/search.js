// gongkai search page: Pagefind's JS API with Chinese query segmentation, filters, sorting,
// exact 文号/索引号 lookup, and results announced to screen readers. Works from any sub-path.
const siteRoot = new URL("../", import.meta.url);
const $ = (id) => document.getElementById(id);
const form = $("search-form"), input = $("q"), status = $("search-status"), list = $("search-results");
const more = $("search-more"), sortSelect = $("sort"), filterBox = $("search-filters"), controls = $("filter-controls");
const FILTERS = ["栏目", "年份", "发布机构", "有效性", "类型"];
const PAGE = 10;
let pagefind = null, ids = [], shown = 0, current = [], serial = 0, seen = new Set();

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("zh", { granularity: "word" }) : null;

// Pagefind matches an unspaced Chinese query loosely and a quoted one not at all: split it into
// words here, keeping quoted phrases as phrases.
export function segment(query) {
  const words = (text) => segmenter
    ? [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment).join(" ")
    : text;
  return query.replace(/"([^"]*)"|“([^”]*)”|([^"“”]+)/g, (_, a, b, c) => {
    if (a !== undefined || b !== undefined) return `"${words(a ?? b)}"`;
    return ` ${words(c)} `;
  }).replace(/\s+/g, " ").trim();
}

// 文号 and 索引号 are compared without spaces and with any bracket style.
function normalize(text) {
  return text.replace(/\s+/g, "").replace(/[\[［【(（]/g, "〔").replace(/[\]］】)）]/g, "〕").toUpperCase();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function resultItem(data, note) {
  const meta = [data.meta.doc_no, data.meta.date && `发布日期 ${data.meta.date}`, data.meta.column].filter(Boolean).join(" · ");
  const li = el("li", {}, el("a", { href: data.url }, data.meta.title || data.url));
  if (note) li.append(el("span", { class: "result-note" }, note));
  if (meta) li.append(el("p", { class: "result-meta" }, meta));
  const excerpt = el("p", { class: "result-excerpt" });
  excerpt.innerHTML = data.excerpt || "";  // Pagefind escapes the text and adds only <mark>
  li.append(excerpt);
  return li;
}

async function showMore() {
  const batch = current.slice(shown, shown + PAGE);
  const datas = await Promise.all(batch.map((r) => r.data ? r.data() : Promise.resolve(r)));
  for (const data of datas) {
    // An exact 文号/索引号 match is listed first; Pagefind's copy of it is skipped when it arrives.
    const path = new URL(data.url, location.href).pathname;
    if (seen.has(path)) continue;
    seen.add(path);
    const fromAttachment = (data.sub_results || []).some((s) => (s.anchor?.id || "").startsWith("attachment-text")) &&
      !(data.sub_results || []).some((s) => !(s.anchor?.id || "").startsWith("attachment-text") && s.excerpt?.includes("<mark>"));
    list.append(resultItem(data, data.exact ? "文号/索引号完全匹配" : fromAttachment ? "（匹配内容在附件中）" : ""));
  }
  shown += batch.length;
  more.hidden = shown >= current.length;
}

function selectedFilters() {
  const chosen = {};
  for (const name of FILTERS) {
    const select = controls.querySelector(`select[data-filter="${name}"]`);
    if (select && select.value) chosen[name] = select.value;
  }
  return chosen;
}

async function run() {
  const query = input.value.trim();
  const filters = selectedFilters();
  const mine = ++serial;
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  list.replaceChildren();
  shown = 0;
  if (!query && !Object.keys(filters).length) {
    current = [];
    status.textContent = "请输入关键词，或选择筛选条件。";
    more.hidden = true;
    return;
  }
  status.textContent = "正在搜索……";
  const options = { filters };
  if (sortSelect.value === "date") options.sort = { date: "desc" };
  const search = await pagefind.search(query ? segment(query) : null, options);
  if (mine !== serial) return;  // a newer search has started
  const exact = ids.filter((entry) => query && entry.keys.includes(normalize(query)));
  const rest = search?.results || [];
  seen = new Set();
  current = [...exact.map((e) => ({ url: new URL(e.url, siteRoot).href, meta: { title: e.title, doc_no: e.doc_no, date: e.date, column: e.column }, excerpt: "", exact: true })), ...rest];
  await showMore();
  if (mine !== serial) return;
  // Announced once the first results are on the page, so a screen reader can go straight to them.
  const total = Math.max(rest.length, exact.length);  // an exact match is almost always among Pagefind's results too
  status.textContent = total ? `找到 ${total} 条结果。` : "没有找到相关信息。请换一个词，或减少筛选条件。";
}

async function setupFilters() {
  const available = await pagefind.filters();
  for (const name of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => (name === "年份" ? b.localeCompare(a) : a.localeCompare(b, "zh")));
    if (!values.length) continue;
    const id = `filter-${FILTERS.indexOf(name)}`;
    const select = el("select", { id, "data-filter": name }, el("option", { value: "" }, "全部"));
    for (const value of values) select.append(el("option", { value }, `${value}（${available[name][value]}）`));
    select.addEventListener("change", run);
    controls.append(el("span", { class: "filter" }, el("label", { for: id }, name), select));
  }
  filterBox.hidden = false;
}

async function start() {
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    await pagefind.init();
    ids = await (await fetch(new URL("search/ids.json", siteRoot))).json();
  } catch (error) {
    status.textContent = "搜索暂时无法使用（未找到搜索索引）。请通过信息公开目录查找。";
    return;
  }
  await setupFilters();
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  sortSelect.addEventListener("change", run);
  more.addEventListener("click", showMore);
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) input.value = initial;
  await run();
}

start();
