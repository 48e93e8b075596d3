#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nginx.sh DIR PORT PKI - start an nginx serving DIR/html over TLS 1.2/1.3
# on 127.0.0.1:PORT and [::1]:PORT with PKI/srv.{pem,key}; its pid file is
# DIR/nginx.pid.  Exit status 0 once it listens.
set -e
D=$1 PORT=$2 PKI=$3
mkdir -p "$D/html" "$D/tmp"
chmod 755 "$D" "$D/html"
cat >"$D/nginx.conf" <<NGINX
daemon on;
pid $D/nginx.pid;
error_log $D/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $D/tmp; proxy_temp_path $D/tmp;
	fastcgi_temp_path $D/tmp; uwsgi_temp_path $D/tmp; scgi_temp_path $D/tmp;
	server {
		listen 127.0.0.1:$PORT ssl;
		listen [::1]:$PORT ssl;
		server_name localhost;
		ssl_certificate $PKI/srv.pem;
		ssl_certificate_key $PKI/srv.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		root $D/html;
	}
}
NGINX
nginx -c "$D/nginx.conf" -e "$D/error.log"
for _ in $(seq 100); do
	ss -Hltn "sport = :$PORT" | grep -q . && exit 0
	sleep 0.05
done
exit 1
