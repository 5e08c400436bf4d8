// gongkai search page: Pagefind's JS API with Chinese query segmentation, filters, sorting,
// exact 文号/索引号 lookup, and results announced to screen readers. Works from any sub-path.
const siteRoot = new URL("../", import.meta.url);
const $ = (id) => document.getElementById(id);
const form = $("search-form"), input = $("q"), status = $("search-status"), list = $("search-results");
const more = $("search-more"), sortSelect = $("sort"), filterBox = $("search-filters"), controls = $("filter-controls");
const FILTERS = ["栏目", "年份", "发布机构", "有效性", "类型"];
const PAGE = 10;
const FALLBACK_CANDIDATES = 30;
let pagefind = null, shown = 0, current = [], serial = 0, seen = new Set(), fullText = false;

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("zh", { granularity: "word" }) : null;

// Pagefind matches an unspaced Chinese query loosely: split it into words here.
function words(text) {
  return segmenter
    ? [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment)
    : text.split(/\s+/).filter(Boolean);
}

// The words to look up, and every part the user typed (unquoted parts and quoted phrases, as
// written): a result must contain each of them.
export function parse(query) {
  const phrases = [], parts = [], terms = [];
  query.replace(/"([^"]*)"|“([^”]*)”|([^"“”]+)/g, (_, a, b, c) => {
    const text = a ?? b ?? c;
    if (a !== undefined || b !== undefined) phrases.push(text.replace(/\s+/g, ""));
    else parts.push(...text.split(/\s+/).filter(Boolean));
    terms.push(...words(text));
    return "";
  });
  // Every word is looked up, single characters too: Pagefind matches them as prefixes (宅 finds
  // 宅基地 where the browser cut 宅/基地), and dropping one would widen the query.
  return { terms: [...new Set(terms)], needles: [...parts, ...phrases].filter(Boolean), phrases: phrases.filter(Boolean) };
}

const flat = (text) => (text || "").replace(/[\s\u200b-\u200d\u2060\ufeff]/g, "");

async function containing(results, needles, limit) {
  const datas = await Promise.all(results.slice(0, limit).map((r) => r.data()));
  return datas.filter((data) => needles.every((n) => flat(data.content).includes(flat(n))));
}

// Pagefind's word boundaries are not always the browser's (the index may hold 高标/准 where the
// browser says 高/标准), so an AND of words can miss a page that contains the text. When it finds
// nothing, look for each word on its own, open the pages most words found, and keep those that
// contain the query as written. Quoted phrases are always checked that way.
async function find(query, options) {
  const { terms, needles, phrases } = parse(query);
  const direct = await pagefind.search(terms.length ? terms.join(" ") : null, options);
  if (direct.results.length && !phrases.length) return direct.results;
  if (direct.results.length) {
    const exact = await containing(direct.results, phrases, 60);
    if (exact.length) return exact;
  }
  if (!terms.length) return [];
  const votes = new Map();
  for (const term of terms) {
    for (const result of (await pagefind.search(term, options)).results) {
      const entry = votes.get(result.id) || { result, count: 0 };
      entry.count += 1;
      votes.set(result.id, entry);
    }
  }
  const ranked = [...votes.values()].sort((a, b) => b.count - a.count || b.result.score - a.result.score).map((v) => v.result);
  const found = await containing(ranked, needles, FALLBACK_CANDIDATES);
  if (options.sort) found.sort((a, b) => (b.meta.date || "").localeCompare(a.meta.date || ""));
  return found;
}

// 文号 and 索引号 are compared without spaces and with any bracket style.
function normalize(text) {
  return text.replace(/\s+/g, "").replace(/[\[［【(（]/g, "〔").replace(/[\]］】)）]/g, "〕").toUpperCase();
}

// The same FNV-1a bucket as exports.id_bucket: one small file to fetch, however large the site.
export function bucket(key) {
  let value = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) value = Math.imul(value ^ byte, 0x01000193) >>> 0;
  return value % 256;
}

// Only a query shaped like a 文号 (…〔2024〕6号) or an 索引号 (…/2024-00013) can be one.
const ID_SHAPE = /〔\d{4}〕.*号$|\/\d{4}-\d+$/;

async function exactMatches(query) {
  const key = normalize(query);
  if (!ID_SHAPE.test(key)) return [];
  try {
    const entries = await (await fetch(new URL(`search/ids/${String(bucket(key)).padStart(3, "0")}.json`, siteRoot))).json();
    return entries.filter((entry) => entry.keys.includes(key));
  } catch {
    return [];
  }
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

function inAttachment(data) {
  const subs = data.sub_results || [];
  const attachment = (s) => (s.anchor?.id || "").startsWith("attachment-text");
  return subs.some(attachment) && !subs.some((s) => !attachment(s) && (s.excerpt || "").includes("<mark>"));
}

async function showMore() {
  const batch = current.slice(shown, shown + PAGE);
  const datas = await Promise.all(batch.map((r) => (r.data ? r.data() : Promise.resolve(r))));
  for (const data of datas) {
    // An exact 文号/索引号 match is listed first; Pagefind's copy of it is skipped when it arrives.
    const path = new URL(data.url, location.href).pathname;
    if (seen.has(path)) continue;
    seen.add(path);
    list.append(resultItem(data, data.exact ? "文号/索引号完全匹配" : inAttachment(data) ? "（匹配内容在附件中）" : ""));
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
  // A 文号 or 索引号 that names an item is answered from its bucket alone; the text search for it
  // (mostly very common pieces: 政, 发, 2024, 号) runs only when asked for.
  const exact = query && !fullText ? await exactMatches(query) : [];
  const rest = exact.length ? [] : query ? await find(fullText ? `"${query}"` : query, options) : (await pagefind.search(null, options)).results;
  fullText = false;
  if (mine !== serial) return;  // a newer search has started
  seen = new Set();
  current = [...exact.map((e) => ({ url: new URL(e.url, siteRoot).href, meta: { title: e.title, doc_no: e.doc_no, date: e.date, column: e.column }, excerpt: "", exact: true })), ...rest];
  await showMore();
  if (mine !== serial) return;
  // Announced once the first results are on the page, so a screen reader can go straight to them.
  const total = rest.length + exact.length;
  status.textContent = total ? `找到 ${total} 条结果。` : "没有找到相关信息。请换一个词，或减少筛选条件。";
  if (exact.length) {
    const again = el("button", { type: "button", class: "search-text" }, `在正文中搜索提到“${query}”的信息`);
    again.addEventListener("click", () => { fullText = true; run(); });
    list.append(el("li", { class: "search-again" }, again));
  }
}

// The filter indexes are loaded only when the visitor opens the filter panel: they are as large as
// the site, and most searches never use them.
async function setupFilters() {
  if (controls.childElementCount) return;
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
}

async function start() {
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    await pagefind.init();
  } catch (error) {
    status.textContent = "搜索暂时无法使用（未找到搜索索引）。请通过信息公开目录查找。";
    return;
  }
  filterBox.hidden = false;
  filterBox.addEventListener("toggle", () => { if (filterBox.open) setupFilters(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  sortSelect.addEventListener("change", run);
  more.addEventListener("click", showMore);
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) input.value = initial;
  await run();
}

start();
