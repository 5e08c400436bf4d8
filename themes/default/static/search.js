// gongkai search page: Pagefind's JS API with Chinese query segmentation, filters, sorting,
// exact 文号/索引号 lookup, and results announced to screen readers. Works from any sub-path.
const siteRoot = new URL("../", import.meta.url);
const $ = (id) => document.getElementById(id);
const form = $("search-form"), input = $("q"), status = $("search-status"), list = $("search-results");
const more = $("search-more"), sortSelect = $("sort"), filterBox = $("search-filters"), controls = $("filter-controls");
const FILTERS = ["单位", "栏目", "年份", "发布机构", "有效性", "类型"];
const PAGE = 10;
const FALLBACK_CANDIDATES = 30;
const PHRASE_CANDIDATES = 60;
const MAX_ALTERNATIVES = 4;
let pagefind = null, source = null, serial = 0, seen = new Set(), fullText = false;

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("zh", { granularity: "word" }) : null;

// Pagefind matches an unspaced Chinese query loosely: split it into words here, with where each
// word starts in the run of text (no spaces) it comes from.
function segments(run) {
  return segmenter ? [...segmenter.segment(run)].filter((s) => s.isWordLike) : [{ segment: run, index: 0 }];
}

// The words to look up, each with the text typed from it to the end of its run (``found``), and
// every part the user typed (unquoted parts and quoted phrases, as written): a result must
// contain each of them.
export function parse(query) {
  const phrases = [], parts = [], found = [];
  query.replace(/"([^"]*)"|“([^”]*)”|([^"“”]+)/g, (_, a, b, c) => {
    const text = a ?? b ?? c;
    if (a !== undefined || b !== undefined) phrases.push(text.replace(/\s+/g, ""));
    else parts.push(...text.split(/\s+/).filter(Boolean));
    const quoted = a !== undefined || b !== undefined;
    for (const run of text.split(/\s+/).filter(Boolean)) {
      for (const s of segments(run)) found.push({ term: s.segment, run, rest: run.slice(s.index), at: s.index, quoted });
    }
    return "";
  });
  // A result must hold every word typed (低保资金 is 低保 and 资金, wherever they stand) and every
  // quoted phrase exactly as written.
  const words = found.filter((f) => !f.quoted).map((f) => f.term);
  return { terms: [...new Set(found.map((f) => f.term))], found, needles: [...new Set([...words, ...phrases])].filter(Boolean), phrases: phrases.filter(Boolean), parts };
}

// On a county platform (its search form says data-units) a result's id begins with its member's
// folder (pagefind/fragment/<member>/…), and its URL is the member site's own: put it there.
const UNITS = form.dataset.units === "1";
function placed(result, data) {
  if (UNITS && data && data.raw_url !== undefined) data.url = new URL(`${result.id.split("/")[0]}${data.raw_url}`, siteRoot).href;
  return data;
}
const flat = (text) => (text || "").replace(/[\s\u200b-\u200d\u2060\ufeff]/g, "");

// gongkai publishes each page's Pagefind fragment cut to its first words (the metadata block and
// the title come first; generator/search/heads.py), saying how many words the page has, and the
// whole fragment under pagefind/gongkai-text/: a result shown downloads the head alone, unless
// none of the words it matched lies in it, or its text must be checked against what was typed.
const CUT = "gongkai_words";
const EXCERPT_WORDS = 30;  // Pagefind's excerpt length, which this page does not change
const BOUNDARY = "\u200b";  // between the words of a segmented text; a word's location is its place
const wholeTexts = new Map();

function wholeFragment(id) {
  if (!wholeTexts.has(id)) {
    const loading = fetch(new URL(`pagefind/gongkai-text/${id}.pf_fragment`, siteRoot)).then(async (response) => {
      if (!response.ok) throw new Error(response.statusText);
      const bytes = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
      return JSON.parse(new TextDecoder().decode(new Uint8Array(bytes).subarray("pagefind_dcd".length)));
    });
    loading.catch(() => wholeTexts.delete(id));  // the next search asks again
    wholeTexts.set(id, loading);
  }
  return wholeTexts.get(id);
}

const escaped = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Where the run of ``length`` words holding the most weight of matched words starts (the middle
// one of equal runs side by side), as Pagefind chooses its excerpt.
function densest(weighted, length) {
  const words = [];
  for (const w of weighted) words[w.location] = (words[w.location] || 0) + (w.balanced_score ?? w.weight ?? 1);
  if (words.length <= length) return 0;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += words[i] ?? 0;
  let best = sum, starts = [0];
  for (let start = 1; start + length <= words.length; start++) {
    sum += (words[start + length - 1] ?? 0) - (words[start - 1] ?? 0);
    if (sum > best) [best, starts] = [sum, [start]];
    else if (sum === best && starts[starts.length - 1] === start - 1) starts.push(start);
  }
  return starts[Math.floor(starts.length / 2)];
}

// The excerpt of a text (Pagefind's escaped raw_content) around the matched words it holds, each
// marked.
function excerptOf(raw, weighted) {
  const words = raw.split(BOUNDARY);
  const inside = weighted.filter((w) => w.location < words.length);
  const start = Math.max(0, Math.min(densest(inside, EXCERPT_WORDS), words.length - EXCERPT_WORDS));
  for (const { location } of inside) words[location] = `<mark>${words[location]}</mark>`;
  return words.slice(start, start + EXCERPT_WORDS).join("").trim();
}

// A result's data with its page's whole text, and the excerpt taken from it.
async function whole(data) {
  if (data[CUT] === undefined || data.whole) return data;
  const { content } = await wholeFragment(data.id);
  Object.assign(data, { whole: true, content: content.replace(/\u200b/g, ""), raw_content: escaped(content) });
  data.excerpt = excerptOf(data.raw_content, data.weighted_locations || []);
  return data;
}

// A result opened: its data (Pagefind's fragment, excerpt and locations) from its head, or from
// the whole page when it matched nothing in the head.
async function open(result) {
  if (!result.data) return result;
  const data = placed(result, await result.data());
  data.id = result.id;
  const weighted = data.weighted_locations || [];
  if (data[CUT] === undefined || !weighted.length) return data;  // a list without a query: the page's start
  const head = data.raw_content.split(BOUNDARY).length;
  if (!weighted.some((w) => w.location < head)) return whole(data);
  data.excerpt = excerptOf(data.raw_content, weighted);
  return data;
}

// A result opened from its page's whole fragment alone, as Pagefind opens one (its URL under the
// site's root, the text escaped, the excerpt around the words it matched): for a list whose
// results all need their whole text.
async function openWhole(result) {
  if (!result.data) return result;
  const fragment = await wholeFragment(result.id);
  const locations = result.words || [];
  const weighted = locations.map((location) => ({ location, weight: 1 }));
  const raw = escaped(fragment.content);
  const url = `${siteRoot.pathname}/${fragment.url}`.replace(/\/+/g, "/");
  const data = { ...fragment, id: result.id, whole: true, raw_url: fragment.url, url, content: fragment.content.replace(/\u200b/g, ""), raw_content: raw, locations, weighted_locations: weighted };
  data.excerpt = excerptOf(raw, weighted);
  return placed(result, data);
}

// Whether a result's text holds every one of ``needles`` (its head first, then the whole page).
async function holds(data, needles) {
  const all = () => needles.every((n) => flat(data.content).includes(flat(n)));
  if (all() || data[CUT] === undefined || data.whole) return all();
  await whole(data);
  return all();
}

// Results come from a source that opens each result (its Pagefind fragment) only when it is shown.
function listed(results, opener = open) {
  let next = 0;
  return {
    total: results.length,
    partial: false,
    get ids() { return results.map((r) => r.id); },  // for bench/bench_search.py
    done: () => next >= results.length,
    async take(count) {
      const batch = results.slice(next, (next += count));
      return Promise.all(batch.map(opener));
    },
  };
}

// Candidates that must contain the query as written are checked a page at a time, as far as the
// visitor reads: each check downloads the candidate's fragment. The total stays unknown until
// every candidate has been checked.
function checked(candidates, needles, limit, opener = open) {
  const pool = candidates.slice(0, limit), ready = [];
  let next = 0, found = 0;
  const source = {
    total: null,
    ids: null,
    partial: false,
    done: () => next >= pool.length && !ready.length,
    // Checks candidates until ``count`` results wait to be shown, or none are left; true if any wait.
    async fill(count) {
      while (ready.length < count && next < pool.length) {
        const datas = await Promise.all(pool.slice(next, (next += PAGE)).map(opener));
        const checks = await Promise.all(datas.map((data) => holds(data, needles)));
        const hits = datas.filter((_, n) => checks[n]);
        found += hits.length;
        ready.push(...hits);
      }
      if (next >= pool.length) source.total = found;
      return ready.length > 0;
    },
    async take(count) {
      await source.fill(count);
      return ready.splice(0, count);
    },
  };
  return source;
}

// Pagefind matches a query word as a prefix of the indexed words (宅 finds 宅基地) but downloads
// only the index chunk where the query word itself would sit. gongkai's word lists name, for each
// indexed Chinese word, the chunk that holds it, and probe words that make Pagefind load each
// chunk; so the whole family of each query word is searched, whichever chunks earlier queries
// loaded.
const CHINESE = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
const MAX_CHUNKS_PER_WORD = 8;
const wordLists = new Map();

function wordList(first) {
  if (!wordLists.has(first)) {
    const url = new URL(`pagefind/gongkai-words/${String(bucket(first)).padStart(3, "0")}.json`, siteRoot);
    // Every bucket is published: one that cannot be read says nothing of which words the index holds.
    wordLists.set(first, fetch(url).then((r) => (r.ok ? r.json() : { unknown: true })).catch(() => ({ unknown: true })));
  }
  return wordLists.get(first);
}

// Where the index's words begin in a run of typed text: the longest indexed word at each start
// (from the word lists), as Pagefind's segmenter most likely cut the same text.
async function indexStarts(run) {
  const starts = new Set();
  for (let at = 0; at < run.length; ) {
    starts.add(at);
    let step = 1;
    if (CHINESE.test(run[at])) {
      const { words: held = {} } = await wordList(run[at]);
      for (const word of Object.keys(held)) if (word.length > step && run.startsWith(word, at)) step = word.length;
    }
    at += step;
  }
  return starts;
}

// Marks each query word whose place in its run is where an indexed word begins.
async function align(found) {
  const starts = new Map();
  for (const { run } of found) if (!starts.has(run)) starts.set(run, await indexStarts(run));
  return found.map((f) => ({ ...f, aligned: starts.get(f.run).has(f.at) }));
}

// Pagefind matches a query word only against the start of an indexed word. Where the browser and
// the index cut the same text differently (宅|基地 against 宅基|地), a Chinese query word that begins
// inside an indexed word (基地) can never match, and would make the query find only pages that
// happen to use it elsewhere: it is left out of the lookup, and the other words must still match.
// So is a word on most pages (管理 of 村级财务管理), which hardly narrows the search but has the
// largest index entry of all; a query keeps at least one word. Returns the words to look up, and
// those that can match nothing.
async function usable(terms, found) {
  const lost = new Set(found.filter((c) => CHINESE.test(c.term) && !c.aligned).map((c) => c.term));
  for (const c of found) if (c.aligned) lost.delete(c.term);
  // A word that can match nothing as typed is left out altogether, even of a query that keeps no
  // other (its lookup would only load a chunk, and find pages by words nobody typed): a Chinese
  // word that no indexed word begins with (田 of 高标田, held only inside 农田); and a lone character
  // the browser cut from longer text that no indexed word beginning there agrees with, none lying
  // within what was typed from it, nor, but at the end of the text, beginning with all of it (保 of
  // 低保, where the index holds only 保障, 保密 …: looked up, it found every page of them).
  // So is one that Pagefind would match only as the longest indexed word it starts with (发 for
  // 发射, found on every page by 发布) when what follows that word begins none (射): 地块, held as
  // 地 and 块, is matched as 地.
  // Without its word list, a word is taken to match (it is only not known not to).
  const begun = async (text) => {
    const list = await wordList(text[0]);
    return list.unknown || Object.keys(list.words || {}).some((word) => word.startsWith(text) || text.startsWith(word));
  };
  const unmatched = async (term) => {
    if (!CHINESE.test(term) || (await wordList(term[0])).unknown) return false;
    const held = Object.keys((await wordList(term[0])).words || {});
    if (held.some((word) => word.startsWith(term))) return false;
    const shorter = held.filter((word) => term.startsWith(word)).reduce((a, b) => (b.length > a.length ? b : a), "");
    return !shorter || !(await begun(term.slice(shorter.length)));
  };
  const stray = async (c) => {
    if (c.term.length !== 1 || c.run.length < 2 || !CHINESE.test(c.term)) return false;
    const { words: held = {}, unknown } = await wordList(c.term);
    if (unknown) return false;
    return !Object.keys(held).some((word) => c.rest.startsWith(word) || (c.rest.length > 1 && word.startsWith(c.rest)));
  };
  // A piece within a longer word looked up (护 of 养护, looked up as 养护) is asked for by that word;
  // and in a quoted phrase, which the text must hold as written, such a word is only left out.
  const covered = (c) => found.some((d) => d !== c && d.run === c.run && d.term.length > c.term.length && d.at <= c.at && c.at + c.term.length <= d.at + d.term.length);
  // (A word that begins inside an indexed word, 基地 of 宅基地 held as 宅基 地, is only left out: above.)
  const dead = await Promise.all(found.map(async (c) => c.aligned && ((await unmatched(c.term)) || (!c.quoted && (await stray(c))))));
  const impossible = new Set();
  for (const term of terms) {
    const own = found.flatMap((c, n) => (c.term === term ? [[c, n]] : []));
    if (!own.length || !own.every(([, n]) => dead[n])) continue;
    if (own.every(([c]) => c.quoted || covered(c))) lost.add(term);
    else impossible.add(term);
  }
  const possible = terms.filter((t) => !impossible.has(t));
  const kept = possible.filter((t) => !lost.has(t));
  const common = new Set();
  for (const term of kept.filter((t) => CHINESE.test(t))) if (((await wordList(term[0])).common || []).includes(term)) common.add(term);
  const narrow = kept.filter((t) => !common.has(t));
  return { terms: narrow.length ? narrow : kept.length ? kept : possible, impossible };
}

// A lone character the browser cut from longer typed text (高 of 高标准农田) is looked up as the
// shortest indexed word that begins where it does and lies within what was typed (高标): Pagefind
// downloads the chunk of each query word, a common character's chunk (every page using it, 8 KB at
// 10,000 pages) is among the largest, and the longer word, matched as a prefix, finds the same text
// (高标准) without the character's unrelated words (高度, 高温 …).
async function widened(found) {
  const out = [];
  for (const c of found) {
    if (c.quoted || !c.aligned || c.term.length !== 1 || c.rest.length < 2 || !CHINESE.test(c.term)) {
      out.push(c);
      continue;
    }
    const { words: held = {} } = await wordList(c.term);
    const within = Object.keys(held).filter((word) => word.length > 1 && c.rest.startsWith(word));
    out.push(within.length ? { ...c, term: within.reduce((a, b) => (b.length < a.length ? b : a)), typed: c.term } : c);
  }
  return out;
}

async function loadFamilies(found) {
  const probes = new Map();
  for (const { term, run, rest } of found.filter((c) => CHINESE.test(c.term))) {
    const { words: held = {}, probes: byChunk = {} } = await wordList(term[0]);
    // A lone character in longer text (宅 of 宅基地审批, 第 and 号 of 第2号) needs only the indexed
    // words that lie within what was typed (宅基), not its whole family (宅院, 第一, 号召 …), which
    // for a common character is thousands of pages. Other words get their whole family.
    const within = term.length === 1 && run.length > 1;
    // Pagefind falls back to the longest indexed word a term starts with (地 for 地块) only when no
    // loaded word starts with the term: while one will be loaded, the shorter words' chunks would
    // go unused.
    const extended = Object.entries(held).some(([word, chunk]) => word.startsWith(term) && byChunk[chunk]?.length);
    let taken = 0;
    // Most frequent words first, so that a cut family keeps the words most pages hold.
    for (const [word, chunk] of Object.entries(held)) {
      const wanted = within ? rest.startsWith(word) : word.startsWith(term) || (!extended && term.startsWith(word));
      if (!wanted || probes.has(chunk) || taken >= MAX_CHUNKS_PER_WORD) continue;
      const probe = (byChunk[chunk] || [])[0];
      probes.set(chunk, probe);
      if (probe) taken += 1;
    }
  }
  const text = [...probes.values()].filter(Boolean).join(" ");
  if (text) await pagefind.preload(text);
}

// gongkai's merged index keeps the date order beside Pagefind's metadata (the entry names the file),
// so that only a visitor who sorts by date downloads it: each page's date, by folder, in page
// order. Oldest first is by date, ties in page order, as Pagefind's own order is.
let dateRanks = null;
async function readRanks() {
  const entry = await (await fetch(new URL("pagefind/pagefind-entry.json", siteRoot), { cache: "no-cache" })).json();
  if (!entry.gongkai_sorts) return null;  // an index as Pagefind wrote it: its metadata holds the order
  const response = await fetch(new URL(`pagefind/${entry.gongkai_sorts}`, siteRoot));
  if (!response.ok) throw new Error(response.statusText);
  const { date: runs = [] } = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
  const dated = [];
  let number = 0;
  for (const [folder, names, values] of runs) {
    names.forEach((name, n) => {
      if (values[n] !== null) dated.push([values[n], number, folder ? `${folder}/${name}` : name]);
      number += 1;
    });
  }
  dated.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return new Map(dated.map(([, , id], rank) => [id, rank]));
}

// Pagefind's search, sorted newest first when asked ({ sort: { date: "desc" } }); a result's score
// is then its place in date order, and a page without a date comes last.
async function search(text, options) {
  const { sort, ...rest } = options;
  if (!sort) return pagefind.search(text, rest);
  // Unreachable (the network, or a deploy under way): this search keeps Pagefind's order, the next tries again.
  dateRanks ??= readRanks().catch(() => { dateRanks = null; return null; });
  const ranks = await dateRanks;
  if (!ranks) return pagefind.search(text, options);
  const found = await pagefind.search(text, rest);
  const results = found.results.map((r) => ({ ...r, score: ranks.get(r.id) ?? -1 }));
  return { ...found, results: results.sort((a, b) => b.score - a.score) };
}

// Pagefind's word boundaries are not always the browser's (the index may hold 高标/准 where the
// browser says 高/标准), so an AND of words can miss a page that contains the text. When it finds
// nothing, look for each word on its own, open the pages most words found, and keep those that
// contain the query as written. Quoted phrases are always checked that way.
export async function find(query, options = {}, settings = {}) {
  const parsed = parse(query), { needles, phrases } = parsed;
  const found = await widened(await align(parsed.found));
  const { terms, impossible } = await usable([...new Set(found.map((c) => c.term))], found);
  // No word typed can match: nothing holds the query (a phrase neither).
  if (!terms.length) return listed([]);
  await loadFamilies(found.filter((c) => terms.includes(c.term)));
  // With a word that can match nothing, no page holds them all: only the pages holding some.
  const direct = impossible.size ? { results: [] } : await search(terms.join(" "), options);
  if (direct.results.length && !phrases.length) return listed(direct.results);
  if (direct.results.length) {
    const exact = checked(direct.results, phrases, PHRASE_CANDIDATES);
    if (await exact.fill(PAGE)) return exact;
  }
  if (settings.fallback === false) return listed([]);
  const votes = new Map();
  for (const term of terms) {
    const { results } = await search(term, options);
    for (const result of results) {
      const entry = votes.get(result.id) || { result, count: 0, weight: 0, terms: new Set() };
      entry.count += 1;
      entry.terms.add(term);
      entry.weight += 1 / Math.log2(2 + results.length);  // a rare word says more than a common one
      votes.set(result.id, entry);
    }
  }
  // Most words first, then the rarer words, then Pagefind's score (with a date sort, the page's
  // place in date order).
  const entries = [...votes.values()].sort((a, b) => b.count - a.count || b.weight - a.weight || b.result.score - a.result.score);
  const ranked = entries.map((v) => v.result);
  // Pages that every word, or all but one, found may hold them all where the index cut words
  // differently: one page of them is checked against the text, the whole text (most such checks
  // fail, and the pages that hold some of the words, shown next, need it too).
  // (With a word that can match nothing, none can.)
  if (!impossible.size) {
    const every = checked(entries.filter((v) => v.count >= terms.length - 1).map((v) => v.result), needles, PAGE, openWhole);
    if (await every.fill(PAGE)) return every;
  }
  // No page holds every word: the pages that hold most of them, best first, each with the words
  // it holds. Quoted phrases still must stand as written.
  return partial(ranked, parsed.parts, phrases, (id) => foundBy(votes.get(id)?.terms || new Set(), parsed.parts, found, terms, impossible));
}

// The typed words that the words searched found a page by: each part as typed when every word
// searched of it did and none of it can match nothing, else those of its words that did (as
// typed: 养 of 养护, looked up as 养护).
function foundBy(hits, parts, found, terms, impossible) {
  const out = [];
  for (const part of parts) {
    const own = found.filter((c) => c.run === part && !c.quoted);
    const searched = own.filter((c) => terms.includes(c.term));
    if (searched.length && searched.every((c) => hits.has(c.term)) && !own.some((c) => impossible.has(c.term))) out.push(part);
    else out.push(...searched.filter((c) => hits.has(c.term)).map((c) => c.typed ?? c.term));
  }
  return [...new Set(out)];
}

// The typed words a text holds: each part as typed when it holds it whole, else those of its
// words it holds (养护 is shown as 养护, not as the 养 and 护 the browser cut it into).
function held(text, parts) {
  const found = [];
  for (const part of parts) {
    if (text.includes(flat(part))) found.push(part);
    else found.push(...segments(part).map((s) => s.segment).filter((w) => text.includes(w)));
  }
  return [...new Set(found)];
}

// Results that hold only some of the words typed: each shown with the words it holds, as the index
// found them (``byIndex``, from a result's id: its head then serves for the excerpt), or, where
// quoted phrases are checked against the whole text, as the text holds them.
function partial(ranked, parts, phrases, byIndex) {
  const source = phrases.length ? checked(ranked, phrases, FALLBACK_CANDIDATES, openWhole) : listed(ranked.slice(0, FALLBACK_CANDIDATES));
  const take = source.take;
  source.partial = true;
  source.take = async (count) => {
    const datas = await take(count);
    for (const data of datas) data.matched = phrases.length ? held(flat(data.content), parts) : byIndex(data.id);
    return datas;
  };
  return source;
}

// Government terms and the words citizens type for them (search/synonyms.json): a query is also
// run with each other word of its groups; what the typed words found comes first.
let synonymTable = null;
async function alternatives(query) {
  synonymTable ??= fetch(new URL("search/synonyms.json", siteRoot)).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  const table = await synonymTable;
  const plain = query.replace(/"[^"]*"|“[^”]*”/g, " ");  // quoted phrases are meant exactly as typed
  const keys = Object.keys(table).filter((k) => plain.includes(k)).sort((a, b) => b.length - a.length);
  const used = keys.filter((k, n) => !keys.slice(0, n).some((longer) => longer.includes(k)));
  const found = [];
  // An other word already typed is not asked again; one within the key (危房改造 of 农村危房改造) is.
  for (const key of used) for (const other of table[key]) if (!plain.replace(key, " ").includes(other)) found.push({ query: query.replace(key, other), word: other, typed: key });
  return found.slice(0, MAX_ALTERNATIVES);
}

// The typed query's results, then each synonym query's, each page once. Pages holding every word
// (typed or synonym) come before pages holding some; partial lists are dropped when any list holds
// every word.
function combined(sources) {
  const held = sources.filter((s) => s.total !== 0);  // a checked list found at least one, or find() would not return it
  const full = held.filter((s) => !s.partial), some = held.filter((s) => s.partial);
  const order = full.length ? full : some;
  const urls = new Set();
  let at = 0, delivered = 0;
  const source = {
    partial: !full.length,
    get total() {
      if (order.every((s) => s.ids)) return new Set(order.flatMap((s) => s.ids)).size;
      return source.done() ? delivered : null;
    },
    ids: null,
    done: () => at >= order.length,
    async take(count) {
      const out = [];
      while (out.length < count && at < order.length) {
        const current = order[at];
        for (const data of await current.take(count - out.length)) {
          const key = new URL(data.url, location.href).pathname;
          if (urls.has(key)) continue;
          urls.add(key);
          if (current.synonym) data.synonym = current.synonym;
          out.push(data);
        }
        if (current.done()) at += 1;
      }
      delivered += out.length;
      return out;
    },
  };
  return source;
}

// With synonyms, the queries are first asked for pages holding all their words; only when none
// does the typed query fall back to pages holding some (a synonym's partial list would cost
// downloads and add little).
async function searchWithSynonyms(query, options) {
  const others = await alternatives(query);
  if (!others.length) return find(query, options);
  const sources = [await find(query, options, { fallback: false })];
  for (const other of others) {
    const found = await find(other.query, options, { fallback: false });
    found.synonym = `${other.typed} → ${other.word}`;
    sources.push(found);
  }
  if (sources.every((s) => s.total === 0)) return find(query, options);
  return combined(sources);
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

// An excerpt that starts inside a sentence starts after the first break instead, with an ellipsis.
const BREAK = /[，。；：、！？,.;:!?\s]/;
export function fromBoundary(excerpt) {
  const lead = excerpt.split("<", 1)[0];
  const at = lead.slice(0, 16).search(BREAK);
  return at >= 0 && at < lead.length - 1 ? "…" + excerpt.slice(at + 1) : excerpt;
}

function resultItem(data, note) {
  const meta = [data.meta.doc_no, data.meta.date && `发布日期 ${data.meta.date}`, data.meta.column].filter(Boolean).join(" · ");
  const li = el("li", {}, el("a", { href: data.url }, data.meta.title || data.url));
  const validity = (data.filters?.["有效性"] || [])[0];
  if (validity && validity !== "有效") li.append(" ", el("span", { class: "status" }, validity));
  if (note) li.append(el("span", { class: "result-note" }, note));
  if (meta) li.append(el("p", { class: "result-meta" }, meta));
  if (data.matched) li.append(el("p", { class: "result-matched" }, data.matched.length ? `包含：${data.matched.join("、")}` : "包含相近的词"));
  if (data.synonym) li.append(el("p", { class: "result-matched" }, `按同义词查到（${data.synonym}）`));
  const excerpt = el("p", { class: "result-excerpt" });
  excerpt.innerHTML = fromBoundary(data.excerpt || "");  // Pagefind escapes the text and adds only <mark>
  li.append(excerpt);
  return li;
}

// Whether every word a result matched lies in an attachment's text: each word belongs to the last
// heading before it (an attachment's text starts with one), or to the page's own text.
function inAttachment(data) {
  const anchors = (data.anchors || []).filter((a) => /h\d/i.test(a.element) && a.text?.length && /\S/.test(a.text)).sort((a, b) => a.location - b.location);
  const owner = (location) => anchors.filter((a) => a.location <= location).pop();
  const locations = data.locations || [];
  return locations.length > 0 && locations.every((location) => (owner(location)?.id || "").startsWith("attachment-text"));
}

async function showMore() {
  const from = source;
  const datas = await from.take(PAGE);
  if (from !== source) return;  // a newer search has replaced the list
  for (const data of datas) {
    // An exact 文号/索引号 match is listed first; Pagefind's copy of it is skipped when it arrives.
    const path = new URL(data.url, location.href).pathname;
    if (seen.has(path)) continue;
    seen.add(path);
    list.append(resultItem(data, data.exact ? "文号/索引号完全匹配" : inAttachment(data) ? "（匹配内容在附件中）" : ""));
  }
  more.hidden = source.done();
}

// The count, once known; until then how many are shown (a checked list learns its total as it goes).
function announce() {
  const shown = list.querySelectorAll("#search-results > li:not(.search-again)").length;
  const count = !shown ? "没有找到相关信息。请换一个词，或减少筛选条件。"
    : source.total !== null ? `找到 ${source.total} 条结果。` : `找到 ${shown} 条结果，可能还有更多，请点“显示更多结果”。`;
  status.textContent = shown && source.partial ? `没有同时包含全部词语的结果，以下结果包含其中部分词语。${count}` : count;
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
  if (!query && !Object.keys(filters).length) {
    source = listed([]);
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
  const found = exact.length
    ? listed(exact.map((e) => ({ url: new URL(e.url, siteRoot).href, meta: { title: e.title, doc_no: e.doc_no, date: e.date, column: e.column }, excerpt: "", exact: true })))
    : query ? await (fullText ? find(`"${query}"`, options) : searchWithSynonyms(query, options)) : listed((await search(null, options)).results);
  fullText = false;
  if (mine !== serial) return;  // a newer search has started
  seen = new Set();
  source = found;
  await showMore();
  if (mine !== serial) return;
  // Announced once the first results are on the page, so a screen reader can go straight to them.
  announce();
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
    // Pagefind cuts Chinese queries with the browser's dictionary (Intl.Segmenter), which is not the
    // index's: a word the browser cuts (专项 → 专 项) could not be asked for, nor its index chunk
    // loaded. This page cuts queries itself, so Pagefind starts under a language tag it leaves
    // whole (it reads the page's lang once, as it starts) and opens the one index there is.
    const root = document.documentElement, lang = root.getAttribute("lang");
    root.setAttribute("lang", "zxx");
    const started = pagefind.init();
    if (lang === null) root.removeAttribute("lang");
    else root.setAttribute("lang", lang);
    await started;
  } catch (error) {
    status.textContent = "搜索暂时无法使用（未找到搜索索引）。请通过信息公开目录查找。";
    return;
  }
  filterBox.hidden = false;
  filterBox.addEventListener("toggle", () => { if (filterBox.open) setupFilters(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  sortSelect.addEventListener("change", run);
  more.addEventListener("click", async () => {
    // One page of results at a time: a second click while one loads would take from the same list.
    if (more.disabled) return;
    more.disabled = true;
    more.setAttribute("aria-busy", "true");
    try {
      await showMore();
      announce();  // the count as it is now, never the one before this page
    } finally {
      more.disabled = false;
      more.removeAttribute("aria-busy");
    }
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) input.value = initial;
  await run();
}

start();
