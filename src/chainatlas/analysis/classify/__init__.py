"""Registry records → chain nodes (企业挂链): vocabulary, matcher, the classifier and region resolution.

Pure: nothing here reads files or the store, so the same functions run locally and on Spark.
"""

from chainatlas.analysis.classify.classifier import MIN_SCORE, Assignment, classify_record
from chainatlas.analysis.classify.matcher import Matcher, matcher_for
from chainatlas.analysis.classify.vocabulary import Vocabulary, build_vocabulary

__all__ = ["MIN_SCORE", "Assignment", "Matcher", "Vocabulary", "build_vocabulary", "classify_record", "matcher_for"]
