# The two commands in the README: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo readme notebooks test test-all lint bench clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

# torch first, pinned, so pip takes the CPU build instead of a multi-GB CUDA one.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install "torch==2.13.0"
	$(PY) -m pip install -e ".[dev]"
	$(VENV)/bin/feedback-mining prepare  # the ONNX encoders and the static model, once
	touch $(STAMP)

# Every format: CSV, Parquet, the workbook, the deck and the HTML page.
demo: $(STAMP)
	$(VENV)/bin/feedback-mining run --sample --output outputs/demo \
	  --set 'output.formats=["csv","parquet","xlsx","pptx","html"]'

# The README's demo section, docs/demo_run/ and the pictures in docs/, from outputs/demo
# (needs soffice, pdftoppm and chromium for the pictures).
readme: $(STAMP)
	$(PY) scripts/demo_readme.py outputs/demo --pictures

# Execute the notebooks from the bundled sample and keep their outputs in the files, so a
# reader on a code host sees them (CPU heavy: a full run of the sample per notebook).
notebooks: $(STAMP)
	$(VENV)/bin/jupyter-execute --inplace --timeout=1200 notebooks/*.ipynb

# Every test but the slow real-model ones and the notebooks, so a change is checked in a few
# minutes; CI (CI=true, as .ci/run runs it) and `make test-all` run everything.
ifeq ($(CI),true)
test: test-all
else
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow" tests
endif

test-all: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests --nbmake --nbmake-timeout=1200 notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/themes.py
	$(PY) benchmarks/food_themes.py
	$(PY) benchmarks/sentiment.py
	$(PY) benchmarks/pii.py
	$(PY) benchmarks/clean.py

clean-venv:
	rm -rf $(VENV)
