"""Synthetic seeds and needs for the matching benchmark: clustered vectors and structured fields.

Uniform random vectors in 384 dimensions are all nearly orthogonal, so every neighbour is as good
as any other and approximate-search recall means nothing. Real sentence embeddings are clustered
and live near a low-dimensional manifold, so the vectors here are drawn hierarchically:

    field centre (100)  ->  topic centre (2,000, near its field)
    item = normalise(topic + spread * low-rank variation (48-d latent) + noise * isotropic noise)

With the defaults a need's nearest seed has cosine ~0.83 and its 50th nearest ~0.55: the top 50
mixes the need's own topic with neighbouring topics of the same field, which is the regime where
an approximate index can lose neighbours. Needs are drawn the same way around the same topics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODES = (
    "joint_research",
    "contract_research",
    "license",
    "cross_appointment",
    "spinoff",
    "comprehensive_partnership",
)
REGIONS = ("hokkaido", "tohoku", "kanto", "chubu", "kinki", "chugoku", "shikoku", "kyushu")
GENERATION_CHUNK = 50_000


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


@dataclass(frozen=True)
class VectorSpace:
    topics: np.ndarray  # (n_topics, dim) float32, unit rows
    basis: np.ndarray  # (latent_dim, dim) float32
    spread: float
    noise: float

    @property
    def dim(self) -> int:
        return int(self.topics.shape[1])


def make_space(
    dim: int = 384,
    *,
    fields: int = 100,
    topics: int = 2000,
    latent_dim: int = 48,
    topic_spread: float = 1.5,
    spread: float = 0.5,
    noise: float = 0.25,
    seed: int = 0,
) -> VectorSpace:
    """Field and topic centres and the shared low-rank variation; all lengths are norms."""
    rng = np.random.default_rng(seed)
    field_centres = _normalise(rng.standard_normal((fields, dim)))
    offsets = rng.standard_normal((topics, dim)) * (topic_spread / np.sqrt(dim))
    topic_centres = _normalise(field_centres[rng.integers(0, fields, topics)] + offsets)
    basis = (rng.standard_normal((latent_dim, dim)) / np.sqrt(latent_dim)).astype(np.float32)
    return VectorSpace(topics=topic_centres, basis=basis, spread=spread, noise=noise)


def sample_vectors(space: VectorSpace, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """n unit vectors around random topics, generated in chunks to bound temporary memory."""
    out = np.empty((n, space.dim), dtype=np.float32)
    latent_dim = space.basis.shape[0]
    scale = np.float32(1.0 / np.sqrt(space.dim))
    for start in range(0, n, GENERATION_CHUNK):
        m = min(GENERATION_CHUNK, n - start)
        labels = rng.integers(0, space.topics.shape[0], m)
        variation = rng.standard_normal((m, latent_dim), dtype=np.float32) @ space.basis
        noise = rng.standard_normal((m, space.dim), dtype=np.float32)
        chunk = space.topics[labels] + (space.spread * scale) * variation
        chunk += (space.noise * scale) * noise
        out[start : start + m] = _normalise(chunk)
    return out


@dataclass
class SeedFields:
    """Structured fields of n synthetic seeds (row i is seed i)."""

    org_ids: np.ndarray  # int64
    languages: np.ndarray  # object: "ja" / "en"
    trl: np.ndarray  # float, nan = unknown
    mode_masks: np.ndarray  # int: bit i = MODES[i]
    region_codes: np.ndarray  # int: index into REGIONS
    regions: np.ndarray  # object: region name
    capacity_left: np.ndarray  # int
    readiness: np.ndarray  # float in [0, 1], nan = unknown


@dataclass
class NeedFields:
    org_ids: np.ndarray
    languages: np.ndarray
    mode_masks: np.ndarray
    trl_min: np.ndarray  # int
    trl_max: np.ndarray  # int
    budget_yen: np.ndarray  # int, 0 = not stated
    region_masks: np.ndarray  # int: bit i = REGIONS[i], 0 = no preference


def _mode_masks(n: int, rng: np.random.Generator) -> np.ndarray:
    # One to three modes each, joint research most common.
    weights = np.array([0.45, 0.15, 0.2, 0.05, 0.05, 0.1])
    masks = np.zeros(n, dtype=np.int64)
    for _ in range(3):
        pick = rng.choice(len(MODES), size=n, p=weights)
        keep = rng.random(n) < 0.6
        masks |= np.where(keep, 1 << pick, 0)
    masks[masks == 0] = 1
    return masks


def sample_seed_fields(n: int, *, rng: np.random.Generator, orgs: int = 800) -> SeedFields:
    trl = rng.integers(1, 10, n).astype(float)
    trl[rng.random(n) < 0.1] = np.nan
    readiness = rng.random(n)
    readiness[rng.random(n) < 0.3] = np.nan
    region_codes = rng.integers(0, len(REGIONS), n)
    return SeedFields(
        org_ids=rng.integers(1, orgs + 1, n).astype(np.int64),
        languages=np.where(rng.random(n) < 0.7, "ja", "en").astype(object),
        trl=trl,
        mode_masks=_mode_masks(n, rng),
        region_codes=region_codes,
        regions=np.array(REGIONS, dtype=object)[region_codes],
        capacity_left=rng.integers(0, 4, n),
        readiness=readiness,
    )


def sample_need_fields(n: int, *, rng: np.random.Generator, orgs: int = 300) -> NeedFields:
    trl_min = rng.integers(1, 8, n)
    budget = rng.choice([0, 1_000_000, 3_000_000, 10_000_000, 30_000_000], size=n)
    region_masks = np.where(rng.random(n) < 0.3, 1 << rng.integers(0, len(REGIONS), n), 0)
    return NeedFields(
        org_ids=rng.integers(10_001, 10_001 + orgs, n).astype(np.int64),
        languages=np.where(rng.random(n) < 0.8, "ja", "en").astype(object),
        mode_masks=_mode_masks(n, rng),
        trl_min=trl_min,
        trl_max=np.minimum(trl_min + rng.integers(0, 4, n), 9),
        budget_yen=budget.astype(np.int64),
        region_masks=region_masks.astype(np.int64),
    )


def modes_of(mask: int) -> frozenset[str]:
    return frozenset(m for i, m in enumerate(MODES) if mask >> i & 1)


def regions_of(mask: int) -> frozenset[str]:
    return frozenset(r for i, r in enumerate(REGIONS) if mask >> i & 1)
