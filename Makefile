# DOST Kiosk: the two commands that do everything on a fresh Debian 12 machine with Rust.
#   make run    builds and runs the kiosk demo (under Xvfb when there is no display; it prints
#               a screenshot command, and VNC=1 make run serves the display over VNC)
#   make test   runs every test of the workspace
.PHONY: run test deps-build deps-run screenshots release bench

CARGO ?= cargo

deps-build:
	@scripts/deps.sh build

deps-run:
	@scripts/deps.sh run

run: deps-run
	$(CARGO) build --release --bin dost-kiosk
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		./target/release/dost-kiosk run $(ARGS); \
	else \
		echo "No display: running under Xvfb (VNC=1 make run also serves it over VNC)"; \
		scripts/run-headless.sh $(ARGS); \
	fi

test: deps-build
	$(CARGO) test --workspace

screenshots: deps-build
	scripts/screenshots.sh

release: deps-build
	$(CARGO) build --release --workspace
