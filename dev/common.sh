# shellcheck shell=bash
# Shared set-up behind `make run` and `make test`: Odoo source, virtualenv, Debian packages, PostgreSQL and
# the Odoo configuration. Every step is idempotent, so running it twice costs seconds, not minutes.
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=kundekartotek
WORK_DIR="$PROJECT_DIR/.odoo"            # generated: config, addons symlink, filestore, logs, private cluster
VENV="$PROJECT_DIR/.venv"
PY="$VENV/bin/python"
ODOO_BRANCH=18.0
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
HTTP_PORT=${HTTP_PORT:-8069}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- Odoo source -------------------------------------------------------------------------------------------------
find_odoo_source() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -x "$ODOO_SRC/odoo-bin" ] || die "ODOO_SRC=$ODOO_SRC holds no odoo-bin"
    elif [ -x /opt/odoo/18.0/odoo-bin ]; then
        ODOO_SRC=/opt/odoo/18.0
    elif [ -x "$WORK_DIR/odoo-src/odoo-bin" ]; then
        ODOO_SRC="$WORK_DIR/odoo-src"
    elif timeout 20 git ls-remote --heads "$ODOO_GIT_URL" "$ODOO_BRANCH" >/dev/null 2>&1; then
        say "Cloning Odoo $ODOO_BRANCH (shallow) into $WORK_DIR/odoo-src"
        git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$WORK_DIR/odoo-src"
        ODOO_SRC="$WORK_DIR/odoo-src"
    else
        die "Odoo 18.0 source not found. Set ODOO_SRC to an Odoo 18.0 checkout (the folder holding odoo-bin),
       lay it out at /opt/odoo/18.0, or run this with internet access so it can clone $ODOO_GIT_URL ($ODOO_BRANCH)."
    fi
    grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 18.0"
    export ODOO_SRC
    # The nightly tarball keeps every addon under odoo/addons; a git checkout also has a top-level addons/.
    ODOO_ADDONS="$ODOO_SRC/odoo/addons"
    if [ -d "$ODOO_SRC/addons" ]; then ODOO_ADDONS="$ODOO_SRC/addons,$ODOO_ADDONS"; fi
}

# --- Debian packages ---------------------------------------------------------------------------------------------
ensure_debian_packages() {
    local missing=()
    command -v pg_ctlcluster >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
    [ ${#missing[@]} -eq 0 ] && return 0
    if is_root && command -v apt-get >/dev/null 2>&1; then
        say "Installing Debian packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "missing packages; install them with:
       sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
}

# --- virtualenv --------------------------------------------------------------------------------------------------
ensure_venv() {
    local reqs="$WORK_DIR/requirements-odoo.txt" stamp want
    mkdir -p "$WORK_DIR"
    # psycopg2-binary needs no compiler; python-ldap needs libldap headers and nothing here uses it.
    sed -e 's/^psycopg2==/psycopg2-binary==/' -e '/^python-ldap/d' "$ODOO_SRC/requirements.txt" >"$reqs"
    want=$(cat "$reqs" "$PROJECT_DIR/dev/requirements.txt" | sha1sum | cut -c1-40)
    stamp="$VENV/.kundekartotek-requirements"
    if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    say "Preparing the virtualenv $VENV"
    [ -x "$PY" ] || python3 -m venv "$VENV"
    # Odoo pins old releases whose source builds still import pkg_resources, which new setuptools dropped.
    "$PY" -m pip install --quiet --disable-pip-version-check "setuptools<70" wheel "setuptools_scm<8"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-build-isolation -r "$reqs"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$PROJECT_DIR/dev/requirements.txt"
    echo "$want" >"$stamp"
}

# --- PostgreSQL --------------------------------------------------------------------------------------------------
pg_answers() { psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
    if pg_answers; then
        return 0
    fi
    if is_root && command -v pg_ctlcluster >/dev/null 2>&1 && [ -z "${PGHOST:-}" ]; then
        local cluster
        cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
        [ -n "$cluster" ] || die "no PostgreSQL cluster found (pg_lsclusters is empty); create one with pg_createcluster"
        say "Starting PostgreSQL cluster $cluster"
        # shellcheck disable=SC2086
        pg_ctlcluster $cluster start || true
        for _ in $(seq 30); do su postgres -c "psql -Atqc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
        # Odoo refuses to connect as the superuser "postgres": give the current user a role of its own.
        if ! su postgres -c "psql -Atqc \"select 1 from pg_roles where rolname = '$(id -un)'\"" | grep -q 1; then
            su postgres -c "createuser --superuser $(id -un)"
        fi
    else
        start_private_cluster
    fi
    pg_answers || die "PostgreSQL does not answer (PGHOST=${PGHOST:-<socket>}); start a server or unset PGHOST"
}

# A normal user cannot start the system cluster: run a private one under .odoo/pgdata, reached through a socket there.
start_private_cluster() {
    local bindir data="$WORK_DIR/pgdata"
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] || die "PostgreSQL server binaries not found; sudo apt-get install -y postgresql"
    export PGHOST="$WORK_DIR/pgsocket" PGPORT=${PGPORT:-5432}
    mkdir -p "$PGHOST"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $data"
        "$bindir/initdb" -D "$data" -U "$(id -un)" --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    if ! pg_answers; then
        say "Starting the private PostgreSQL cluster"
        "$bindir/pg_ctl" -D "$data" -l "$WORK_DIR/postgresql.log" -w \
            -o "-k $PGHOST -c listen_addresses='' -p $PGPORT" start >/dev/null
    fi
}

# --- Odoo configuration ------------------------------------------------------------------------------------------
# Odoo finds a module by its folder name; a clone may be called anything, so the addons path holds a symlink.
# The symlink lives outside the project: Odoo walks a module's folder following links (translation export does),
# and a link back into the project would make that walk endless.
write_odoo_config() {
    ADDONS_LINK_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/kundekartotek/addons-$(echo "$PROJECT_DIR" | sha1sum | cut -c1-12)"
    mkdir -p "$ADDONS_LINK_DIR" "$WORK_DIR/data"
    ln -sfn "$PROJECT_DIR" "$ADDONS_LINK_DIR/$MODULE"
    rm -rf "$WORK_DIR/addons"   # where earlier versions of this script kept the link
    ODOO_RC="$WORK_DIR/${ODOO_RC_NAME:-odoo.cfg}"
    cat >"$ODOO_RC" <<CFG
[options]
addons_path = $ODOO_ADDONS,$ADDONS_LINK_DIR
data_dir = $WORK_DIR/data
admin_passwd = admin
http_port = $HTTP_PORT
list_db = True
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
without_demo = False
CFG
    export ODOO_RC
}

odoo_bin() { "$PY" "$ODOO_SRC/odoo-bin" -c "$ODOO_RC" "$@"; }

# A TCP port on 127.0.0.1 that nothing listens on now, for a server of our own beside `make run` (which has 8069).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Reports are rendered by wkhtmltopdf, which fetches the styles from web.base.url: point database $1 at the server
# the tests start on $HTTP_PORT.
serve_reports_from_test_port() {
    psql -d "$1" -qc "UPDATE ir_config_parameter SET value = 'http://127.0.0.1:$HTTP_PORT' WHERE key = 'web.base.url'"
}

db_exists() { psql -d postgres -Atqc "select 1 from pg_database where datname = '$1'" | grep -q 1; }

# Create database $1 with the main company in Norway before `account` is installed, so that Odoo loads the
# Norwegian chart of accounts (l10n_no) for it, as it would for a Norwegian business. $2: "demo" or "nodemo".
create_database() {
    local db=$1 demo=$2 log=$3 demo_opt=()
    [ "$demo" = demo ] || demo_opt=(--without-demo=all)
    say "Creating database $db"
    odoo_bin -d "$db" -i base "${demo_opt[@]}" --stop-after-init --log-level=warn >>"$log" 2>&1
    psql -d "$db" -qc "
        UPDATE res_partner SET country_id = (SELECT id FROM res_country WHERE code = 'NO'),
                               name = 'Fjellheim Regnskap AS', city = 'Oslo', zip = '0150'
         WHERE id = (SELECT partner_id FROM res_company WHERE id = 1);
        UPDATE res_company SET name = 'Fjellheim Regnskap AS' WHERE id = 1" >/dev/null
    # Accounting first, in its own run: Odoo loads the chart of accounts only once the registry is complete, and
    # the module's demo invoices need the journals it creates.
    say "Installing accounting with the Norwegian chart of accounts"
    odoo_bin -d "$db" -i account "${demo_opt[@]}" --stop-after-init --log-level=warn >>"$log" 2>&1
}

# A digest of what Odoo loads from the module (not tests, docs or scripts), to upgrade only when it changed.
module_hash() {
    (cd "$PROJECT_DIR" && find . \( -name .git -o -name .odoo -o -name .venv -o -name tests -o -name bench \
        -o -name tests_sale -o -name docs -o -name dev -o -name __pycache__ \) -prune -o -type f ! -name '*.md' -print |
        LC_ALL=C sort | xargs sha1sum | sha1sum | cut -c1-40)
}

setup_all() {
    find_odoo_source
    ensure_debian_packages
    ensure_venv
    ensure_postgres
    write_odoo_config
}
