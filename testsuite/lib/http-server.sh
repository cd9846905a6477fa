# shellcheck shell=bash disable=SC2034,SC2154
# A static HTTP server on the host's loopback for the guests' network tests
# (testsuite/boot/run-boot.sh, boot-malta/run-malta.sh): source it after console.sh.
#
# http_serve: $scratch/www/page.txt (100 kB of random hex), served on 127.0.0.1 at a port the
# kernel picks. Sets $port, $want (the page's sha256) and $server (the server's pid: kill it
# in extra_cleanup); the server's log is $scratch/server.log. Needs python3.
http_serve() {
	mkdir -p "$scratch/www"
	head -c 100000 /dev/urandom | od -An -tx1 > "$scratch/www/page.txt"
	want=$(sha256sum < "$scratch/www/page.txt" | cut -d' ' -f1)
	python3 - "$scratch/www" > "$scratch/port" 2>"$scratch/server.log" <<-'EOF' &
	import functools, http.server, sys
	handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
	srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
	print(srv.server_address[1], flush=True)
	srv.serve_forever()
	EOF
	server=$!
	for _ in $(seq 50); do [ -s "$scratch/port" ] && break; sleep 0.1; done
	port=$(cat "$scratch/port")
	[ -n "$port" ] || fail "the HTTP server did not start"
}
