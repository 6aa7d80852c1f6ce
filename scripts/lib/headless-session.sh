# Sourced by the test, screenshot and benchmark scripts. Sets up a throwaway Linux desktop
# session for the app: an Xvfb display, a fresh data folder for gnome-keyring with an unlocked
# login keyring, and a trap that stops every process started here by its PID.
#
# Call headless_start inside `dbus-run-session` so the keyring and the app share one private
# session bus that ends with the script. Without a session bus GLib would start its own and
# leave daemons behind.

HEADLESS_PIDS=()
HEADLESS_ROOT=""

headless_log() { printf '[session] %s\n' "$*" >&2; }

headless_stop() {
  local index pid
  for ((index = ${#HEADLESS_PIDS[@]} - 1; index >= 0; index--)); do
    pid="${HEADLESS_PIDS[index]}"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  HEADLESS_PIDS=()
  if [[ -n $HEADLESS_ROOT && -d $HEADLESS_ROOT ]]; then
    rm -rf "$HEADLESS_ROOT"
  fi
}

# Starts Xvfb on a display number it picks itself (-displayfd), so several runs can share a
# machine. Exports DISPLAY.
headless_start_display() {
  local display_file="$HEADLESS_ROOT/display"
  : >"$display_file"
  Xvfb -displayfd 5 -screen 0 "${HEADLESS_SCREEN:-1280x800x24}" -nolisten tcp \
    5>"$display_file" >"$HEADLESS_ROOT/xvfb.log" 2>&1 &
  HEADLESS_PIDS+=("$!")

  local attempt
  for ((attempt = 0; attempt < 100; attempt++)); do
    [[ -s $display_file ]] && break
    sleep 0.1
  done
  if [[ ! -s $display_file ]]; then
    headless_log "Xvfb did not report a display within 10 s:"
    cat "$HEADLESS_ROOT/xvfb.log" >&2
    return 1
  fi

  export DISPLAY=":$(tr -d '[:space:]' <"$display_file")"
  xdpyinfo >/dev/null
  # xdg-desktop-portal and other activated services read DISPLAY from the bus, not from us.
  dbus-update-activation-environment DISPLAY
  headless_log "Xvfb on display $DISPLAY"
}

# Starts gnome-keyring's Secret Service with a new login keyring unlocked by a throwaway
# password. A fresh XDG_DATA_HOME matters: an old login.keyring unlocks only with its old
# password.
headless_start_keyring() {
  export XDG_DATA_HOME="$HEADLESS_ROOT/keyring-data"
  mkdir -p "$XDG_DATA_HOME"

  local password_file="$HEADLESS_ROOT/keyring-password"
  head -c 24 /dev/urandom | base64 >"$password_file"
  gnome-keyring-daemon --foreground --unlock --components=secrets \
    <"$password_file" >"$HEADLESS_ROOT/keyring.log" 2>&1 &
  HEADLESS_PIDS+=("$!")

  local attempt
  for ((attempt = 0; attempt < 100; attempt++)); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q 'boolean true'; then
      break
    fi
    sleep 0.1
  done

  # Prove the keyring stores and returns a secret before any test relies on it.
  local probe="probe-$RANDOM$RANDOM"
  printf '%s' "$probe" | secret-tool store --label='session probe' purpose session-probe
  if [[ "$(secret-tool lookup purpose session-probe)" != "$probe" ]]; then
    headless_log "gnome-keyring did not return the probe secret:"
    cat "$HEADLESS_ROOT/keyring.log" >&2
    return 1
  fi
  secret-tool clear purpose session-probe
  headless_log "gnome-keyring unlocked (Secret Service on the session bus)"
}

headless_start() {
  if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} ]]; then
    headless_log "no D-Bus session: run this inside dbus-run-session"
    return 1
  fi
  # gnome-keyring-daemon --start finds a running daemon through GNOME_KEYRING_CONTROL or
  # $XDG_RUNTIME_DIR/keyring, so a desktop's own keyring, or this session's in a test's nested
  # session, would be used instead. Without both, each daemon keeps its control socket in a
  # fresh ~/.cache/keyring-* folder. The desktop's Wayland display must not be used either.
  unset GNOME_KEYRING_CONTROL XDG_RUNTIME_DIR WAYLAND_DISPLAY
  export GDK_BACKEND=x11

  HEADLESS_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/token-wizard-session.XXXXXX")"
  trap headless_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  headless_start_display
  headless_start_keyring
}
