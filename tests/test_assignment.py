"""Assignment, checked against values published outside this project: the FNV-1a reference
vectors, and the hash, bucket and coverage cases in GrowthBook's SDK test suite (cases.json
and the JS SDK's tests), which every GrowthBook SDK must reproduce; and the real Python SDK
deciding for many visitor ids of every shape."""

import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from growthbook import Experiment, GrowthBook

from service.content.assignment import assign, bucket, bucket_ranges, choose_variant, fnv1a32


@pytest.mark.parametrize(("text", "expected"), [("", 0x811C9DC5), ("a", 0xE40C292C), ("foobar", 0xBF9CF968)])
def test_fnv1a32_matches_the_reference_vectors(text, expected):
    assert fnv1a32(text) == expected


@pytest.mark.parametrize(
    ("seed", "visitor", "version", "expected"),
    [
        ("", "a", 1, 0.22),
        ("", "b", 1, 0.077),
        ("b", "a", 1, 0.946),
        ("ef", "d", 1, 0.652),
        ("", "8952klfjas09ujkasdf", 1, 0.549),
        ("", "123", 1, 0.011),
        ("", '___)((*":&', 1, 0.563),
        ("seed", "a", 2, 0.0505),
        ("seed", "b", 2, 0.2696),
        ("foo", "ab", 2, 0.2575),
        ("foo", "def", 2, 0.2019),
        ("89123klj", "8952klfjas09ujkasdf", 2, 0.124),
        ("90850943850283058242805", "123", 2, 0.7516),
        ("()**(%$##$%#$#", '___)((*":&', 2, 0.0128),
    ],
)
def test_buckets_match_growthbooks_published_hash_cases(seed, visitor, version, expected):
    assert bucket(seed, visitor, version) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("weights", "coverage", "expected"),
    [
        ([0.5, 0.5], 1, [(0, 0.5), (0.5, 1)]),
        ([0.5, 0.5], 0.5, [(0, 0.25), (0.5, 0.75)]),
        ([0.4, 0.6], 0.1, [(0, 0.04), (0.4, 0.46)]),
        ([0.2, 0.3, 0.5], 0.2, [(0, 0.04), (0.2, 0.26), (0.5, 0.6)]),
        ([0.5, 0.5], -0.2, [(0, 0), (0.5, 0.5)]),
        ([0.5, 0.5], 1.5, [(0, 0.5), (0.5, 1)]),
    ],
)
def test_bucket_ranges_match_growthbooks_cases(weights, coverage, expected):
    assert bucket_ranges(weights, coverage) == [pytest.approx(r) for r in expected]


def test_choose_variant_matches_growthbooks_cases():
    even, reduced = bucket_ranges([0.5, 0.5]), bucket_ranges([0.5, 0.5], 0.5)
    assert [choose_variant(n, even) for n in (0.2, 0.6, 0.4, 0.8, 0, 0.5)] == [0, 1, 0, 1, 0, 1]
    assert [choose_variant(n, reduced) for n in (0.2, 0.6, 0.4, 0.8)] == [0, 1, None, None]


def test_coverage_leaves_visitors_out_exactly_as_growthbooks_sdk_does():
    """GrowthBook's JS SDK test: experiment "my-test", two variations, coverage 0.4, users 1-9."""
    got = [assign("my-test", str(user), [0.5, 0.5], coverage=0.4, version=1).variant for user in range(1, 10)]
    assert got == [None, 0, 0, None, 1, None, 0, 1, None]


def test_the_same_visitor_always_gets_the_same_variant():
    first = [assign("hero-headline", f"visitor-{n}", [0.5, 0.5]).variant for n in range(200)]
    assert first == [assign("hero-headline", f"visitor-{n}", [0.5, 0.5]).variant for n in range(200)]
    assert len(set(first)) == 2


def test_the_split_follows_the_weights():
    weights = [0.2, 0.3, 0.5]
    counts = [0, 0, 0]
    for n in range(20_000):
        counts[assign("cta-test", f"v{n}", weights).variant] += 1
    for count, weight in zip(counts, weights, strict=True):
        assert count / 20_000 == pytest.approx(weight, abs=0.015)


def visitor_ids(count: int, seed: int = 12) -> list[str]:
    """Ids of every shape a frontend may send: hex, digits, accented Latin, CJK, emoji (beyond
    the Basic Multilingual Plane: two UTF-16 units each) and mixtures of them."""
    rng = random.Random(seed)
    alphabets = {
        "hex": "0123456789abcdef",
        "digits": "0123456789",
        "accented": "aeiouàéîõüçñßøåæœ",
        "cjk": "日本語中文漢字한국어𠀀𠀋𡈽",  # the last three are outside the BMP
        "emoji": "😀🎉🩺💉🦴❤️✨",
    }
    shapes = [*alphabets, "mixed"]
    ids = []
    for n in range(count):
        shape = shapes[n % len(shapes)]
        letters = "".join(alphabets.values()) if shape == "mixed" else alphabets[shape]
        ids.append("".join(rng.choice(letters) for _ in range(rng.randint(1, 36))))
    return ids


SPLITS = pytest.mark.parametrize(
    ("weights", "coverage"),
    [([0.5, 0.5], 1.0), ([0.2, 0.3, 0.5], 0.6), ([0.1, 0.9], 0.25), ([0.25, 0.25, 0.25, 0.25], 0.95)],
)


@SPLITS
def test_every_visitor_gets_the_variant_growthbooks_python_sdk_gives(weights, coverage):
    """The real SDK (growthbook 4.x, whose hash is the JavaScript SDK's) decides for 12,000 ids."""
    sdk = GrowthBook(attributes={})
    experiment = Experiment(
        key="cta-heading",
        variations=list(range(len(weights))),
        weights=weights,
        coverage=coverage,
        hashVersion=2,
        seed="3b9f0c6e-cta-heading",
    )
    differing = []
    for visitor in visitor_ids(12_000):
        sdk.set_attributes({"id": visitor})
        expected = sdk.run(experiment)
        ours = assign("3b9f0c6e-cta-heading", visitor, weights, coverage).variant
        if ours != (expected.variationId if expected.inExperiment else None):
            differing.append(visitor)
    assert differing == []


CLINIC_SITE = Path(__file__).resolve().parents[1] / "examples" / "clinic-site"


@SPLITS
def test_every_visitor_gets_the_variant_growthbooks_javascript_sdk_gives(weights, coverage):
    """@growthbook/growthbook (the SDK an edge or browser runs), installed by `make frontend-check`."""
    if not (CLINIC_SITE / "node_modules" / "@growthbook" / "growthbook").is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI runs `make frontend-check` first, which installs the JavaScript SDK")
        pytest.skip("the JavaScript SDK is not installed: run `make frontend-check`")
    visitors = visitor_ids(12_000)
    request = {"seed": "3b9f0c6e-cta-heading", "weights": weights, "coverage": coverage, "visitors": visitors}
    sdk = subprocess.run(
        ["node", "growthbook-parity.mjs"],
        cwd=CLINIC_SITE,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    expected = json.loads(sdk.stdout)
    ours = [assign(request["seed"], visitor, weights, coverage).variant for visitor in visitors]
    assert [v for v, e, o in zip(visitors, expected, ours, strict=True) if e != o] == []
