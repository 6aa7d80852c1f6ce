//! The clipboard plugin on a real X11 clipboard, read back with `xclip` from outside the process.
//!
//! Without `DISPLAY` the test starts its own Xvfb (and stops it again), so it runs headless.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use secrecy::ExposeSecret;
use token_wizard_lib::clipboard::{ClipboardAccess, PluginClipboard};

const TOKEN: &str = "dt0c01.CLIPBOARDTESTTOKENID01234.CLIPBOARDTESTSECRETPART";

/// An Xvfb server this test started; stopped on drop.
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts Xvfb on a free display and points `DISPLAY` at it, unless a display is set already.
fn ensure_display() -> Option<Xvfb> {
    if std::env::var_os("DISPLAY").is_some() {
        return None;
    }

    // `-displayfd 1` makes Xvfb pick a free display and print its number on stdout.
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "640x480x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is installed");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let display = format!(":{}", line.trim());

    // SAFETY: this test binary has a single test, so no other thread reads the environment.
    unsafe { std::env::set_var("DISPLAY", &display) };
    Some(Xvfb(child))
}

/// Returns the clipboard text as another X client sees it, or `None` when it contains no text.
fn xclip_text() -> Option<String> {
    let output = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip is installed");
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).unwrap())
}

fn read(clipboard: &impl ClipboardAccess) -> Option<String> {
    clipboard
        .read_text()
        .expect("clipboard reads")
        .map(|text| text.expose_secret().to_string())
}

#[test]
fn plugin_clipboard_writes_reads_and_clears() {
    let _xvfb = ensure_display();
    let app = tauri::test::mock_builder()
        .plugin(tauri_plugin_clipboard_manager::init())
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .expect("mock app builds");
    let clipboard = PluginClipboard(app.handle().clone());

    clipboard.write_text(TOKEN).expect("clipboard writes");

    assert_eq!(xclip_text().as_deref(), Some(TOKEN));
    assert_eq!(read(&clipboard).as_deref(), Some(TOKEN));

    clipboard.clear().expect("clipboard clears");

    assert_ne!(xclip_text().as_deref(), Some(TOKEN));
    assert_eq!(read(&clipboard), None);
}
