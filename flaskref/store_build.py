"""Writing the compact store (`store.py`): whole after a build, or only what an update of a
few entries touches.

An update keeps each document's number (a changed entry keeps its own; a removed one leaves
its number unused, an added one takes a new one), rewrites the postings of the terms the old
and the new versions contain, appends the new blocks and writes a header of a new name. The
idf is applied at lookup time from the current counts; the term-frequency parts of the
postings stay those computed with the average field lengths of the last full build, and a
lookup scores the documents near the top again with today's averages (`Store.rescore`), so
the answers are a fresh build's to the bit. Once the averages would move by more than
`MAX_DRIFT` (the rescoring would widen) the update refuses (`Stale`) and the index is built
anew. Replaced blocks stay in the data file until they outweigh the live ones; the next
update then first copies the live blocks into a new data file (`_compacted`).
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable

from flaskref.analysis import analyze
from flaskref.entry import Entry
from flaskref.messages import literal_words
from flaskref.store import Store, Writer, field_texts, ints, table, tf_part

#: How far (relative) an update may leave an average field length from the one the postings
#: were computed with before a full build is due.
MAX_DRIFT = 0.02
#: Bytes of replaced blocks per byte of live ones before an update compacts the data file.
MAX_GARBAGE = 1.0

#: A document to index: the entry, its names and where its messages are printed.
Record = tuple[Entry, Iterable[str], Iterable[str]]


class Stale(Exception):
    """An update would leave the store too far from a fresh build's: build anew."""


def lean_record(entry: Entry, names: Iterable[str], sources: Iterable[str]) -> tuple:
    """What ranking reads of an entry (`store_index.lean` reads it back)."""
    return (
        entry.id,
        entry.title,
        entry.topic,
        entry.exceptions,
        entry.errors,
        entry.versions,
        tuple(names),
        tuple(sources),
    )


def write(folder: str, stats: dict, postings: Iterable[tuple], records: Iterable[Record]) -> str:
    """Write a store into `folder` (an index build's folder); returns the header's digest.

    `stats`: the field names, the document count, per field the total and average length
    and each document's length as Whoosh's scorer reads them; `postings`: (term, {field
    number: (docs, weights, doc frequency)}) one term at a time, documents numbered in KB
    order; `records`: per document number, in order, what `lean_record` takes.
    """
    avgfls, lengths = stats["avgfl"], stats["lengths"]

    def parts(fi: int, docs, weights, df: int) -> tuple[bytes, bytes, int]:
        fl, avgfl = lengths[fi], avgfls[fi]
        values = [tf_part(w, fl[d], avgfl) for d, w in zip(docs, weights, strict=True)]
        return array("I", docs).tobytes(), array("d", values).tobytes(), df

    out = Writer(folder)
    try:
        terms = {}
        for term, by_field in postings:
            tfs = {fi: array("I", [int(w) for w in p[1]]).tobytes() for fi, p in by_field.items()}
            by_number = {fi: parts(fi, *p) for fi, p in by_field.items()}
            terms[term] = out.block((by_number, out.block(tfs)))
        lean_at, full_at, ids, topics, sortkeys = array("I"), array("I"), [], [], []
        name_df: Counter[str] = Counter()
        words: dict[str, list[int]] = {}
        for doc, (entry, names, sources) in enumerate(records):
            lean_at.append(out.block(lean_record(entry, names, sources)))
            full_at.append(out.block(entry.to_dict()))
            ids.append(entry.id)
            topics.append(entry.topic)
            sortkeys.append((entry.topic, entry.title.lower()))
            name_df.update(set(names))
            for w, triple in _template_words(doc, entry):
                words.setdefault(w, []).extend(triple)
        header = {
            "fields": stats["fields"],
            "dc": stats["dc"],
            "avgfl": tuple(avgfls),
            "totals": tuple(stats["totals"]),
            "terms": table(terms),
            "words": table({w: out.block(tuple(flat)) for w, flat in sorted(words.items())}),
            "lean": lean_at.tobytes(),
            "full": full_at.tobytes(),
            "ids": tuple(ids),
            "topics": tuple(topics),
            "rank": array("I", range(len(ids))).tobytes(),
            "order": _order(sortkeys, range(len(ids))),
            "sortkeys": out.block(tuple(sortkeys)),
            "lengths": out.block(tuple(array("I", fl).tobytes() for fl in lengths)),
            "name_df": table(name_df),
            "garbage": 0,
            "dead": b"",
            "generation": 0,
        }
        return out.finish(header)
    except BaseException:
        out.close()
        raise


def update(
    folder: str,
    head: str,
    expected: str,
    *,
    removed: Iterable[str],
    records: Iterable[Record],
    kb_order: list[str],
    quantize: Callable[[int], int],
) -> tuple[str, str]:
    """Update the store in `folder` (header file `head`, of digest `expected`): the entries
    `removed` go, `records` are added or replace the entries of the same id, and `kb_order`
    is every entry id in KB order. `quantize` gives a field length as Whoosh records it.

    Returns the new header's file name and digest; the old header stays readable. Raises
    `Stale` when a full build is due instead.
    """
    old = Store(folder, expected, head)
    try:
        return _update(old, folder, head, set(removed), list(records), kb_order, quantize)
    finally:
        old.close()


def _update(old: Store, folder, head, removed, records, kb_order, quantize) -> tuple[str, str]:
    h = old.header
    sizes = ints(h["blocks"][1], "I")
    live = os.path.getsize(os.path.join(folder, h["data"])) - h["garbage"]
    base = _compacted(old, folder) if h["garbage"] > MAX_GARBAGE * live else h
    dead = array("I", base["dead"])
    ids, topics = list(h["ids"]), list(h["topics"])
    lean_at, full_at = array("I", h["lean"]), array("I", h["full"])
    sortkeys = list(old.block(h["sortkeys"]))
    lengths = [array("I", fl) for fl in old.block(h["lengths"])]
    totals, avgfl = list(h["totals"]), h["avgfl"]
    doc_of = {eid: d for d, eid in enumerate(ids) if eid is not None}
    dead += array("I", (h["sortkeys"], h["lengths"]))

    # term -> field number -> document -> its new (term-frequency part, term frequency), or
    # None: it goes
    postings: dict[str, dict[int, dict[int, tuple[float, int] | None]]] = {}
    names: Counter[str] = Counter()
    words: dict[str, dict[tuple[int, int], int | None]] = {}
    leaving = [doc_of[eid] for eid in removed if eid in doc_of]
    leaving += [doc_of[r[0].id] for r in records if r[0].id in doc_of]
    for d in leaving:
        entry = Entry.from_dict(old.block(full_at[d]))
        names.subtract(set(old.block(lean_at[d])[6]))
        dead += array("I", (full_at[d], lean_at[d]))
        for fi, text in enumerate(field_texts(entry)):
            tokens = analyze(text)
            totals[fi] -= len(tokens)
            for t in set(tokens):
                postings.setdefault(t, {}).setdefault(fi, {})[d] = None
        for w, (_, t, _) in _template_words(d, entry):
            words.setdefault(w, {})[(d, t)] = None
    for eid in removed:
        if eid in doc_of:
            d = doc_of.pop(eid)
            ids[d] = topics[d] = sortkeys[d] = None

    out = Writer(folder, base)
    try:
        for entry, entry_names, sources in records:
            d = doc_of.get(entry.id)
            if d is None:
                d = doc_of[entry.id] = len(ids)
                ids.append(None)
                topics.append(None)
                sortkeys.append(None)
                lean_at.append(0)
                full_at.append(0)
                for fl in lengths:
                    fl.append(1)
            ids[d], topics[d] = entry.id, entry.topic
            sortkeys[d] = (entry.topic, entry.title.lower())
            lean_at[d] = out.block(lean_record(entry, entry_names, sources))
            full_at[d] = out.block(entry.to_dict())
            names.update(set(entry_names))
            for fi, text in enumerate(field_texts(entry)):
                tokens = analyze(text)
                totals[fi] += len(tokens)
                fl = lengths[fi][d] = quantize(len(tokens))
                for t, tf in Counter(tokens).items():
                    part = tf_part(float(tf), fl, avgfl[fi])
                    postings.setdefault(t, {}).setdefault(fi, {})[d] = (part, tf)
            for w, (_, t, size) in _template_words(d, entry):
                words.setdefault(w, {})[(d, t)] = size
        dc = len(doc_of)
        for fi, total in enumerate(totals):
            now = total / dc if dc else 0  # as Whoosh averages: 1 for an empty field
            if abs((now or 1) - avgfl[fi]) > MAX_DRIFT * avgfl[fi]:
                raise Stale(f"the average length of {h['fields'][fi]} moved too far")

        terms = _unpack(h["terms"])
        for term, by_field in postings.items():
            n = terms.pop(term, None)
            found, found_tfs = {}, {}
            if n is not None:
                found, tfs_at = old.block(n)
                found_tfs = old.block(tfs_at)
                dead += array("I", (n, tfs_at))
            merged, merged_tfs = {}, {}
            for fi in sorted(set(found) | set(by_field)):
                docs, parts, tfs = array("I"), array("d"), array("I")
                if fi in found:
                    docs.frombytes(found[fi][0])
                    parts.frombytes(found[fi][1])
                    tfs.frombytes(found_tfs[fi])
                _merge(docs, parts, tfs, by_field.get(fi, {}))
                if docs:
                    merged[fi] = (docs.tobytes(), parts.tobytes(), len(docs))
                    merged_tfs[fi] = tfs.tobytes()
            if merged:
                terms[term] = out.block((merged, out.block(merged_tfs)))

        template_words = _unpack(h["words"])
        for w, changes in words.items():
            n = template_words.pop(w, None)
            flat = list(old.block(n)) if n is not None else []
            if n is not None:
                dead.append(n)
            triples = {(flat[i], flat[i + 1]): flat[i + 2] for i in range(0, len(flat), 3)}
            for key, size in changes.items():
                if size is None:
                    triples.pop(key, None)
                else:
                    triples[key] = size
            if triples:
                template_words[w] = out.block(
                    tuple(v for key in sorted(triples) for v in (*key, triples[key]))
                )

        name_df = Counter(_unpack(h["name_df"]))
        name_df.update(names)
        place = {eid: i for i, eid in enumerate(kb_order)}
        rank = array("I", [len(ids) + d for d in range(len(ids))])
        for eid, d in doc_of.items():
            rank[d] = place.get(eid, len(kb_order))
        header = {
            **{k: v for k, v in h.items() if k not in ("blocks", "data", "version")},
            "dc": dc,
            "totals": tuple(totals),
            "terms": table(terms),
            "words": table(template_words),
            "lean": lean_at.tobytes(),
            "full": full_at.tobytes(),
            "ids": tuple(ids),
            "topics": tuple(topics),
            "rank": rank.tobytes(),
            "order": _order(sortkeys, rank),
            "sortkeys": out.block(tuple(sortkeys)),
            "lengths": out.block(tuple(fl.tobytes() for fl in lengths)),
            "name_df": table({k: v for k, v in name_df.items() if v > 0}),
            "garbage": base["garbage"] + sum(sizes[n] for n in dead[len(base["dead"]) // 4 :]),
            "dead": dead.tobytes(),
            "generation": h["generation"] + 1,
        }
        new_head = f"store.{header['generation']}.head"
        digest = out.finish(header, new_head)
    except BaseException:
        out.close()
        raise
    _remove_old_files(folder, keep=(head, new_head, h["data"], base["data"]))
    return new_head, digest


def _compacted(old: Store, folder: str) -> dict:
    """A copy of the store's live blocks into a data file of its own, and the header that
    reads them there: block numbers stay, replaced blocks are left out (read as damaged, which
    nothing does). Readers of the old header keep the old file."""
    h = old.header
    offsets, sizes = ints(h["blocks"][0], "Q"), ints(h["blocks"][1], "I")
    dead = set(ints(h["dead"], "I"))
    name = f"store.{h['generation'] + 1}.data"
    new_offsets, new_sizes = array("Q"), array("I")
    at = 0
    with open(os.path.join(folder, name), "wb") as fh:
        for n in range(len(sizes)):
            if n in dead:
                new_offsets.append(0)
                new_sizes.append(0)
                continue
            data = old.raw(offsets[n], sizes[n])
            fh.write(data)
            new_offsets.append(at)
            new_sizes.append(len(data))
            at += len(data)
    blocks = (new_offsets.tobytes(), new_sizes.tobytes(), h["blocks"][2])
    return {**h, "data": name, "blocks": blocks, "garbage": 0, "dead": b""}


def _merge(docs: array, parts: array, tfs: array, changes: dict) -> None:
    """Apply a term's changes in one field to its sorted postings, in place."""
    for d, change in changes.items():
        at = bisect_left(docs, d)
        present = at < len(docs) and docs[at] == d
        if change is None:
            if present:
                del docs[at], parts[at], tfs[at]
        elif present:
            parts[at], tfs[at] = change
        else:
            docs.insert(at, d)
            parts.insert(at, change[0])
            tfs.insert(at, change[1])


def _template_words(doc: int, entry: Entry) -> Iterable[tuple[str, tuple[int, int, int]]]:
    """Each word of each of the entry's templates, with (document, template number, how
    many distinct words the template has): what `StoreIndex.template_candidates` counts."""
    for t, template in enumerate(entry.errors):
        unique = set(literal_words(template))
        for w in sorted(unique):
            yield w, (doc, t, len(unique))


def _order(sortkeys: list, rank) -> bytes:
    """Each document's place in `entries()` order (topic, then title; dead documents last)."""
    live = sorted((key[0], key[1], rank[d], d) for d, key in enumerate(sortkeys) if key is not None)
    order = array("I", [len(sortkeys)] * len(sortkeys))
    for place, (*_, d) in enumerate(live):
        order[d] = place
    return order.tobytes()


def _unpack(packed: tuple[str, bytes, bytes]) -> dict[str, int]:
    """A `store.table` back as a dict (only updates need it whole)."""
    text, offsets, values = packed
    at, numbers = ints(offsets, "I"), ints(values, "q")
    return {text[at[i] : at[i + 1]]: numbers[i] for i in range(len(numbers))}


def _remove_old_files(folder: str, keep: tuple[str, ...]) -> None:
    """Headers older than the previous one, and data files neither reads: no reader opens
    them any more (a reader that read the previous manifest opens the previous header, which
    stays, with its data)."""
    for name in os.listdir(folder):
        if name.startswith("store.") and name.endswith((".head", ".data")) and name not in keep:
            try:
                os.remove(os.path.join(folder, name))
            except OSError:
                pass
