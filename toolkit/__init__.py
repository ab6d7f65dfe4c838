"""ASC Scrutiny Toolkit: loaders and calculations behind the Adults and
Communities Overview and Scrutiny Committee's meeting packs.

Data flows one way: files -> loaders (``load_*``) -> calculations (pure
functions on frames) -> notebooks, widgets and reports.  See DESIGN.md.
"""
__version__ = "0.1.0"
