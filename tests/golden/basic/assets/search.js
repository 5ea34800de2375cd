// The search page: Pagefind's index (in /pagefind/ under the base path), read in small
// pieces as the reader types. Nothing is fetched from anywhere but the site itself.
// Results are built as DOM nodes: no text from the index is ever parsed as HTML.
//
// The index is in parts, newest first, listed in parts.json: the first is Pagefind's
// primary index, the others are merged into it, and a search looks in all of them.

const PAGE = 10;
// The words the script shows, by the keys of the theme's word tables: the page's, which
// search.html gives in data-words; else (a site's own search.html from before it did)
// the default theme's English, as i18n/en.yaml says (tests/render/test_words.py checks).
const ENGLISH = {
  "search_failed": "The search index could not be loaded. Try again in a moment, or browse the archive.",
  "search_found": {
    "one": "{n} result.",
    "other": "{n} results."
  },
  "search_found_for": {
    "one": "{n} result for “{words}”.",
    "other": "{n} results for “{words}”."
  },
  "search_nothing": "Nothing found.",
  "search_nothing_for": "Nothing found for “{words}”.",
  "search_in": "in",
  "search_in_first": "In"
};
const form = document.getElementById("search");
const WORDS = form && form.dataset.words ? JSON.parse(form.dataset.words) : ENGLISH;
const PLURALS = new Intl.PluralRules(document.documentElement.lang || "en");
if (form) start(form);

// A table's words, a count's plural form chosen by the page's language, values filled in.
function say(key, values = {}) {
  let text = WORDS[key] ?? ENGLISH[key];
  if (typeof text === "object") text = text[PLURALS.select(values.n)] ?? text.other;
  return text.replace(/\{([a-z_][a-z0-9_]*)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

async function start(form) {
  const query = document.getElementById("search-query");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const order = document.getElementById("search-sort");
  const choices = [...form.querySelectorAll("select[data-filter]")];
  const asked = new URLSearchParams(location.search);
  query.value = asked.get("q") || "";
  order.value = asked.get("sort") === "newest" ? "newest" : "";
  form.hidden = false;
  // Words typed while the index loads stay in the box, and are searched once it has.
  let pagefind, parts, listed;
  try {
    ({ pagefind, parts, listed } = await load(form.dataset.bundle, form.dataset.base));
  } catch (error) {
    status.textContent = say("search_failed");
    return;
  }
  fillChoices(listed.filters || {}, choices, asked);
  // The filters start folded, at every width; a filter or an order the address sets
  // (?tag=energy, ?sort=newest) opens them, so the reader sees why the results are these.
  if (choices.some((choice) => choice.value) || order.value) {
    document.getElementById("search-options").open = true;
  }

  // The results found: how many, and how to get the next ones in order.
  let results = { total: 0, take: async () => [] }, shown = 0, run = 0, timer = 0;

  async function search() {
    const mine = ++run;
    const words = query.value.trim();
    const filters = {};
    for (const choice of choices) if (choice.value) filters[choice.dataset.filter] = choice.value;
    remember(words, filters, order.value);
    if (!words && !Object.keys(filters).length) {
      results = { total: 0, take: async () => [] };
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    const found = order.value === "newest"
      ? await newestFirst(pagefind, parts, words || null, filters)
      : bestFirst(await pagefind.search(words || null, { filters }));
    if (mine !== run) return; // the reader typed on: a newer search is under way
    results = found;
    shown = 0;
    list.replaceChildren();
    status.textContent = results.total
      ? say(words ? "search_found_for" : "search_found", { n: results.total, words })
      : say(words ? "search_nothing_for" : "search_nothing", { words });
    await showMore(mine, false);
  }

  async function showMore(mine, focus) {
    const next = await results.take(shown, shown + PAGE);
    const data = await Promise.all(next.map((result) => result.data()));
    if (mine !== run) return;
    const items = data.map(resultItem);
    list.append(...items);
    shown += next.length;
    more.hidden = shown >= results.total;
    if (focus && items.length) items[0].querySelector("a").focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  for (const choice of [...choices, order]) choice.addEventListener("change", search);
  more.addEventListener("click", () => showMore(run, true));
  if (query.value || choices.some((choice) => choice.value)) search();
}

// Pagefind, with every part of the index. Each part's entry file is cached under its
// key, which changes when the part does.
async function load(bundle, base) {
  const answer = await fetch(bundle + "parts.json", { cache: "no-cache" });
  if (!answer.ok) throw new Error(`parts.json: ${answer.status}`);
  const listed = await answer.json();
  const parts = listed.parts;
  const pagefind = await import(bundle + "pagefind.js");
  const common = { baseUrl: base, excerptLength: 30 };
  const [primary, ...merged] = parts;
  await pagefind.options({ ...common, basePath: `${bundle}${primary.name}/`, metaCacheTag: primary.key, mergeFilter: { part: primary.name } });
  await pagefind.init();
  await Promise.all(merged.map((part) =>
    pagefind.mergeIndex(`${bundle}${part.name}/`, { ...common, metaCacheTag: part.key, mergeFilter: { part: part.name } })));
  return { pagefind, parts, listed };
}

function bestFirst(found) {
  return { total: found.results.length, take: async (from, to) => found.results.slice(from, to) };
}

// Newest first across parts: Pagefind orders each part's results by date, but merges
// parts by their rank within each part. The parts hold consecutive stretches of the
// calendar, newest first, so they are asked in turn (a part's "part" filter leaves
// the others out), and only as far as the results shown need: at 100,000 items a
// search asks 2 of 82 parts for its first page, not all of them.
async function newestFirst(pagefind, parts, words, filters) {
  const sort = { date: "desc" };
  const total = (await pagefind.search(words, { filters, sort })).results.length;
  const found = [];
  let asked = 0;
  async function take(from, to) {
    while (found.length < to && asked < parts.length) {
      const only = { ...filters, part: parts[asked++].name };
      found.push(...(await pagefind.search(words, { filters: only, sort })).results);
    }
    return found.slice(from, to);
  }
  return { total, take };
}

// The filters' values and counts come with the list of parts, made by the build:
// asking Pagefind would fetch every part's filter files first.
function fillChoices(counts, choices, asked) {
  for (const choice of choices) {
    const name = choice.dataset.filter;
    const values = Object.entries(counts[name] || {});
    if (!values.length) {
      choice.parentElement.hidden = true;
      continue;
    }
    values.sort(([a], [b]) => (name === "year" ? b.localeCompare(a) : a.localeCompare(b)));
    for (const [value, count] of values) choice.add(new Option(`${value} (${count})`, value));
    const wanted = asked.get(name);
    if (wanted && values.some(([value]) => value === wanted)) choice.value = wanted;
  }
}

function remember(words, filters, order) {
  const params = new URLSearchParams();
  if (words) params.set("q", words);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  if (order) params.set("sort", order);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function resultItem(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const line = document.createElement("p");
  line.className = "byline";
  if (data.meta.date) line.append(data.meta.date);
  if (data.meta.edition && data.meta.edition_url) {
    const edition = document.createElement("a");
    edition.href = data.meta.edition_url;
    edition.textContent = data.meta.edition;
    line.append(line.childNodes.length ? ` · ${say("search_in")} ` : `${say("search_in_first")} `, edition);
  }
  if (line.childNodes.length) item.append(line);
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...marked(data.excerpt || ""));
  item.append(excerpt);
  return item;
}

// Pagefind's excerpt is escaped text with <mark> around the words found: each piece is
// decoded to the characters it stands for ("Vec&lt;T&gt;" is "Vec<T>"), then set as
// text, so nothing in an excerpt is ever read as markup.
const decoder = new DOMParser();

function decoded(part) {
  return decoder.parseFromString(part, "text/html").documentElement.textContent;
}

function marked(excerpt) {
  const nodes = [];
  let inside = false;
  for (const part of excerpt.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") inside = true;
    else if (part === "</mark>") inside = false;
    else if (part && inside) {
      const mark = document.createElement("mark");
      mark.textContent = decoded(part);
      nodes.push(mark);
    } else if (part) nodes.push(document.createTextNode(decoded(part)));
  }
  return nodes;
}
