# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile: make install, uninstall, dkms-install,
# dkms-uninstall, deb.  docs/install.md is the user's guide to them.
#
#   make install [DESTDIR=] [PREFIX=/usr/local] [INSTALL_MOD_PATH=]
#                [UDEV_GROUP=GROUP] [KDIR=]
#   make uninstall (same variables)
#
# The modules go through the kernel's modules_install into
# $(INSTALL_MOD_PATH)/lib/modules/KERNELRELEASE/$(INSTALL_MOD_DIR); depmod
# runs only when INSTALL_MOD_PATH is empty (a staging tree gets none of
# its files).  The userspace files go under $(DESTDIR).  install writes
# every file it put down to a manifest, uninstall removes exactly those.

VERSION := $(shell cat $(CURDIR)/VERSION)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/mempool
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= /usr/share/bash-completion/completions
UDEVRULESDIR ?= /etc/udev/rules.d
MANIFEST ?= $(PREFIX)/share/mempool/install-manifest
INSTALL_MOD_DIR ?= extra
UDEV_GROUP ?=
INSTALL ?= install

# The release the modules are for: the headers' UTS_RELEASE, which is what
# the running kernel reports (Debian's 6.1 headers' kernel.release differs).
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# modules_install signs the modules with the kernel's key when it has one
# (a kernel built here); distribution headers have none: no signing then.
SIG_KEY_CFG = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' \
	$(KDIR)/.config 2>/dev/null)
SIG_KEY = $(if $(filter /%,$(SIG_KEY_CFG)),$(SIG_KEY_CFG),$(KDIR)/$(SIG_KEY_CFG))

# Manifest lines: "M PATH" under INSTALL_MOD_PATH, "D PATH" under DESTDIR,
# "K RELEASE" the kernel depmod ran for.
install: all
	@test -n "$(KREL)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	@case "$(UDEV_GROUP)" in *[!A-Za-z0-9_.-]*) \
		echo "UDEV_GROUP: not a group name: $(UDEV_GROUP)" >&2; exit 1;; esac
	$(MAKE) -C $(KDIR) M=$(PWD) KERNELRELEASE=$(KREL) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) DEPMOD=/bin/true \
		$(if $(wildcard $(SIG_KEY)),,CONFIG_MODULE_SIG_ALL=) \
		modules_install
	@set -e; m="$(DESTDIR)$(MANIFEST)"; \
	$(INSTALL) -d "$$(dirname "$$m")"; : >"$$m.tmp"; \
	r="$(INSTALL_MOD_PATH)"; \
	for o in $$(sed 's|^$(PWD)/||; s/\.[ok]*$$//' modules.order); do \
		for f in "$$r/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)/$$o".ko*; do \
			[ ! -f "$$f" ] || echo "M $${f#"$$r"}" >>"$$m.tmp"; \
		done; \
	done; \
	$(INSTALL) -D -m 0755 tools/mempoolctl/mempoolctl "$(DESTDIR)$(SBINDIR)/mempoolctl"; \
	echo "D $(SBINDIR)/mempoolctl" >>"$$m.tmp"; \
	$(INSTALL) -D -m 0644 tools/mempoolctl/mempoolctl.8 "$(DESTDIR)$(MANDIR)/man8/mempoolctl.8"; \
	echo "D $(MANDIR)/man8/mempoolctl.8" >>"$$m.tmp"; \
	$(INSTALL) -D -m 0644 tools/mempoolctl/mempoolctl.bash-completion \
		"$(DESTDIR)$(BASHCOMPDIR)/mempoolctl"; \
	echo "D $(BASHCOMPDIR)/mempoolctl" >>"$$m.tmp"; \
	$(MAKE) -C tools/lib/mpool install-files DESTDIR="$(DESTDIR)" \
		PREFIX="$(PREFIX)" LIBDIR="$(LIBDIR)" INCLUDEDIR="$(INCLUDEDIR)" \
		MANDIR="$(MANDIR)" PKGCONFIGDIR="$(PKGCONFIGDIR)" \
		MANIFEST="$$m.tmp"; \
	if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then \
		ldconfig; fi; \
	$(INSTALL) -D -m 0644 packaging/mempool.conf.example \
		"$(DESTDIR)$(DOCDIR)/mempool.conf.example"; \
	echo "D $(DOCDIR)/mempool.conf.example" >>"$$m.tmp"; \
	if [ -n "$(UDEV_GROUP)" ]; then \
		$(INSTALL) -d "$(DESTDIR)$(UDEVRULESDIR)"; \
		sed 's/@GROUP@/$(UDEV_GROUP)/g' packaging/60-mempool.rules.in \
			>"$(DESTDIR)$(UDEVRULESDIR)/60-mempool.rules"; \
		chmod 0644 "$(DESTDIR)$(UDEVRULESDIR)/60-mempool.rules"; \
		echo "D $(UDEVRULESDIR)/60-mempool.rules" >>"$$m.tmp"; \
		if [ -z "$(DESTDIR)" ] && ! getent group "$(UDEV_GROUP)" >/dev/null; then \
			echo "note: group $(UDEV_GROUP) does not exist: groupadd --system $(UDEV_GROUP)" >&2; \
		fi; \
	fi; \
	if [ -z "$(INSTALL_MOD_PATH)" ]; then \
		depmod -a "$(KREL)"; echo "K $(KREL)" >>"$$m.tmp"; \
	fi; \
	echo "D $(MANIFEST)" >>"$$m.tmp"; \
	mv "$$m.tmp" "$$m"; \
	echo "installed (manifest: $$m):"; sed 's/^/  /' "$$m"

uninstall:
	@set -e; m="$(DESTDIR)$(MANIFEST)"; \
	[ -f "$$m" ] || { echo "nothing to uninstall: no $$m" >&2; exit 1; }; \
	while read -r kind path; do \
		case $$kind in \
		M) rm -fv "$(INSTALL_MOD_PATH)$$path"; d=$${path%/*}; \
			while case $$d in /lib/modules/*/*) ;; *) false ;; esac; do \
				rmdir "$(INSTALL_MOD_PATH)$$d" 2>/dev/null || break; \
				d=$${d%/*}; \
			done ;; \
		D) [ "$$path" = "$(MANIFEST)" ] || rm -fv "$(DESTDIR)$$path" ;; \
		esac; \
	done <"$$m"; \
	for k in $$(sed -n 's/^K //p' "$$m"); do depmod -a "$$k"; done; \
	rm -fv "$$m"; \
	rmdir "$$(dirname "$$m")" "$(DESTDIR)$(DOCDIR)" \
		"$(DESTDIR)$(INCLUDEDIR)/mpool" 2>/dev/null || true; \
	if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then \
		ldconfig; fi

# --- DKMS -----------------------------------------------------------------
# The sources DKMS builds: Kbuild files, kernel C files and headers, the
# uapi headers, dkms.conf with the version filled in.
DKMS_SRC = dkms.conf VERSION Kbuild \
	$(filter-out %.mod.c,$(wildcard *.c *.h bench/*.c bench/*.h \
		kunit/*.c kunit/*.h)) \
	bench/Kbuild $(wildcard include/*.h include/uapi/*.h \
		include/trace/events/*.h)
# Where dkms-source puts them (debian/rules gives its package's tree).
DKMS_DIR = /usr/src/mempool-$(VERSION)
# Kernels to build for (default: the running one).
DKMS_KERNELS ?= $(shell uname -r)

dkms-source:
	rm -rf $(DKMS_DIR)
	mkdir -p $(DKMS_DIR)
	cp --parents $(DKMS_SRC) $(DKMS_DIR)/
	sed -i 's/#MODULE_VERSION#/$(VERSION)/' $(DKMS_DIR)/dkms.conf

dkms-install: dkms-source
	dkms add -m mempool -v $(VERSION)
	set -e; for k in $(DKMS_KERNELS); do \
		dkms build -m mempool -v $(VERSION) -k "$$k"; \
		dkms install -m mempool -v $(VERSION) -k "$$k"; \
	done

dkms-uninstall:
	if dkms status -m mempool -v $(VERSION) | grep -q .; then \
		dkms remove -m mempool -v $(VERSION) --all; fi
	rm -rf $(DKMS_DIR)

# --- Debian packages (debian/) ----------------------------------------------
# dpkg-buildpackage writes its results next to the tree it builds: it
# builds a copy, build/mempool-VERSION, so that they land in build/ and
# the working tree gets none of debian/'s build files.  lintian, when
# installed, must find no error and no warning.
DEB_TREE = build/mempool-$(VERSION)
DEB_ARCH = $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
DEB_CHANGES = build/mempool_$(VERSION)_$(DEB_ARCH).changes

deb:
	rm -rf $(DEB_TREE)
	mkdir -p $(DEB_TREE)
	tar -c --exclude=./build --exclude=./.git . | \
		tar -x -C $(DEB_TREE)
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_TREE)
	@if command -v lintian >/dev/null; then \
		echo "lintian $(DEB_CHANGES)"; \
		lintian --fail-on error,warning $(DEB_CHANGES); \
	else echo "lintian is not installed: not checked" >&2; fi
	@ls -1 build/*_$(VERSION)_*.deb

.PHONY: install uninstall dkms-source dkms-install dkms-uninstall deb
