"""aligner: sentence alignment and translation QA for Chinese-English parallel texts.

Stages, one module each, over frozen dataclasses (``aligner.data``):
read -> segment -> embed -> align -> score -> report.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
