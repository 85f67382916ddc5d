// Turns the single-page build (jupyter-book --builder singlehtml) into the book's printed
// order: cover, contents, the front page's text as 关于本书, then the chapters.
// Called by scripts/build_pdf.py with the cover's facts; returns the contents entries
// ({id, level, text}), for the page numbers, and the text of every heading, for the outline.
(cover) => {
  const article = document.querySelector("article.bd-article");
  const front = article.querySelector(":scope > section");
  const chapters = front.querySelector(":scope > div.toctree-wrapper");

  // Headings one level up inside the chapters: chapter h2 -> h1, section h3 -> h2, ...
  // so that the PDF outline nests 章 > 节 > 小节 (Chromium builds it from h1-h6).
  const promote = (heading) => {
    const level = Number(heading.tagName[1]);
    const copy = document.createElement(`h${Math.max(1, level - 1)}`);
    for (const attr of heading.attributes) copy.setAttribute(attr.name, attr.value);
    copy.append(...heading.childNodes);
    heading.replaceWith(copy);
    return copy;
  };
  for (const heading of chapters.querySelectorAll("h2, h3, h4, h5, h6")) promote(heading);

  // The front page's own sections (怎样阅读, 在本地运行, ...) stay in front, under 关于本书.
  const title = front.querySelector(":scope > h1");
  title.textContent = "关于本书";
  title.id = "about-this-book";

  // Section numbers as d2l prints them: "3.7 前向传播", not "3.7. 前向传播".
  for (const number of chapters.querySelectorAll(".section-number")) {
    number.textContent = number.textContent.replace(/\.\s*$/, " ");
  }

  // What the screen needs and paper does not: heading links, code toggles of folded
  // plotting code (paper shows the figure), copy buttons. Answers are printed open.
  for (const node of article.querySelectorAll(
    "a.headerlink, button.copybtn, details.hide.above-input, .cell.tag_hide-input > details")) {
    node.remove();
  }
  for (const details of article.querySelectorAll("details")) details.open = true;

  // The pages' own ids repeat in the single page (every page has its "id1"); a repeated id
  // also repeats its heading's text in Chromium's PDF outline. Later ones are renamed; the
  // links that used them were heading links, removed above.
  const seen = new Set();
  for (const node of article.querySelectorAll("[id]")) {
    if (seen.has(node.id)) node.id = `${node.id}-${seen.size}`;
    seen.add(node.id);
  }

  // Contents: every chapter (h1 in the chapters) and section (h2), with unique ids to link to.
  const entries = [{id: "about-this-book", level: 1, text: "关于本书"}];
  let n = 0;
  for (const heading of chapters.querySelectorAll("h1, h2")) {
    const id = `pdf-toc-${n++}`;
    const anchor = document.createElement("span");
    anchor.id = id;
    heading.prepend(anchor);
    entries.push({id, level: Number(heading.tagName[1]), text: heading.textContent.trim()});
  }
  const contents = document.createElement("nav");
  contents.className = "pdf-contents";
  contents.innerHTML = "<p class=\"pdf-contents-title\">目录</p>";
  for (const entry of entries) {
    const line = document.createElement("a");
    line.className = `pdf-toc-line pdf-toc-level${entry.level}`;
    line.href = `#${entry.id}`;
    line.innerHTML = "<span class=\"pdf-toc-text\"></span><span class=\"pdf-toc-leader\"></span>"
      + "<span class=\"pdf-toc-page\">000</span>";
    line.firstChild.textContent = entry.text;
    line.dataset.target = entry.id;
    contents.append(line);
  }

  const coverPage = document.createElement("section");
  coverPage.className = "pdf-cover";
  coverPage.innerHTML = `
    <p class="pdf-cover-title"></p>
    <p class="pdf-cover-subtitle"></p>
    <p class="pdf-cover-credit"></p>
    <div class="pdf-cover-licence"></div>
    <p class="pdf-cover-version"></p>`;
  coverPage.querySelector(".pdf-cover-title").textContent = cover.title;
  coverPage.querySelector(".pdf-cover-subtitle").textContent = cover.subtitle;
  coverPage.querySelector(".pdf-cover-credit").textContent = cover.credit;
  coverPage.querySelector(".pdf-cover-licence").innerHTML = cover.licence;
  coverPage.querySelector(".pdf-cover-version").textContent = cover.version;

  const book = document.createElement("main");
  book.className = "pdf-book bd-article";
  book.append(coverPage, contents, front, chapters);
  for (const chapter of chapters.querySelectorAll(":scope > section")) {
    chapter.classList.add("pdf-chapter");
  }
  document.body.replaceChildren(book);
  document.documentElement.dataset.theme = "light";
  const headings = [...book.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => h.textContent);
  return {entries, headings};
}
