"""docservice: the electronic journal and official-documents service."""
import pluggy

hookimpl = pluggy.HookimplMarker("docservice")

from .factory import create_app  # noqa: E402  (hookimpl first: plugins import it)

__all__ = ["create_app", "hookimpl"]
