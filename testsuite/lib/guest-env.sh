# The guest a boot test script runs, as scripts/fetch-guest-*.sh made it: source it with
# `. "$(dirname "$0")/../lib/guest-env.sh"`. Missing pieces skip the test (exit 77, the
# suites' SKIP_RETURN_CODE) with the command that makes them.

# skip MESSAGE...: the test cannot run here
skip() {
	echo "SKIP: $*"
	exit 77
}

# load_guest_env DIR FETCH_SCRIPT VAR...: source DIR/guest.env (made by scripts/FETCH_SCRIPT),
# then check that the file each VAR names is readable
load_guest_env() {
	_dir=$1 _fetch=$2
	shift 2
	[ -r "$_dir/guest.env" ] || skip "no guest in $_dir; make it with scripts/$_fetch"
	# shellcheck disable=SC1091
	. "$_dir/guest.env"
	for _var in "$@"; do
		eval "_file=\${$_var:-}"
		[ -r "$_file" ] || skip "$_var ($_file) missing; run scripts/$_fetch"
	done
}
