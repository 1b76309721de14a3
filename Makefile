# Front door only: the build is meson + ninja (see README.md).
#   make run    install what is missing, build, create the demo database, serve on :8080
#   make test   the whole test suite (unit, ASan/UBSan, API, browser, fuzz replay, static checks)

DB      ?= data/demo.db
LISTEN  ?= 127.0.0.1:8080
ZX      := build/src/zhenxing

.PHONY: all bootstrap build run test fuzz bench clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@[ -f build/build.ninja ] || meson setup build >/dev/null
	@ninja -C build >/dev/null

run: build
	@mkdir -p $(dir $(DB))
	@if [ -f $(DB) ]; then \
		echo "使用已有数据库 $(DB)。管理员账号: admin（密码在首次创建时已显示；如忘记，运行 $(ZX) user passwd --db $(DB) --name admin 重置）"; \
	else \
		$(ZX) demo --db $(DB) || exit 1; \
	fi
	@$(ZX) serve --db $(DB) --listen $(LISTEN)

test: bootstrap
	@tests/run

fuzz: bootstrap
	@tests/fuzz/run long

bench: build
	@bench/run

clean:
	rm -rf build build-asan build-fuzz test-results
