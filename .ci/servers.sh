# Real servers for the tests of protocols/: installed from Debian, started on loopback ports with
# their data in one temporary directory, stopped on exit. Sourced by .ci/run; the facts behind
# each step are in ../shared/interop/SERVICES.md. Each started server is announced to the tests in
# an environment variable (host:port), which the tests require under CI=true. The ports may be preset
# (PARLEY_PG_PORT, PARLEY_MEMCACHED_PORT), so that two runs on one machine need not meet.
#
#   PARLEY_PG          PostgreSQL 15; roles: postgres (trust), parley_md5 (md5, password "md5-secret"),
#                      parley_scram (scram-sha-256, password "scram-secret"); ssl=on, with a
#                      self-signed certificate for localhost and 127.0.0.1 made here
#   PARLEY_PG_CERT     that certificate (PEM), for clients to trust
#   PARLEY_OPENSSL     openssl, for TLS against s_server and s_client (its path)
#   PARLEY_MEMCACHED   memcached, binary protocol only
#   PARLEY_DNSMASQ     dnsmasq over TCP (and UDP), static records under parley.test (port preset:
#                      PARLEY_DNSMASQ_PORT)
#   PARLEY_MOSQUITTO   Mosquitto 2, MQTT 3.1.1 and 5, anonymous clients allowed, no persistence (port preset:
#                      PARLEY_MOSQUITTO_PORT, default 18830)

PARLEY_SERVERS_DIR=""
PARLEY_MEMCACHED_PID=""
PARLEY_PG_PORT=${PARLEY_PG_PORT:-54329}
PARLEY_MEMCACHED_PORT=${PARLEY_MEMCACHED_PORT:-11311}
PG_BIN=/usr/lib/postgresql/15/bin
PARLEY_DNSMASQ_PID=""
PARLEY_DNSMASQ_PORT=${PARLEY_DNSMASQ_PORT:-15353}
PARLEY_MOSQUITTO_PID=""
PARLEY_MOSQUITTO_PORT=${PARLEY_MOSQUITTO_PORT:-18830}

# Runs "$@" as the postgres user (the server refuses root), from a directory that user can enter.
as_postgres() {
  (cd "$PARLEY_SERVERS_DIR" && runuser -u postgres -- "$@")
}

servers_install() {
  local missing=()
  [ -x "$PG_BIN/pg_ctl" ] || missing+=(postgresql-15 postgresql-client-15)
  command -v memcached >/dev/null || missing+=(memcached libmemcached-tools)
  { command -v dnsmasq >/dev/null && command -v dig >/dev/null; } || missing+=(dnsmasq-base bind9-dnsutils)
  command -v mosquitto >/dev/null || missing+=(mosquitto mosquitto-clients)
  command -v openssl >/dev/null || missing+=(openssl)
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  echo "== installing ${missing[*]}"
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # No package script may start a service on a default port.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=yes
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}" >/dev/null
  if [ -n "$made_policy" ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
}

# Polls "$@" every 100 ms for at most $1 seconds (the first argument).
servers_wait() {
  local seconds=$1
  shift
  local tries=$((seconds * 10))
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

servers_start() {
  servers_install
  PARLEY_SERVERS_DIR=$(mktemp -d)
  chmod 755 "$PARLEY_SERVERS_DIR"

  echo "== starting PostgreSQL 15 on 127.0.0.1:$PARLEY_PG_PORT"
  local pg=$PARLEY_SERVERS_DIR/pg
  install -d -o postgres -g postgres "$pg"
  as_postgres "$PG_BIN/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat > "$pg/data/pg_hba.conf" <<'HBA'
local all all trust
host all parley_md5 127.0.0.1/32 md5
host all parley_scram 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
HBA
  # A certificate of the day for TLS; the server wants its key readable by its own user alone.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$pg/server.key" -out "$pg/server.crt" 2>/dev/null
  chown postgres:postgres "$pg/server.key" "$pg/server.crt"
  chmod 600 "$pg/server.key"
  as_postgres "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PARLEY_PG_PORT -k $pg -c ssl=on -c ssl_cert_file=$pg/server.crt \
      -c ssl_key_file=$pg/server.key -c fsync=off" start >/dev/null
  if ! servers_wait 30 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PARLEY_PG_PORT"; then
    echo "PostgreSQL did not come up within 30 s:"; cat "$pg/server.log"; return 1
  fi
  as_postgres "$PG_BIN/psql" -q -h "$pg" -p "$PARLEY_PG_PORT" -U postgres -v ON_ERROR_STOP=1 <<'SQL'
SET password_encryption = 'md5';
CREATE ROLE parley_md5 LOGIN PASSWORD 'md5-secret';
SET password_encryption = 'scram-sha-256';
CREATE ROLE parley_scram LOGIN PASSWORD 'scram-secret';
SQL
  export PARLEY_PG=127.0.0.1:$PARLEY_PG_PORT
  export PARLEY_PG_CERT=$pg/server.crt
  export PARLEY_OPENSSL=$(command -v openssl)

  echo "== starting memcached on 127.0.0.1:$PARLEY_MEMCACHED_PORT"
  memcached -u memcache -l 127.0.0.1 -p "$PARLEY_MEMCACHED_PORT" -U 0 -m 64 -B binary &
  PARLEY_MEMCACHED_PID=$!
  if ! servers_wait 10 timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PARLEY_MEMCACHED_PORT" \
      || ! kill -0 "$PARLEY_MEMCACHED_PID" 2>/dev/null; then
    echo "memcached did not come up within 10 s (is port $PARLEY_MEMCACHED_PORT in use?)"; return 1
  fi
  export PARLEY_MEMCACHED=127.0.0.1:$PARLEY_MEMCACHED_PORT

  echo "== starting dnsmasq on 127.0.0.1:$PARLEY_DNSMASQ_PORT"
  # The records of protocols/src/test/resources/dev/parley/protocols/dns/parley.zone, which
  # dns-server serves in the same tests; TTLs as there.
  cat > "$PARLEY_SERVERS_DIR/dnsmasq.conf" <<CONF
no-resolv
no-hosts
no-poll
listen-address=127.0.0.1
bind-interfaces
port=$PARLEY_DNSMASQ_PORT
user=nobody
local=/parley.test/
local-ttl=300
host-record=www.parley.test,192.0.2.10,300
host-record=api.parley.test,192.0.2.11,2001:db8::11,300
host-record=mail.parley.test,192.0.2.25,300
txt-record=txt.parley.test,"hello parley","v=1"
cname=alias.parley.test,www.parley.test,600
cname=chain.parley.test,alias.parley.test,900
mx-host=parley.test,mail.parley.test,10
CONF
  dnsmasq --keep-in-foreground --conf-file="$PARLEY_SERVERS_DIR/dnsmasq.conf" --pid-file= \
    --log-facility="$PARLEY_SERVERS_DIR/dnsmasq.log" &
  PARLEY_DNSMASQ_PID=$!
  if ! servers_wait 10 bash -c "dig +tcp +time=1 +tries=1 @127.0.0.1 -p $PARLEY_DNSMASQ_PORT www.parley.test A +short | grep -qx 192.0.2.10" \
      || ! kill -0 "$PARLEY_DNSMASQ_PID" 2>/dev/null; then
    echo "dnsmasq did not come up within 10 s (is port $PARLEY_DNSMASQ_PORT in use?):"
    cat "$PARLEY_SERVERS_DIR/dnsmasq.log" 2>/dev/null; return 1
  fi
  export PARLEY_DNSMASQ=127.0.0.1:$PARLEY_DNSMASQ_PORT

  echo "== starting Mosquitto on 127.0.0.1:$PARLEY_MOSQUITTO_PORT"
  local mq=$PARLEY_SERVERS_DIR/mosquitto
  mkdir -p "$mq"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest file %s/mosquitto.log\n' \
    "$PARLEY_MOSQUITTO_PORT" "$mq" > "$mq/mosquitto.conf"
  chmod 777 "$mq" # as root it drops to the mosquitto user, which writes the log
  mosquitto -c "$mq/mosquitto.conf" &
  PARLEY_MOSQUITTO_PID=$!
  if ! servers_wait 10 timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PARLEY_MOSQUITTO_PORT" \
      || ! kill -0 "$PARLEY_MOSQUITTO_PID" 2>/dev/null; then
    echo "Mosquitto did not come up within 10 s (is port $PARLEY_MOSQUITTO_PORT in use?):"; cat "$mq/mosquitto.log"; return 1
  fi
  export PARLEY_MOSQUITTO=127.0.0.1:$PARLEY_MOSQUITTO_PORT
}

# Stops the process $1 (if any): TERM, up to 10 s, then KILL.
servers_kill() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

servers_stop() {
  servers_kill "$PARLEY_MOSQUITTO_PID"
  servers_kill "$PARLEY_DNSMASQ_PID"
  servers_kill "$PARLEY_MEMCACHED_PID"
  if [ -n "$PARLEY_SERVERS_DIR" ] && [ -d "$PARLEY_SERVERS_DIR/pg/data" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PARLEY_SERVERS_DIR/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [ -n "$PARLEY_SERVERS_DIR" ]; then
    rm -rf "$PARLEY_SERVERS_DIR"
  fi
}
