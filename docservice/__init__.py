"""docservice: the electronic journal and official-documents service."""
from .factory import create_app

__all__ = ["create_app"]
