# GradFlow: the two commands after cloning are `make demo` and `make test`.
SWIFT ?= swift
# Numeric code is slow in debug builds, so the tests run optimised (with testability for @testable).
RELEASE_TEST_FLAGS = -c release -Xswiftc -enable-testing
MNIST ?= $(or $(GRADFLOW_MNIST),../shared/datasets/mnist)

.PHONY: build test test-debug demo bench bench-compare clean

build:
	$(SWIFT) build -c release

test:
	$(SWIFT) test $(RELEASE_TEST_FLAGS)

test-debug:
	$(SWIFT) test

demo: build
	$(SWIFT) run -c release gradflow demo xor
	$(SWIFT) run -c release gradflow demo regression
	$(SWIFT) run -c release gradflow demo iris

bench:
	$(SWIFT) run -c release GradFlowBench

bench-compare:
	$(SWIFT) run -c release GradFlowBench --compare

clean:
	rm -rf .build
