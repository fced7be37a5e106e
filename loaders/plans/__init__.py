"""Plan documents in, targets out: read, find sections, split, values, indicator, scope, locality."""
