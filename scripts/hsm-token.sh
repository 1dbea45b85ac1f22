#!/usr/bin/env bash
# Creates meshsec's development HSM token (idempotent): its own SoftHSM2 configuration and
# token directory under $MESHSEC_HOME, never the system token store.
#
#   scripts/hsm-token.sh           create (if missing) and show the token
#   scripts/hsm-token.sh --env     print the export line for SOFTHSM2_CONF
#
# MESHSEC_HOME defaults to ${XDG_DATA_HOME:-$HOME/.local/share}/meshsec. The token
# "meshsec-dev" gets the published development PINs below: DEVELOPMENT ONLY. A production
# token is made by its HSM's own tools; meshsec then takes its label from MESHSEC_HSM_TOKEN
# and its user PIN from MESHSEC_HSM_PIN (docs/factory.md).
set -euo pipefail

MESHSEC_HOME="${MESHSEC_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/meshsec}"
CONF_DIR="$MESHSEC_HOME/softhsm"
CONF="$CONF_DIR/softhsm2.conf"
LABEL="meshsec-dev"
SO_PIN="meshsec-dev-so-pin"      # development only (cli/hsm_config.hpp)
USER_PIN="meshsec-dev-user-pin"  # development only

if [ "${1:-}" = "--env" ]; then
  echo "export SOFTHSM2_CONF=$CONF"
  exit 0
fi

command -v softhsm2-util >/dev/null || { echo "softhsm2-util missing: run scripts/setup.sh" >&2; exit 1; }

mkdir -p "$CONF_DIR/tokens"
chmod 700 "$CONF_DIR"
if [ ! -f "$CONF" ]; then
  cat >"$CONF" <<CONF
# meshsec's own SoftHSM2 token store (scripts/hsm-token.sh, docs/factory.md)
directories.tokendir = $CONF_DIR/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
fi
export SOFTHSM2_CONF="$CONF"

if softhsm2-util --show-slots 2>/dev/null | grep -q "Label:[[:space:]]*$LABEL[[:space:]]*$"; then
  echo "token \"$LABEL\" already present ($CONF)"
else
  softhsm2-util --init-token --free --label "$LABEL" --so-pin "$SO_PIN" --pin "$USER_PIN" >/dev/null
  echo "token \"$LABEL\" created ($CONF)"
fi
softhsm2-util --show-slots | awk -v l="$LABEL" '/^Slot /{slot=$0} /Label:/{ if ($2==l) print slot": "l }'
