"""Performance benchmarks run by hand (`python manage.py benchmark_matching`), never by the test suite."""
