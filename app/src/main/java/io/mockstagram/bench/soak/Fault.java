package io.mockstagram.bench.soak;

/**
 * One fault as injected: what, on whom, and the wall-clock window during which it acted (from
 * the first signal until whatever was stopped runs again).
 */
record Fault(FaultKind kind, String target, long startMs, long endMs) {
}
