"""For scrapyd-deploy, which builds the egg with `setup.py bdist_egg`: the metadata is pyproject.toml's."""

from setuptools import setup

setup()
