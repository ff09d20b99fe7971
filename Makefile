# GradFlow: the two commands after cloning are `make demo` and `make test`.
SWIFT ?= swift
# Numeric code is slow in debug builds, so the tests run optimised (with testability for @testable).
RELEASE_TEST_FLAGS = -c release -Xswiftc -enable-testing --disable-swift-testing
MNIST ?= $(or $(GRADFLOW_MNIST),../shared/datasets/mnist)
# The Python environment of the reference benchmarks (PyTorch, numpy); see ../shared/bench/README.md.
BENCH_VENV ?= $(abspath ../.venv-bench)
BENCH_PYTHON = $(if $(wildcard $(BENCH_VENV)/bin/python),$(BENCH_VENV)/bin/python,python3)

.PHONY: build test test-debug demo pictures bench bench-compare fuzz sanitize clean

build:
	$(SWIFT) build -c release

# GRADFLOW_CHECK_README=1: also build and run every swift block of README.md (ReadmeCodeTests).
test:
	GRADFLOW_CHECK_README=1 $(SWIFT) test $(RELEASE_TEST_FLAGS)

test-debug:
	$(SWIFT) test --disable-swift-testing

# The seeds' three networks in Swift, then two graph files (a classifier and a non-chain DAG).
demo: build
	$(SWIFT) run -c release gradflow demo xor
	$(SWIFT) run -c release gradflow demo regression
	$(SWIFT) run -c release gradflow demo iris
	$(SWIFT) run -c release gradflow train Graphs/digits.graph
	$(SWIFT) run -c release gradflow train Graphs/skip.graph

# The pictures README shows (docs/pictures/*.svg), drawn by GradFlow from the demo graphs.
GRADFLOW = .build/release/gradflow
pictures: build
	mkdir -p docs/pictures
	$(GRADFLOW) train Graphs/digits.graph --save .build/digits.safetensors --plot docs/pictures/digits-training.svg
	$(GRADFLOW) eval Graphs/digits.graph --weights .build/digits.safetensors --report docs/pictures/digits-report.svg
	$(GRADFLOW) train Graphs/diabetes.graph --save .build/diabetes.safetensors
	$(GRADFLOW) eval Graphs/diabetes.graph --weights .build/diabetes.safetensors --report docs/pictures/diabetes-report.svg
	$(GRADFLOW) draw Graphs/skip.graph > docs/pictures/skip-graph.svg

bench:
	GRADFLOW_MNIST=$(MNIST) $(SWIFT) run -c release GradFlowBench
	$(SWIFT) build -c release --product gradflow
	GRADFLOW_MNIST=$(MNIST) scripts/bench_mpi.sh .build/release/gradflow

# The reference scripts (PyTorch, numpy, pandas) and GradFlow back to back in one run, then the ratios.
bench-compare:
	$(SWIFT) build -c release --product GradFlowBench
	@if $(BENCH_PYTHON) -c "import torch, numpy, threadpoolctl" 2>/dev/null; then \
	    echo "reference: ../shared/bench/reference.py $(REFERENCE_FLAGS) (a few minutes)"; \
	    BENCH_VENV=$(if $(wildcard $(BENCH_VENV)/bin/python),$(BENCH_VENV),) MNIST_DIR=$(abspath $(MNIST)) \
	        $(BENCH_PYTHON) ../shared/bench/reference.py $(REFERENCE_FLAGS) > .build/reference.jsonl; \
	else \
	    echo "bench-compare: PyTorch/numpy not installed, so the reference is skipped; install it with"; \
	    echo "  python3 -m venv ../.venv-bench && ../.venv-bench/bin/pip install 'torch==2.13.0+cpu' numpy threadpoolctl pandas"; \
	    : > .build/reference.jsonl; \
	fi
	@if $(BENCH_PYTHON) -c "import torch" 2>/dev/null; then \
	    echo "reference: scripts/ref_infer_torch.py (PyTorch inference_mode)"; \
	    $(BENCH_PYTHON) scripts/ref_infer_torch.py >> .build/reference.jsonl; \
	    echo "reference: scripts/ref_eager_torch.py (PyTorch eager autograd)"; \
	    $(BENCH_PYTHON) scripts/ref_eager_torch.py >> .build/reference.jsonl; \
	fi
	.build/release/GradFlowBench --write-csv --csv-file .build/bench-table.csv
	@if $(BENCH_PYTHON) -c "import pandas, numpy, threadpoolctl" 2>/dev/null; then \
	    echo "reference: scripts/ref_csv.py (pandas, numpy.loadtxt) on .build/bench-table.csv"; \
	    $(BENCH_PYTHON) scripts/ref_csv.py .build/bench-table.csv >> .build/reference.jsonl; \
	else \
	    echo "bench-compare: pandas not installed, so the CSV reference is skipped; install it with"; \
	    echo "  $(BENCH_VENV)/bin/pip install pandas numpy threadpoolctl"; \
	fi
	GRADFLOW_MNIST=$(MNIST) .build/release/GradFlowBench --reference .build/reference.jsonl --csv-file .build/bench-table.csv

# libFuzzer targets (graph files, CSV, IDX, safetensors) over their seed corpora, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tests/Fuzz/run-fuzzers.sh

# The test suite under AddressSanitizer, then ThreadSanitizer (debug builds in .build-asan, .build-tsan).
sanitize:
	Tests/Fuzz/run-sanitizers.sh

clean:
	rm -rf .build .build-fuzz .build-fuzz-artifacts .build-asan .build-tsan
