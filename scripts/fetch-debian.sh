#!/bin/sh
# Fetch Debian packages for a foreign architecture and unpack them into a sysroot, without
# installing anything into the host (docs/testing.md, DESIGN.md section 6).
#
# Usage: scripts/fetch-debian.sh [options] PACKAGE...
#   --arch ARCH       Debian architecture of the guest (default riscv64)
#   --suite SUITE     Debian suite (default: trixie for riscv64, bookworm otherwise)
#   --dest DIR        sysroot to unpack into (default $MORPH_CACHE/sysroot-ARCH)
#   --mirror URL      Debian mirror (default: the one the host's apt sources use)
#   --update          refresh the package lists even if they are recent
#   --offline         never touch the network: use cached lists and .debs only
#   --no-deps         fetch only the named packages, not their dependency closure
#   --list            print the resolved package closure and stop
#
# Everything apt needs lives in a private directory, $MORPH_CACHE/debian/ARCH-SUITE
# (MORPH_CACHE defaults to ~/.cache/morph): its own sources.list (signed by the Debian archive
# keyring), package lists, pkgcache, an empty dpkg status and the downloaded .debs. A second run
# with the same packages finds everything there and needs no network.
#
# The dependency closure follows Depends and Pre-Depends (no Recommends/Suggests) for ARCH and
# "all". Packages are unpacked with dpkg-deb; maintainer scripts are not run. The sysroot gets
# the merged-/usr layout (/lib -> usr/lib, ...) before unpacking, as on an installed Debian, so
# the program interpreter (e.g. /lib/ld-linux-riscv64-lp64d.so.1) resolves under `-L SYSROOT`.
#
# The last line of output is the sysroot path.
set -eu

prog=fetch-debian.sh
die() {
	echo "$prog: error: $*" >&2
	exit 1
}
note() {
	echo "$prog: $*" >&2
}

arch=riscv64
suite=
dest=
mirror=${MORPH_DEBIAN_MIRROR:-}
update=0
offline=0
deps=1
list_only=0
pkgs=

while [ $# -gt 0 ]; do
	case "$1" in
	--arch) [ $# -ge 2 ] || die "--arch needs a value"; arch=$2; shift 2 ;;
	--arch=*) arch=${1#*=}; shift ;;
	--suite) [ $# -ge 2 ] || die "--suite needs a value"; suite=$2; shift 2 ;;
	--suite=*) suite=${1#*=}; shift ;;
	--dest) [ $# -ge 2 ] || die "--dest needs a value"; dest=$2; shift 2 ;;
	--dest=*) dest=${1#*=}; shift ;;
	--mirror) [ $# -ge 2 ] || die "--mirror needs a value"; mirror=$2; shift 2 ;;
	--mirror=*) mirror=${1#*=}; shift ;;
	--update) update=1; shift ;;
	--offline) offline=1; shift ;;
	--no-deps) deps=0; shift ;;
	--list) list_only=1; shift ;;
	-h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; pkgs="$pkgs $*"; break ;;
	-*) die "unknown option '$1' (try --help)" ;;
	*) pkgs="$pkgs $1"; shift ;;
	esac
done

[ -n "$pkgs" ] || die "no packages given (try --help)"
case "$arch" in
*[!a-z0-9]*|"") die "bad architecture name '$arch'" ;;
esac
if [ -z "$suite" ]; then
	case "$arch" in
	riscv64) suite=trixie ;;
	*) suite=bookworm ;;
	esac
fi

for tool in apt-get apt-cache dpkg-deb tar sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (this script needs Debian's apt and dpkg)"
done
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring missing: install debian-archive-keyring (scripts/setup.sh)"

cache_root=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
state=$cache_root/debian/$arch-$suite
debs=$state/debs
[ -n "$dest" ] || dest=$cache_root/sysroot-$arch

# The mirror: the first Debian archive the host's own apt sources name (one-line .list files and
# deb822 .sources files), so the repository never hard-codes a mirror. Security and
# third-party repositories are skipped: they do not carry the whole archive.
host_mirror() {
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			# deb [opts] URI suite comp...
			sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]\{1,\}\).*/\2/p' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			# Stanzas: keep URIs of stanzas whose Types include deb and are not disabled.
			awk '
			function flush() {
				if (isdeb && enabled)
					for (i = 1; i <= nu; i++) print uris[i]
				isdeb = 0; enabled = 1; nu = 0
			}
			BEGIN { enabled = 1 }
			/^[[:space:]]*$/ { flush(); next }
			/^#/ { next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1 }
			tolower($1) == "enabled:" { if (tolower($2) == "no") enabled = 0 }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uris[++nu] = $i }
			END { flush() }
			' "$f"
		done
	} | grep -v -e security -e '^cdrom:' -e '^file:' |
		grep -E '^(https?|mirror\+https?|mirror)://[^/]+/(.*/)?debian/?([^/]*/?)?$' |
		grep -v -e '/debian-ports' | head -n 1
}

if [ -z "$mirror" ]; then
	mirror=$(host_mirror || true)
	if [ -z "$mirror" ]; then
		mirror=http://deb.debian.org/debian
		note "no Debian mirror found in the host's apt sources; using $mirror"
	fi
fi
mirror=${mirror%/}

mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/empty.d" "$debs" ||
	die "cannot create the private apt directory $state"
# One fetch at a time per private apt directory (setup.sh and a test run may overlap).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$state/lock"
	flock 9 || die "cannot lock $state/lock"
fi
: > "$state/status"
printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$arch" "$keyring" "$mirror" "$suite" \
	> "$state/sources.list.new"
# A different mirror or suite invalidates the lists: force an update.
if ! cmp -s "$state/sources.list.new" "$state/sources.list" 2>/dev/null; then
	mv "$state/sources.list.new" "$state/sources.list"
	rm -f "$state/lists/"*_Packages* "$state/lists/"*Release* "$state/cache/"*.bin
	[ "$offline" = 0 ] || die "--offline but no package lists cached for $arch/$suite from $mirror"
	update=1
else
	rm -f "$state/sources.list.new"
fi

# Everything private: sources, lists, caches, preferences and the dpkg status (empty, so
# packages installed on the host do not count as satisfying guest dependencies).
set -- \
	-o Dir::Etc::SourceList="$state/sources.list" \
	-o Dir::Etc::SourceParts="$state/empty.d" \
	-o Dir::Etc::Preferences="$state/empty.d/preferences" \
	-o Dir::Etc::PreferencesParts="$state/empty.d" \
	-o Dir::State::Lists="$state/lists" \
	-o Dir::State::status="$state/status" \
	-o Dir::Cache="$state/cache" \
	-o APT::Architecture="$arch" \
	-o APT::Architectures::="$arch" \
	-o APT::Get::List-Cleanup=1 \
	-o Debug::NoLocking=1 \
	-o Acquire::Languages=none \
	-o APT::Sandbox::User="$(id -un)" \
	-q

have_lists() {
	ls "$state/lists/"*_Packages* >/dev/null 2>&1
}

# Refresh the lists when asked, when missing, or when older than a week.
if [ "$update" = 0 ] && [ "$offline" = 0 ]; then
	if ! have_lists || [ -n "$(find "$state/lists" -maxdepth 1 -name '*Release' -mtime +7)" ]; then
		update=1
	fi
fi
if [ "$update" = 1 ] && [ "$offline" = 0 ]; then
	note "updating package lists for $arch/$suite from $mirror"
	if ! apt-get "$@" update >"$state/update.log" 2>&1; then
		cat "$state/update.log" >&2
		if have_lists; then
			note "warning: apt-get update failed; using the lists cached earlier"
		else
			die "apt-get update failed for $mirror $suite ($arch); see the messages above"
		fi
	elif grep -q '^[WE]:' "$state/update.log"; then
		grep '^[WE]:' "$state/update.log" >&2
		have_lists || die "no package lists for $arch/$suite after apt-get update"
	fi
fi
have_lists || die "no package lists for $arch/$suite (run without --offline)"

# The closure. apt-cache depends --recurse walks every alternative of an "a | b" dependency and
# every provider of a virtual package: a superset of what an install would pick, but safe for
# a sysroot and independent of apt's resolver. Lines without indentation are package names;
# <name> marks a virtual package (its providers appear as their own entries).
# shellcheck disable=SC2086 # the package list is split on purpose
if [ "$deps" = 1 ]; then
	closure=$(apt-cache "$@" depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances $pkgs 2>"$state/depends.log") || {
		cat "$state/depends.log" >&2
		die "cannot resolve the dependencies of:$pkgs (unknown package for $arch/$suite?)"
	}
	closure=$(printf '%s\n' "$closure" | grep -v -e '^[[:space:]]' -e '^<' |
		sed "s/:$arch\$//; s/:all\$//" | sort -u)
else
	closure=$(printf '%s\n' $pkgs | sort -u)
fi
# Packages of another architecture (":amd64" etc.) cannot be fetched and are not wanted.
closure=$(printf '%s\n' "$closure" | grep -v ':' || true)
[ -n "$closure" ] || die "empty package closure for:$pkgs"

if [ "$list_only" = 1 ]; then
	printf '%s\n' "$closure"
	exit 0
fi

# What to download: 'URI' FILE SIZE SHA256:HASH per package, from the local lists. Asked in an
# empty directory: apt leaves out the files already present in the current one.
mkdir -p "$state/empty"
# shellcheck disable=SC2086
uris=$(cd "$state/empty" && apt-get "$@" --print-uris download $closure 2>"$state/download.log") || {
	cat "$state/download.log" >&2
	die "apt-get download --print-uris failed"
}
uris=$(printf '%s\n' "$uris" | grep "^'" || true)
[ -n "$uris" ] || die "apt printed no download URIs for the closure"

# Keep the .debs already cached (checked against the lists' SHA256), fetch the rest.
missing=
printf '%s\n' "$uris" > "$state/uris"
while read -r uri file size hash; do
	if [ -f "$debs/$file" ]; then
		case "$hash" in
		SHA256:*) echo "${hash#SHA256:}  $debs/$file" | sha256sum -c --status - && continue ;;
		*) continue ;;
		esac
		rm -f "$debs/$file"
	fi
	pkg=${file%%_*}
	missing="$missing $pkg"
done < "$state/uris"

if [ -n "$missing" ]; then
	[ "$offline" = 0 ] || die "--offline but these packages are not cached:$missing"
	n=$(printf '%s\n' $missing | wc -l)
	note "downloading $n packages into $debs"
	# shellcheck disable=SC2086
	if ! (cd "$debs" && apt-get "$@" download $missing) >"$state/download.log" 2>&1; then
		cat "$state/download.log" >&2
		die "apt-get download failed"
	fi
fi

# Unpack. The merged-/usr links come first: trixie's packages ship only /usr/lib, bookworm's
# still ship some files under /lib, and both must land in one directory as on a real system.
mkdir -p "$dest/usr" || die "cannot create $dest"
for d in bin sbin lib lib64; do
	mkdir -p "$dest/usr/$d"
	if [ ! -e "$dest/$d" ] && [ ! -L "$dest/$d" ]; then
		ln -s "usr/$d" "$dest/$d"
	fi
done
stamp=$dest/.morph-unpacked
touch "$stamp"
count=0
while read -r uri file size hash; do
	grep -qxF "$file" "$stamp" && continue
	deb=$debs/$file
	[ -f "$deb" ] || die "$file was not downloaded"
	# Like `dpkg-deb -x`, but that would replace the /lib -> usr/lib link by a directory when
	# a package ships ./lib/ (bookworm's libc6 does): tar can keep directory symlinks.
	if ! dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$dest" --keep-directory-symlink --no-same-owner --warning=no-timestamp; then
		die "unpacking $file into $dest failed"
	fi
	echo "$file" >> "$stamp"
	count=$((count + 1))
done < "$state/uris"
note "$(wc -l < "$state/uris") packages in the closure, $count newly unpacked"

printf '%s\n' "$(cd "$dest" && pwd)"
