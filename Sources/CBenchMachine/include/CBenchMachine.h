#ifndef CBENCHMACHINE_H
#define CBENCHMACHINE_H

/// Runs a chain of `8 · rounds` dependent integer additions (one cycle each on every x86-64 core of
/// the last decade) and returns the chain's value, so the caller can time it: cycles ≈ 8 · rounds,
/// hence the clock the benchmark ran at. Elsewhere than x86-64 the chain is plain C (an estimate).
long gradflow_add_chain(long rounds);

#endif
