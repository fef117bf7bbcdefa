"""Custom actions of the IMT follow-up assistant, served by rasa_sdk's action server."""

import sys

# bm25s ranks with JAX when it can import it, and TensorFlow's dependencies install JAX. The
# action server ranks a few hundred entries, where NumPy is as fast; JAX would cost it
# about 1.8 s of start-up and 100 MB. An import of jax here fails, so bm25s takes NumPy.
# (In a process that already has JAX, the Rasa server's, nothing changes.)
sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
