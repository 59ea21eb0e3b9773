"""The plugin manager: built from ``create_app``, kept in ``app.extensions``.

Plugins come from the ``docservice`` entry-point group — the built-in document types are
listed there in ``pyproject.toml`` exactly as a third-party package would list its own —
plus the core's own hook implementations (rendering, render timing).

``DOCSERVICE_BLOCK_PLUGINS=name,name`` blocks plugins by name;
``DOCSERVICE_TRACE_HOOKS=1`` logs every hook call.
"""
from __future__ import annotations

import logging
import os

import pluggy
from flask import Flask, current_app

from . import hookspecs

log = logging.getLogger("docservice.plugins")
CORE_PLUGINS = ("docservice.documents.rendering", "docservice.documents.timing")


def build_plugin_manager(extra: tuple = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("docservice")
    pm.add_hookspecs(hookspecs)
    for name in _blocked():
        pm.set_blocked(name)
    for module in CORE_PLUGINS:
        pm.register(__import__(module, fromlist=["_"]), name=module)
    pm.load_setuptools_entrypoints("docservice")
    for plugin in extra:
        pm.register(plugin)
    pm.check_pending()
    if os.environ.get("DOCSERVICE_TRACE_HOOKS"):
        pm.trace.root.setwriter(log.info)
        pm.enable_tracing()
    return pm


def _blocked() -> list[str]:
    return [n.strip() for n in os.environ.get("DOCSERVICE_BLOCK_PLUGINS", "").split(",") if n.strip()]


def init_app(app: Flask) -> None:
    from .documents.registry import DocumentRegistry

    pm = build_plugin_manager(tuple(app.config.get("PLUGINS", ())))
    registry = DocumentRegistry()
    pm.hook.docservice_register_document_types(registry=registry)
    app.extensions["docservice.plugins"] = pm
    app.extensions["docservice.documents"] = registry


def plugin_manager() -> pluggy.PluginManager:
    return current_app.extensions["docservice.plugins"]
