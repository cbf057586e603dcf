"""A generated, fictional corpus of N stories in two languages, every one approved for web and print."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from ballata.consent import fingerprint

REPO = Path(__file__).resolve().parents[2]
WORDS_ID = ("ladang sawit barak mandor paspor gaji pulang kampung anak ibu kontrak dokumen hujan "
            "klinik sekolah kapal pelabuhan surat telepon keluarga razia hutan upah timbangan "
            "tandan pupuk malam pagi kerja takut berani belajar bersama hak").split()
WORDS_EN = ("estate palm barracks foreman passport wages home village child mother contract papers "
            "rain clinic school boat port letter phone family raid forest pay scales bunch "
            "fertiliser night morning work afraid brave learn together rights").split()
TAGS = ["plantation", "documents", "wages", "family", "return", "health", "education", "safety"]


def _text(rng: random.Random, words: list[str], paragraphs: int) -> str:
    out = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(3, 6)):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 16)))
            sentences.append(sentence.capitalize() + ".")
        out.append(" ".join(sentences))
    return "\n\n".join(out) + "\n"


def make_corpus(dest: Path, stories: int, seed: int = 7) -> Path:
    """The sample project (its stories included) plus ``stories`` generated ones."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("ballata.yml", "mkdocs.yml"):
        shutil.copy(REPO / name, dest / name)
    for name in ("content", "theme", "stories"):
        shutil.copytree(REPO / name, dest / name)
    rng = random.Random(seed)
    for n in range(stories):
        slug = f"cerita-contoh-{n:04d}"
        folder = dest / "stories" / slug
        folder.mkdir(parents=True)
        texts = {"id": _text(rng, WORDS_ID, rng.randint(4, 9)),
                 "en": _text(rng, WORDS_EN, rng.randint(4, 9))}
        for lang, body in texts.items():
            (folder / f"index.{lang}.md").write_text(body, encoding="utf-8")
        tags = ", ".join(rng.sample(TAGS, 2))
        (folder / "story.yml").write_text(f"""\
# GENERATED FICTIONAL BENCHMARK STORY
title: {{id: "Cerita contoh {n}", en: "Sample story {n}"}}
narrator:
  display_name: "Ibu Contoh {n}"
  attribution: pseudonym
region: Bulukumba
destination: {rng.choice(["Sabah", "Sarawak"])}
recorded: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}
original_language: id
tags: [{tags}]
consent:
  status: given
  date: 2025-01-01
  method: written
  recorded_by: "Benchmark"
  channels: [web, print]
  photos: false
  approved:
    id: "{fingerprint(texts['id'].encode())}"
    en: "{fingerprint(texts['en'].encode())}"
""", encoding="utf-8")
    return dest


def bare_material_docs(project: Path, dest: Path) -> Path:
    """The same Markdown laid out plainly for a bare Material build (material + search only)."""
    docs = dest / "docs"
    if dest.exists():
        shutil.rmtree(dest)
    for lang_file, prefix in (("index.id.md", ""), ("index.en.md", "en/")):
        for md in sorted((project / "stories").glob(f"*/{lang_file}")):
            target = docs / prefix / "stories" / md.parent.name / "index.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# {md.parent.name}\n\n" + md.read_text(encoding="utf-8"),
                              encoding="utf-8")
        for md in sorted((project / "content").rglob(lang_file)):
            target = docs / prefix / md.parent.relative_to(project / "content") / "index.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(md.read_text(encoding="utf-8"), encoding="utf-8")
    (dest / "mkdocs.yml").write_text("site_name: bare\ntheme:\n  name: material\n"
                                     "plugins:\n  - search\n", encoding="utf-8")
    return dest
