"""The HTML allowlist: every attack of issue 11 refused at the source with its line, removed by
``clean`` if it ever got past, and titles and descriptions published as text."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import tinyhtml5
import yaml

from conftest import BUILD_DATE, REPO, copy_project
from ballata import sanitize
from ballata.cli import main
from ballata.consent import fingerprint

# (name, Markdown, what the error says, line of the error counted from the attack's first line)
ATTACKS = [
    ("svg-onload", "<svg/onload=alert(1)>", "contains a <svg> tag", 0),
    ("img-alt-gt-onerror", '<img src=x alt="a>b" onerror=alert(1)>',
     "contains an on…= event handler (onerror= on <img>)", 0),
    ("attr-list-onfocus", 'Teks.\n{: tabindex="0" autofocus onfocus=alert(1) }',
     "contains an on…= event handler (onfocus= on <p>)", 1),
    ("attr-list-autofocus", 'Teks.\n{: tabindex="0" autofocus onfocus=alert(1) }',
     "contains the attribute autofocus= on <p>", 1),
    ("attr-list-tabindex", 'Teks.\n{: tabindex="0" }', "contains the attribute tabindex= on <p>", 1),
    ("fenced-code-onclick", "```{ .py onclick=alert(1) }\nx = 1\n```",
     "contains an on…= event handler (onclick= on <code>)", 0),
    ("entity-javascript", "<a href=java&#115;cript:alert(1)>klik</a>",
     "contains a javascript: address in a link", 0),
    ("newline-javascript", '<a href="java\nscript:alert(1)">klik</a>',
     "contains a javascript: address in a link", 0),
    ("markdown-javascript", "[klik](javascript:alert(1))", "contains a javascript: address in a link", 0),
    ("colon-entity-javascript", '<a href="javascript&colon;alert(1)">klik</a>',
     "contains a javascript: address in a link", 0),
    ("data-link", '<a href="data:text/html,<script>alert(1)</script>">klik</a>',
     "contains a data: address in a link", 0),
    ("mailto-link", "[tulis](mailto:?subject=halo)", "contains a mailto: address in a link", 0),
    ("http-link", "[baca](http://evil.example/)", "contains a link to an http: address", 0),
    ("protocol-relative-link", "[baca](//evil.example/)", "contains a link to another server without https", 0),
    ("reference-image", "![foto][r]\n\n[r]: http://evil.example/x.png",
     "shows a picture from another server", 2),
    ("style-url", '<p style="background:url(https://evil.example/x.png)">Teks</p>',
     "contains a style= attribute on <p>", 0),
    ("svg-image", '<svg><image href="https://evil.example/x.png"/></svg>', "contains a <svg> tag", 0),
    ("entity-src", "<img src=&#104;ttps://evil.example/x>", "shows a picture from another server", 0),
    ("backslash-src", '<img src="http:\\\\evil.example\\x.png">', "shows a picture from another server", 0),
    ("image-tag", "<image src=https://evil.example/x.png>", "shows a picture from another server", 0),
    ("input-image", "<input type=image src=https://evil.example/x>",
     "contains <input type=…> with a value other than checkbox", 0),
    ("input-src", "<input type=image src=https://evil.example/x>",
     "contains the attribute src= on <input>", 0),
    ("srcset", '<img srcset="https://evil.example/x 1x">', "contains the attribute srcset= on <img>", 0),
    ("dotdot-src", '<img src="../../../private/x.jpg">', "shows a picture from outside the page's folder", 0),
    ("encoded-dotdot-src", '<img src="%2e%2e/%2e%2e/private/x.jpg">',
     "shows a picture from outside the page's folder", 0),
    ("absolute-src", '<img src="/etc/passwd">', "shows a picture addressed from the root of the site", 0),
    ("file-src", "![x](file:///etc/passwd)", "shows a picture from a file: address", 0),
    ("data-src", "![x](data:image/png;base64,iVBORw0KGgo=)", "shows a picture written into the text", 0),
    ("protocol-relative-src", "![x](//evil.example/x.png)", "shows a picture from another server", 0),
    ("object", '<object data="x.swf"></object>', "contains an <object> tag", 0),
    ("embed", '<embed src="x.swf">', "contains an <embed> tag", 0),
    ("iframe", '<iframe src="https://evil.example/"></iframe>', "contains an <iframe> tag", 0),
    ("form", '<form action="https://evil.example/"><button>Kirim</button></form>', "contains a <form> tag", 0),
    ("base", '<base href="https://evil.example/">', "contains a <base> tag", 0),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
     "contains a <meta> tag", 0),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">',
     "contains a <link> tag", 0),
    ("style-tag", "<style>p{background:url(https://evil.example/x.png)}</style>", "contains a <style> tag", 0),
    ("script", "<script>alert(1)</script>", "contains a <script> tag", 0),
    ("body-onload", "<body onload=alert(1)>", "contains an on…= event handler (onload= on <body>)", 0),
    ("math-mglyph", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
     "contains a <math> tag", 0),
    ("template", "<template><img src=x onerror=alert(1)></template>", "contains a <template> tag", 0),
    ("noscript", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
     "contains a <noscript> tag", 0),
    ("comment-hides-tag", "<!--><img src=x onerror=alert(1)>-->",
     "contains an on…= event handler (onerror= on <img>)", 0),
    ("comment", "Teks.\n\n<!-- <img src=x onerror=alert(1)> -->", "contains an HTML comment", 2),
    ("unfinished-tag", '<div>\n<img src="x.jpg" title="\n</div>',
     "ends inside an unfinished HTML tag or comment", 1),
]
ATTACK_IDS = [name for name, *_ in ATTACKS]
ATTACK_LINE = 5
"""Line of a page written by write_attack_pages where its attack starts."""


def write_attack_pages(root: Path) -> dict[str, str]:
    """One guide per attack (so no attack hides another); name -> the page's path."""
    pages = {}
    for name, markdown, _, _ in ATTACKS:
        folder = root / "content" / "guides" / f"serangan-{name}"
        folder.mkdir(parents=True, exist_ok=True)
        # Line 5 is the attack's first line (ATTACK_LINE).
        (folder / "index.id.md").write_text(f"# Serangan {name}\n\nParagraf pembuka.\n\n{markdown}\n",
                                            encoding="utf-8")
        pages[name] = f"content/guides/serangan-{name}/index.id.md"
    return pages


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[int, str, dict[str, str]]:
    """`ballata check` once on the sample with every attack in a page of its own."""
    root = copy_project(tmp_path_factory.mktemp("attacks"))
    pages = write_attack_pages(root)
    code, err = _run("check", "--root", str(root), "--date", BUILD_DATE)
    return code, err, pages


# At the source: an error with file, line and tip --------------------------------------------
@pytest.mark.parametrize("name, markdown, words, offset", ATTACKS, ids=ATTACK_IDS)
def test_attack_is_an_error_naming_file_and_line(checked, name, markdown, words, offset):
    code, err, pages = checked
    assert code == 1
    line = ATTACK_LINE + offset
    found = [entry for entry in re.split(r"^ERROR ", err, flags=re.M)
             if entry.startswith(f"{pages[name]}:{line}: text: {words}")]
    assert found, err
    assert "\n  TIP " in found[0]


@pytest.mark.parametrize("name, markdown, words, offset", ATTACKS, ids=ATTACK_IDS)
def test_attack_is_found_in_rendered_html(name, markdown, words, offset):
    assert any(f.message.startswith(words)
               for f in sanitize.findings(sanitize.render(markdown))), markdown


@pytest.mark.parametrize("markdown", [
    "# Judul\n\n## Bagian {: #bagian .penting }",
    "Teks dengan **tebal**, *miring*, `kode` dan <abbr title=\"Kartu Tanda Penduduk\">KTP</abbr>.",
    "| Kiri | Tengah | Kanan |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
    "- [x] Paspor\n- [ ] Kontrak",
    '!!! warning "Hati-hati"\n    Jangan bayar calo.',
    "```python\nx = 1\n```",
    "![Tangan memegang bibit](tangan.jpg){: .lebar }",
    "![Foto](foto/tangan.jpg)",
    "[Panduan](/guides/mengurus-paspor/), [cerita](../stories/paspor-ditahan/#akhir), "
    "[BP2MI](https://bp2mi.go.id/), [hotline](tel:+628001000000), [atas](#judul)",
    "<details><summary>Selengkapnya</summary>\n\nTeks.\n</details>",
    "<figure markdown>\n![Foto](tangan.jpg)\n<figcaption>Di ladang</figcaption>\n</figure>",
    "3. tiga\n4. empat",
    "Baris<br>baru<sup>1</sup> H<sub>2</sub>O\n\n---",
], ids=lambda m: m[:24])
def test_what_the_design_needs_passes(markdown):
    html = sanitize.render(markdown)
    assert sanitize.findings(html) == []
    assert _tree(sanitize.clean(html)) == _tree(html)


def test_unclosed_tag_is_reported_once():
    found = sanitize.findings(sanitize.render('<p>a<img src="x.jpg" title="\n\nlagi'))
    assert [f.message for f in found] == ["ends inside an unfinished HTML tag or comment"]


def test_the_same_attack_twice_is_reported_at_both_lines(sample, run):
    page = sample / "content" / "about" / "index.id.md"
    start = len(page.read_text(encoding="utf-8").split("\n"))
    page.write_text(page.read_text(encoding="utf-8")
                    + "\n<img src=x onerror=alert(1)>\n\nTeks.\n\n<img src=x onerror=alert(1)>\n",
                    encoding="utf-8")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    for line in (start + 1, start + 5):
        assert f"content/about/index.id.md:{line}: text: contains an on…= event handler" in result.err


def test_story_text_is_checked_too(sample, run):
    """Even as she approved it: the approval covers the words, not code in them."""
    story = sample / "stories" / "malam-di-barak" / "index.id.md"
    old = fingerprint(story.read_bytes())
    lines = story.read_text(encoding="utf-8").split("\n")
    story.write_text("\n".join(lines) + "\n<svg/onload=alert(1)>\n", encoding="utf-8")
    yml = story.parent / "story.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, fingerprint(story.read_bytes())),
                   encoding="utf-8")
    result = run("check", "--root", str(sample), "--date", BUILD_DATE)
    assert result.code == 1
    assert (f"stories/malam-di-barak/index.id.md:{len(lines) + 1}: text: contains a <svg> tag"
            in result.err)


# The last line of defence --------------------------------------------------------------------
@pytest.mark.parametrize("name, markdown, words, offset", ATTACKS, ids=ATTACK_IDS)
def test_clean_removes_the_attack(name, markdown, words, offset):
    cleaned = sanitize.clean(sanitize.render(markdown))
    left = [f.message for f in sanitize.findings(cleaned)
            if "outside the page's folder" not in f.message]  # `..` is the site's own in output
    assert left == [], cleaned
    assert not re.search(r"evil\.example|javascript:|onerror|onload|onfocus", cleaned, re.I), cleaned


def _sample_bodies() -> list[tuple[str, str]]:
    out = []
    for path in sorted([*REPO.glob("content/**/*.md"), *REPO.glob("stories/**/*.md")]):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            text = text[text.index("\n---", 3) + 4:]
        out.append((path.relative_to(REPO).as_posix(), text))
    return out


def _tree(html: str) -> list[tuple[str, list[tuple[str, str]], str, str]]:
    """Elements, attributes and text as a browser sees them, whatever the serialisation."""
    root = tinyhtml5.parse(html)
    return [(str(e.tag), sorted(e.attrib.items()), (e.text or "").strip(), (e.tail or "").strip())
            for e in root.iter()]


@pytest.mark.parametrize("path, body", _sample_bodies(), ids=lambda v: v if "/" in v else "")
def test_sample_passes_and_clean_changes_nothing(path, body):
    html = sanitize.render(body)
    assert sanitize.findings(html) == []
    assert _tree(sanitize.clean(html)) == _tree(html)


@pytest.mark.parametrize("src, kept", [
    ("https://ballata.invalid/media/0123abcd.jpg", True),
    ("https://ballata.invalid/media/../fonts/x.ttf", False),
    ("https://evil.example/x.png", False),
    ("file:///etc/passwd", False),
    ("data:image/png;base64,iVBORw0KGgo=", False),
])
def test_clean_keeps_only_the_renderers_own_pictures(src, kept):
    cleaned = sanitize.clean(f'<img src="{src}" alt="x">', own_pictures="https://ballata.invalid/media/")
    assert (f'src="{src}"' in cleaned) is kept


def test_the_site_and_the_allowlist_use_the_same_markdown():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    listed: dict[str, dict] = {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        listed[name] = options or {}
    for builtin in ("toc", "tables", "fenced_code"):  # MkDocs always adds these
        listed.setdefault(builtin, {})
    assert set(listed) == set(sanitize.MARKDOWN_EXTENSIONS)
    for name in listed:
        assert listed[name] == sanitize.MARKDOWN_CONFIG.get(name, {}), name


# Titles, bylines and descriptions are text ---------------------------------------------------
TITLE_ATTACK = "Paspor </title><img src=x onerror=alert(1)><title>"
BYLINE_ATTACK = "Ibu <b onmouseover=alert(2)>Sari</b>"
GUIDE_TITLE_ATTACK = "Mengurus </title><img src=x onerror=alert(3)><title>"
DESCRIPTION_ATTACK = '"><meta http-equiv="refresh" content="0;url=https://evil.example/"> Langkah.'


def write_text_attacks(root: Path) -> None:
    """Titles, a byline and a description that would be code if they were not escaped."""
    story = root / "stories" / "paspor-ditahan" / "story.yml"
    text = story.read_text(encoding="utf-8")
    text = text.replace('id: "Paspor yang Ditahan"', f"id: {json.dumps(TITLE_ATTACK)}")
    text = text.replace('display_name: "Ibu Sari"', f"display_name: {json.dumps(BYLINE_ATTACK)}")
    assert TITLE_ATTACK in yaml.safe_load(text)["title"]["id"]
    story.write_text(text, encoding="utf-8")
    guide = root / "content" / "guides" / "mengurus-paspor" / "index.id.md"
    text = guide.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", lambda _: f"title: {json.dumps(GUIDE_TITLE_ATTACK)}",
                  text, count=1, flags=re.M)
    text = re.sub(r"^description: .*$",
                  lambda _: f"description: {json.dumps(DESCRIPTION_ATTACK)}",
                  text, count=1, flags=re.M)
    guide.write_text(text, encoding="utf-8")
    # She approves the words shown with her story: the approval covers words, never code in them.
    from ballata.cli import main as ballata

    for lang in ("id", "en"):
        assert ballata(["consent", "approve", "paspor-ditahan", lang, "--root", str(root)]) == 0


@pytest.fixture(scope="module")
def escaped_build(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("titles"))
    write_text_attacks(root)
    code, err = _run("build", "--root", str(root), "--date", BUILD_DATE)
    assert code == 0, err  # a title is text: not an error
    return root


def _elements(html: str) -> list[tuple[str, dict[str, str]]]:
    return [(str(e.tag).rsplit("}", 1)[-1], dict(e.attrib)) for e in tinyhtml5.parse(html).iter()]


def test_titles_and_descriptions_are_published_as_text(escaped_build):
    pages = sorted((escaped_build / "site").rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        elements = _elements(path.read_text(encoding="utf-8"))
        where = path.relative_to(escaped_build / "site")
        assert not [a for _, a in elements if any(name.startswith("on") for name in a)], where
        assert not [a for tag, a in elements if tag == "meta" and "http-equiv" in a], where
        assert not [a for tag, a in elements if tag == "img" and a.get("src") == "x"], where
        assert not [a for _, a in elements
                    if any("evil.example" in v for k, v in a.items() if k != "content")], where


def test_escaped_text_reads_as_written(escaped_build):
    site = escaped_build / "site"
    story = tinyhtml5.parse((site / "stories" / "paspor-ditahan" / "index.html").read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/1999/xhtml}"
    assert story.find(f".//{ns}title").text.startswith(TITLE_ATTACK + " - ")
    assert "".join(story.find(f".//{ns}h1").itertext()) == TITLE_ATTACK
    assert BYLINE_ATTACK in "".join(story.find(f".//{ns}p[@class='ballata-byline']").itertext())
    og = {m.get("property"): m.get("content") for m in story.iter(f"{ns}meta")}
    assert og["og:title"] == TITLE_ATTACK
    guide = tinyhtml5.parse((site / "guides" / "mengurus-paspor" / "index.html").read_text(encoding="utf-8"))
    metas = {m.get("name") or m.get("property"): m.get("content") for m in guide.iter(f"{ns}meta")}
    assert metas["description"] == DESCRIPTION_ATTACK
    assert metas["og:description"] == DESCRIPTION_ATTACK
    assert guide.find(f".//{ns}title").text.startswith(GUIDE_TITLE_ATTACK + " - ")
    cards = (site / "guides" / "index.html").read_text(encoding="utf-8")
    assert "Mengurus &lt;/title&gt;&lt;img src=x onerror=alert(3)&gt;&lt;title&gt;" in cards


def test_titles_in_pdfs_are_text(escaped_build):
    from pypdf import PdfReader

    pdfs = {p.name: PdfReader(p) for p in sorted((escaped_build / "site").rglob("*.pdf"))}
    handout = pdfs["mengurus-paspor-id.pdf"]
    assert handout.metadata.title == GUIDE_TITLE_ATTACK
    assert handout.metadata.subject == DESCRIPTION_ATTACK
    printed = ["".join(" ".join(page.extract_text() for page in pdf.pages).split())
               for pdf in pdfs.values()]
    for attack in (TITLE_ATTACK, BYLINE_ATTACK):
        assert any("".join(attack.split()) in text for text in printed), attack
