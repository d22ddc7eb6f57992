# footcoach: two commands do everything on a fresh machine: `make run` and `make test`.
# PY: the newest supported Python found on PATH (override: make test PY=python3.11).
# VENV: where the environment goes (override: make test VENV=.venv-py311).
SUPPORTED := python3.13 python3.12 python3.11
ifeq ($(origin PY),undefined)
PY := $(firstword $(foreach p,$(SUPPORTED),$(shell $(p) -c "" >/dev/null 2>&1 && echo $(p))))
endif
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8501
PY_OK   := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))

.PHONY: install run test bench lint clean

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PY)" || { echo "footcoach needs Python 3.13, 3.12 or 3.11, and none of" \
	  "$(SUPPORTED) runs on this machine. Install one, or name it: make $(MAKECMDGOALS) PY=/path/to/python3.x"; exit 1; }
	@$(PY) -c "$(PY_OK)" 2>/dev/null || { echo "$(PY) is not Python 3.11, 3.12 or 3.13," \
	  "which footcoach needs. Name a supported one: make $(MAKECMDGOALS) PY=python3.13"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check vision coach cli ui app.py tests bench tools

clean:
	rm -rf $(VENV) .pytest_cache
