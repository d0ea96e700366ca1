"""Registry exports → chain nodes: wiring of reader, classifier engines (local, Spark) and the store.

Faces (CLI, facade) call :mod:`chainatlas.registry.pipeline`; the rules live in
:mod:`chainatlas.analysis.classify`.
"""
