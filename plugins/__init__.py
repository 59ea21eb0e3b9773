"""The built-in document types, each a pluggy plugin registered through the ``docservice``
entry-point group exactly as a third-party package would be."""
