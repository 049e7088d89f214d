"""The claim model: a sentence classifier beside the rules, for the claims their words miss
("knocks out tennis elbow", "Worried about side effects? There are none."). It scores a sentence
on what it means (WordLlama's sentence embedding; its small English model ships inside the
wheel, so nothing is downloaded) and on its words and word pieces (scikit-learn's TF-IDF over
word pairs and character n-grams), weighed by a logistic regression learned from the labelled
sentences (training.py writes claim_model.json; `make train-claims`). Loaded once per process;
pure after that: the same sentence always gets the same score."""

import hashlib
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

MODEL_PATH = Path(__file__).with_name("claim_model.json")
MODEL_RULE = "likely-claim"  # the rule (rules.yaml) a sentence the model blocks is found under
WORDS = {"ngram_range": (1, 2), "sublinear_tf": True}
CHARACTERS = {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True}


@lru_cache(maxsize=1)
def _embedder() -> Any:
    """WordLlama's bundled model, read from the package itself (cache_dir: the wheel keeps its
    tokenizer under `tokenizers/`, where load() looks for a cache, not for its own files).
    wordllama calls logging.basicConfig() as it is imported: the root logger keeps its own
    handlers, or every record (each access line) would come out a second time, as plain text."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import wordllama

    root.handlers[:] = handlers
    root.setLevel(level)

    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def features(words: Any, characters: Any, sentences: list[str]) -> Any:
    """One row per sentence: its embedding, then its word and character TF-IDF weights."""
    from scipy.sparse import csr_matrix, hstack

    embedded = csr_matrix(_embedder().embed(sentences, norm=True))
    return hstack([embedded, words.transform(sentences), characters.transform(sentences)]).tocsr()


def vectorizer(settings: dict[str, Any], vocabulary: dict[str, int] | None = None, **fit: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**settings, vocabulary=vocabulary, **fit)


@dataclass(frozen=True, eq=False)
class ClaimModel:
    words: Any
    characters: Any
    weights: Any
    intercept: float
    threshold: float
    fingerprint: str  # of the file: a change of model is a change of rules (periodic review)

    def probabilities(self, sentences: list[str]) -> list[float]:
        """How likely each sentence is a blocking claim, 0 to 1."""
        from scipy.special import expit

        if not sentences:
            return []
        scores = features(self.words, self.characters, sentences) @ self.weights + self.intercept
        return [float(probability) for probability in expit(scores)]

    def blocks(self, sentences: list[str]) -> list[bool]:
        return [probability >= self.threshold for probability in self.probabilities(sentences)]


def _fitted(settings: dict[str, Any], part: dict[str, Any]) -> Any:
    import numpy

    fitted = vectorizer(settings, part["vocabulary"])
    fitted.idf_ = numpy.asarray(part["idf"])
    return fitted


def model_of(data: dict[str, Any], fingerprint: str = "") -> ClaimModel:
    """The model a file's content (or a training's result, not yet written) describes."""
    import numpy

    return ClaimModel(
        words=_fitted(WORDS, data["words"]),
        characters=_fitted(CHARACTERS, data["characters"]),
        weights=numpy.asarray(data["weights"]),
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
        fingerprint=fingerprint,
    )


@lru_cache(maxsize=1)
def load_model() -> ClaimModel:
    raw = MODEL_PATH.read_bytes()
    return model_of(orjson.loads(raw), hashlib.sha256(raw).hexdigest()[:16])


def model_fingerprint() -> str:
    """The model file's fingerprint, without loading the model (the rule set's fingerprint)."""
    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class LikelyClaim:
    """A sentence the model blocks: where it is in its text (character offsets)."""

    start: int
    end: int
    text: str


class _SeenSentences:
    """The shipped model's verdict on each sentence seen lately: a sentence seen before in this
    process is not scored again (as the rules' per-text cache), and new ones are scored in one batch."""

    def __init__(self, size: int = 16384) -> None:
        from cachetools import LRUCache

        self.blocks: LRUCache[str, bool] = LRUCache(size)
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.blocks.clear()


SEEN = _SeenSentences()


def likely_claims_in(
    texts: list[str], model: ClaimModel | None = None, ruled: list[list[tuple[int, int]]] | None = None
) -> list[tuple[LikelyClaim, ...]]:
    """For each text, the sentences the model (by default the shipped one) takes for blocking
    claims. A sentence overlapping one of the text's `ruled` spans (where a rule matched) is not
    scored: what a rule matches is the rules' to judge, with its negation, hedging and safeguards.
    Every sentence not scored before goes to the model in one call."""
    from service.content.guardrails.language import sentences

    ruled = ruled or [[] for _ in texts]
    scored = [
        [
            span
            for span in sentences(text)
            if not any(start < span[1] and span[0] < end for start, end in spans)
        ]
        for text, spans in zip(texts, ruled, strict=True)
    ]
    wanted = dict.fromkeys(span[2] for spans in scored for span in spans)  # (in text order)
    with SEEN.lock:
        verdicts = {
            sentence: SEEN.blocks[sentence]
            for sentence in wanted
            if model is None and sentence in SEEN.blocks
        }
    unseen = [sentence for sentence in wanted if sentence not in verdicts]
    verdicts.update(zip(unseen, (model or load_model()).blocks(unseen), strict=True))
    if model is None:
        with SEEN.lock:
            SEEN.blocks.update({sentence: verdicts[sentence] for sentence in unseen})
    return [tuple(LikelyClaim(*span) for span in spans if verdicts[span[2]]) for spans in scored]
