"""choreo's benchmarks: figures and ratios to read, never pass/fail gates."""
