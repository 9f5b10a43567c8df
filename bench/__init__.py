"""Benchmarks, the realistic portfolio generator and the profile command (see README.md)."""
