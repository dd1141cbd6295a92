"""Replicas of sibling sites built on other CMS families (TRS WCM, Hanweb JCMS), with their ground truth."""
